// Runs one command as its child and stops that child when our parent goes away, however the parent ends (a SIGKILL
// or a closed terminal included): the parent holds our IPC channel and the kernel closes it when the parent dies,
// which Node reports as 'disconnect'; a change of process.ppid is the fallback. The dev server itself has no such
// hook (PR_SET_PDEATHSIG needs native code), hence this small process in between.
//
// usage: node runtime/watchdog.mjs <command> [args…]   (spawned with an 'ipc' stdio entry; sends { pid } once)
// Plain JavaScript on purpose: it starts in a few milliseconds and needs no loader.
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command || !process.send) {
  console.error('watchdog: run me with a command and an IPC channel');
  process.exit(2);
}
const parent = process.ppid;
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;

/** SIGTERM (and SIGCONT, should it be stopped), then SIGKILL after 5 s. */
function stopChild() {
  if (stopping) return;
  stopping = true;
  try {
    child.kill('SIGTERM');
    child.kill('SIGCONT');
  } catch {
    // already gone
  }
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
}

child.once('error', (err) => {
  console.error(`watchdog: cannot run ${command}: ${err.message}`);
  process.exit(127);
});
child.once('spawn', () => process.send?.({ pid: child.pid }));
child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

process.on('disconnect', stopChild);
process.on('SIGTERM', stopChild);
// A terminal's Ctrl-C or hang-up is for the parent: it decides when the server stops (after the worker drained).
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
setInterval(() => {
  if (process.ppid !== parent) stopChild();
}, 500);

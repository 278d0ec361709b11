// Runs embedded PGlite in its own process, served over the Postgres wire protocol on 127.0.0.1, so its (single
// threaded, WebAssembly) query work never blocks the API's and the worker's event loop. Started by db/embedded.ts.
import { startEmbeddedPostgres } from './embedded';

const dir = process.argv[2] || undefined;
const parent = process.ppid;
const pg = await startEmbeddedPostgres({ dir });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // A close that hangs must not keep the data folder (and its port) busy: leave after 8 s regardless.
  setTimeout(() => process.exit(1), 8000).unref();
  await pg.stop();
  process.exit(0);
};
// The parent decides when to stop (after the worker drained); a terminal Ctrl-C or hang-up is not ours to act on.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
process.on('SIGTERM', () => void stop());
// However the parent ends (SIGKILL included), the kernel closes the IPC channel: we stop with it, so no orphan
// holds the data folder. A new parent pid (we were re-parented) is the fallback signal.
process.on('disconnect', () => void stop());
// The parent (e.g. bench/lifecycle) asks for the turn-taking counters: busy time, statements, waits for a turn.
process.on('message', (m: { stats?: boolean }) => {
  if (m?.stats) void pg.stats().then((stats) => process.send?.({ stats }));
});
setInterval(() => {
  if (process.ppid !== parent) void stop();
}, 500).unref();
process.send?.({ ready: true, url: pg.url });

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { processIdentity, readProcessRecord, terminate, type ProcessRecord } from '../../../runtime/process-record';
import { projectRoot } from '../../../runtime/temporal-cli';

/** A TypeScript entry point of ours running in a process of its own (node --import tsx: one process, no wrapper). */
export interface EntryProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name) once it exited. */
  exited: Promise<number | string>;
  /** Resolves once `pattern` appears in its output; rejects when it exits first or `timeoutMs` passes. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
}

const started = new Set<EntryProcess>();

/**
 * Starts `node --import tsx <entry> [...args]` in the project folder with only the given environment (plus PATH and
 * HOME). Every process started here is tracked for `stopAllStarted`.
 */
export function startEntry(entry: string, env: Record<string, string>, args: string[] = []): EntryProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, entry), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => {
    resolve(code ?? signal ?? 'unknown');
    for (const l of listeners) l();
  }));
  const proc: EntryProcess = {
    child, pid: child.pid!, exited, output: () => out,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (m) return done(() => resolve(m[0]));
          if (child.exitCode !== null || child.signalCode !== null) {
            return done(() => reject(new Error(`${entry} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${out.slice(-3000)}`)));
          }
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${entry} did not print ${pattern} within ${timeoutMs} ms:\n${out.slice(-3000)}`))), timeoutMs);
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          fn();
        };
        listeners.add(check);
        check();
      });
    },
  };
  started.add(proc);
  void exited.then(() => started.delete(proc));
  return proc;
}

/** The exit code (or signal) of `proc`, or 'still running' when it has not exited within `ms`. */
export async function exitWithin(proc: EntryProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((r) => (timer = setTimeout(() => r('still running'), ms)));
  try {
    return await Promise.race([proc.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every entry process started by startEntry that still runs (afterAll), by pid. */
export async function stopAllStarted(): Promise<void> {
  const running = [...started];
  for (const p of running) p.child.kill('SIGKILL');
  await Promise.all(running.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 5000))])));
}

/** The pid record a server of a data folder left (`temporal.pid`, `pglite.pid`). */
export function recordOf(dataDir: string, name: 'temporal' | 'pglite'): ProcessRecord | undefined {
  return readProcessRecord(join(dataDir, `${name}.pid`));
}

/** True while the process of the record runs (same pid, start time and command: not a later process with its pid). */
export function stillRunning(r: Pick<ProcessRecord, 'pid' | 'startTime'>): boolean {
  const now = processIdentity(r.pid);
  return Boolean(now && now.startTime === r.startTime);
}

/** Stops a process of a record if it still runs (SIGTERM, then SIGKILL): cleanup after a failed test. */
export async function stopIfRunning(r: ProcessRecord | undefined): Promise<void> {
  if (r && stillRunning(r)) await terminate(r.pid, r, 2000);
}

/** Polls `fn` until it is true or `ms` passed; returns the last value. */
export async function within(ms: number, fn: () => boolean | Promise<boolean>, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** What tells one process apart from a later one that reuses its pid: its start time and its command line. */
export interface ProcessIdentity {
  startTime: string;
  command: string;
}

/**
 * The record a server process of a data folder leaves next to its data (`<DATA_DIR>/temporal.pid`, `pglite.pid`), so
 * the next start can tell a server left behind by a start that died without its shutdown from anything else.
 */
export interface ProcessRecord extends ProcessIdentity {
  name: string;
  pid: number;
  port?: number;
  /** The process that stops the server when its owner dies (runtime/watchdog.mjs), if any. */
  watchdogPid?: number;
  /** The process that started the server (`npm start`, a worker, a test). */
  owner: { pid: number; startTime: string };
}

/**
 * Start time and command line of a running process, or undefined when there is none (zombies count as gone).
 * @example processIdentity(process.pid) // { startTime: '123456', command: 'node --import tsx runtime/start.ts' }
 */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after "(comm)": state is the first, starttime (field 22 of stat) the 20th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      return { startTime: fields[19] ?? '', command };
    } catch {
      return undefined;
    }
  }
  // macOS and other systems without /proc: ps prints state, the fixed-width start time and the command.
  try {
    const out = execFileSync('ps', ['-o', 'stat=', '-o', 'lstart=', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const m = /^(\S+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec(out);
    if (!m || m[1]!.startsWith('Z')) return undefined;
    return { startTime: m[2]!, command: m[3]! };
  } catch {
    return undefined;
  }
}

/** True while the process that `identity` describes runs (not merely some process with that pid). */
export function isRunning(pid: number, identity?: { startTime: string; command?: string }): boolean {
  const now = processIdentity(pid);
  if (!now) return false;
  if (!identity) return true;
  return now.startTime === identity.startTime && (identity.command === undefined || now.command === identity.command);
}

/** Writes the record for `pid` (atomically), owned by this process. */
export function writeProcessRecord(file: string, record: Omit<ProcessRecord, 'owner' | keyof ProcessIdentity> & Partial<ProcessIdentity>): void {
  const identity = processIdentity(record.pid);
  const self = processIdentity(process.pid);
  const full: ProcessRecord = {
    ...record,
    startTime: record.startTime ?? identity?.startTime ?? '',
    command: record.command ?? identity?.command ?? '',
    owner: { pid: process.pid, startTime: self?.startTime ?? '' },
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(full, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Reads a record; undefined when there is none or it is unreadable. */
export function readProcessRecord(file: string): ProcessRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as ProcessRecord;
    return Number.isInteger(r.pid) && typeof r.startTime === 'string' && r.owner ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the record if it still describes `pid` (a newer start may have replaced it). */
export function removeProcessRecord(file: string, pid: number | undefined): void {
  if (readProcessRecord(file)?.pid === pid) rmSync(file, { force: true });
}

/** SIGTERM (plus SIGCONT for a stopped process), then SIGKILL; resolves once the process is gone. */
export async function terminate(pid: number, identity: ProcessIdentity, graceMs = 5000): Promise<boolean> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      // gone already
    }
  };
  signal('SIGTERM');
  signal('SIGCONT');
  if (await waitForExit(pid, identity, graceMs)) return true;
  signal('SIGKILL');
  return waitForExit(pid, identity, 3000);
}

/** Polls until the process is gone or `ms` passed; true when it is gone. */
export async function waitForExit(pid: number, identity: { startTime: string } | undefined, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid, identity)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Before a server of a data folder starts: when the record names a server left behind by an earlier start whose
 * process is gone (killed, terminal closed), that server is ours and is stopped; when its owner still runs, the data
 * folder is in use and start-up stops with one line. A record whose process is gone, or whose pid now belongs to
 * another program, is simply removed.
 * @example await reclaimStaleServer('data/temporal.pid', { mustMention: 'data/temporal.db', folder: 'data', log: console.log });
 */
export async function reclaimStaleServer(file: string, opts: { mustMention: string; folder?: string; folderVariable?: string; log?: (m: string) => void }): Promise<void> {
  if (!existsSync(file)) return;
  const record = readProcessRecord(file);
  if (!record) {
    rmSync(file, { force: true });
    return;
  }
  const ours = record.command.includes(opts.mustMention) && isRunning(record.pid, record);
  if (ours && isRunning(record.owner.pid, { startTime: record.owner.startTime })) {
    const variable = opts.folderVariable ?? 'DATA_DIR';
    throw new Error(`${variable}: ${opts.folder ?? opts.mustMention} is in use by another Leadflow (process ${record.owner.pid} runs its ${record.name}); stop it or set ${variable} to another folder`);
  }
  if (ours) {
    opts.log?.(`stopping the ${record.name} (pid ${record.pid}) left running by an earlier start that did not shut down`);
    if (!(await terminate(record.pid, record))) throw new Error(`the stale ${record.name} (pid ${record.pid}) of ${opts.mustMention} does not stop; stop it by hand`);
  }
  rmSync(file, { force: true });
}

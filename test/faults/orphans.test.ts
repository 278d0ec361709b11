import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processIdentity, reclaimStaleServer, type ProcessRecord } from '../../runtime/process-record';
import { freePort, portInUse } from '../../runtime/temporal-dev-server';
import { exitWithin, recordOf, startEntry, stillRunning, stopAllStarted, stopIfRunning, within, type EntryProcess } from './helpers/processes';

// `npm start` (runtime/start.ts) on a data folder of its own, free ports, no demo data, no Web UI, embedded PGlite.
const READY = /Press Ctrl-C to stop/;
const START_MS = 150_000;

async function ports() {
  return { PORT: String(await freePort()), TEMPORAL_DEV_PORT: String(await freePort()) };
}

function start(dataDir: string, p: { PORT: string; TEMPORAL_DEV_PORT: string }): EntryProcess {
  return startEntry('runtime/start.ts', { ...p, DATA_DIR: dataDir, TEMPORAL_UI_PORT: '0', LOG_LEVEL: 'warn', DEMO_DATA: 'false' }, ['--no-demo']);
}

/** The dev server's and PGlite's records once both are written. */
function records(dataDir: string): { temporal: ProcessRecord; pglite: ProcessRecord } {
  const temporal = recordOf(dataDir, 'temporal');
  const pglite = recordOf(dataDir, 'pglite');
  if (!temporal || !pglite) throw new Error(`no pid records in ${dataDir}`);
  return { temporal, pglite };
}

const leftovers: ProcessRecord[] = [];

describe('no orphaned dev server or PGlite, whatever happens to npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lf-orphans-'));
  let p: { PORT: string; TEMPORAL_DEV_PORT: string };

  afterAll(async () => {
    await stopAllStarted();
    for (const r of leftovers) await stopIfRunning(r);
  });

  it('a SIGKILLed start takes its Temporal dev server and PGlite with it, and frees the ports', async () => {
    p = await ports();
    const first = start(dataDir, p);
    await first.waitFor(READY, START_MS);
    const { temporal, pglite } = records(dataDir);
    leftovers.push(temporal, pglite);
    expect(stillRunning(temporal)).toBe(true);
    expect(stillRunning(pglite)).toBe(true);
    expect(temporal.port).toBe(Number(p.TEMPORAL_DEV_PORT));

    first.child.kill('SIGKILL');
    await first.exited;
    expect(await within(10_000, () => !stillRunning(temporal)), 'the dev server still runs 10 s after its parent was killed').toBe(true);
    expect(await within(10_000, () => !stillRunning(pglite)), 'PGlite still runs 10 s after its parent was killed').toBe(true);
    expect(await within(5000, async () => !(await portInUse(Number(p.TEMPORAL_DEV_PORT)))), 'TEMPORAL_DEV_PORT is still taken').toBe(true);
    expect(await portInUse(Number(p.PORT))).toBe(false);
    expect(await portInUse(pglite.port!), 'the PGlite port is still taken').toBe(false);
  });

  it('a start that finds servers a killed start left running on its data folder stops them and goes on', async () => {
    // A stale pair: the dev server's watchdog is killed and PGlite is frozen before their parent is SIGKILLed, so
    // neither can notice; they keep the port and the data folder, as after a crash of the watchdog itself.
    const second = start(dataDir, p);
    await second.waitFor(READY, START_MS);
    const stale = records(dataDir);
    leftovers.push(stale.temporal, stale.pglite);
    process.kill(stale.temporal.watchdogPid!, 'SIGKILL');
    process.kill(stale.pglite.pid, 'SIGSTOP');
    second.child.kill('SIGKILL');
    await second.exited;
    await new Promise((r) => setTimeout(r, 1000));
    expect(stillRunning(stale.temporal)).toBe(true);
    expect(stillRunning(stale.pglite)).toBe(true);
    expect(await portInUse(Number(p.TEMPORAL_DEV_PORT))).toBe(true);

    const third = start(dataDir, p);
    await third.waitFor(READY, START_MS);
    expect(third.output()).toMatch(/stopping the Temporal dev server \(pid \d+\) left running by an earlier start/);
    expect(third.output()).toMatch(/stopping the embedded Postgres \(PGlite\) \(pid \d+\) left running by an earlier start/);
    // The data of the earlier starts is found again (nothing to migrate), under new server processes.
    expect(third.output()).not.toMatch(/applied migrations/);
    expect(stillRunning(stale.temporal)).toBe(false);
    expect(stillRunning(stale.pglite)).toBe(false);
    const fresh = records(dataDir);
    leftovers.push(fresh.temporal, fresh.pglite);
    expect(fresh.temporal.pid).not.toBe(stale.temporal.pid);
    expect(stillRunning(fresh.temporal) && stillRunning(fresh.pglite)).toBe(true);

    // While it runs, its data folder is not taken over by another start: that one says so and leaves it alone.
    const intruder = start(dataDir, await ports());
    expect(await exitWithin(intruder, 60_000)).toBe(1);
    expect(intruder.output()).toMatch(new RegExp(`cannot start: DATA_DIR: .*${dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.* is in use by another Leadflow \\(process ${third.pid}\\b`));
    expect(stillRunning(fresh.temporal) && stillRunning(fresh.pglite)).toBe(true);

    // Ctrl-C / SIGTERM still stops everything in order.
    third.child.kill('SIGTERM');
    expect(await exitWithin(third, 15_000)).toBe(0);
    expect(await within(5000, () => !stillRunning(fresh.temporal) && !stillRunning(fresh.pglite))).toBe(true);
    expect(recordOf(dataDir, 'temporal')).toBeUndefined();
    expect(recordOf(dataDir, 'pglite')).toBeUndefined();
  });

  it('a pid record whose pid now belongs to another program is dropped without touching that program', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lf-reused-'));
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const identity = processIdentity(other.pid!)!;
      // As if our dev server had had this pid: same pid, but not our command (and another start time).
      writeFileSync(join(dir, 'temporal.pid'), JSON.stringify({
        name: 'Temporal dev server', pid: other.pid, startTime: '1', command: `temporal server start-dev --db-filename ${join(dir, 'temporal.db')}`,
        owner: { pid: 999_999, startTime: '1' },
      }));
      await reclaimStaleServer(join(dir, 'temporal.pid'), { mustMention: join(dir, 'temporal.db') });
      expect(recordOf(dir, 'temporal')).toBeUndefined();
      expect(stillRunning({ pid: other.pid!, startTime: identity.startTime })).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('a foreign program on TEMPORAL_DEV_PORT is named in one line, with the variable to change', async () => {
    const foreign = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => foreign.once('listening', r));
    const port = (foreign.address() as net.AddressInfo).port;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'lf-foreign-'));
      const run = start(dir, { PORT: String(await freePort()), TEMPORAL_DEV_PORT: String(port) });
      expect(await exitWithin(run, 60_000)).toBe(1);
      const lines = run.output().split('\n').filter((l) => l.includes('cannot start'));
      expect(lines).toEqual([`[leadflow] cannot start: TEMPORAL_DEV_PORT: 127.0.0.1:${port} is already in use by another program (set TEMPORAL_DEV_PORT to a free port)`]);
      // Checked before anything started: no PGlite was left behind either.
      expect(recordOf(dir, 'pglite')).toBeUndefined();
      expect(recordOf(dir, 'temporal')).toBeUndefined();
    } finally {
      foreign.close();
    }
  });
});

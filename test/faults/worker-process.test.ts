import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processIdentity, type ProcessRecord } from '../../runtime/process-record';
import { freePort } from '../../runtime/temporal-dev-server';
import { exitWithin, recordOf, startEntry, stillRunning, stopAllStarted, stopIfRunning, within } from './helpers/processes';

const READY = /Press Ctrl-C to stop/;
const START_MS = 150_000;

/** The parent pid of a running process (from /proc), or undefined when it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

const leftovers: ProcessRecord[] = [];

/**
 * `npm start` (runtime/start.ts) runs the worker in a process of its own: a child with its own pid that serves its
 * metrics, is restarted after a crash, and is gone with everything else after SIGTERM.
 */
describe('npm start: the worker in a supervised process of its own', () => {
  afterAll(async () => {
    await stopAllStarted();
    for (const r of leftovers) await stopIfRunning(r);
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'lf-worker-proc-'));
  const ports = async () => ({ PORT: String(await freePort()), TEMPORAL_DEV_PORT: String(await freePort()) });
  const startIn = async () => startEntry('runtime/start.ts', { ...(await ports()), DATA_DIR: dataDir, TEMPORAL_UI_PORT: '0', LOG_LEVEL: 'warn', DEMO_DATA: 'false' }, ['--no-demo']);
  const workerPidOf = (output: string) => Number(/\(worker, pid (\d+)\)/.exec(output)?.[1]);

  it('has its own pid and metrics, comes back after a crash, and leaves no process behind on SIGTERM', async () => {
    const start = await startIn();
    await start.waitFor(READY, START_MS);
    const temporal = recordOf(dataDir, 'temporal');
    const pglite = recordOf(dataDir, 'pglite');
    if (temporal) leftovers.push(temporal);
    if (pglite) leftovers.push(pglite);

    const banner = /Metrics\s+(http:\/\/127\.0\.0\.1:\d+\/metrics) \(API\), (http:\/\/127\.0\.0\.1:\d+\/metrics) \(worker, pid (\d+)\)/.exec(start.output());
    expect(banner, start.output().slice(-2000)).not.toBeNull();
    const [, apiMetrics, workerMetrics, pidText] = banner!;
    const workerPid = Number(pidText);
    expect(workerPid).not.toBe(start.pid);
    expect(parentOf(workerPid)).toBe(start.pid);
    expect(start.output()).toMatch(/Self-check\s+ok/);

    // The start-up self-check ran its activity in the worker process, and the worker says so in its own metrics.
    const worker = await (await fetch(workerMetrics!)).text();
    expect(worker).toMatch(/^leadflow_activity_duration_seconds_count\{activity_type="recordSmokeRun",outcome="ok"\} [1-9]/m);
    expect(worker).toMatch(/^temporal_workflow_task_execution_latency_count\{[^}]*workflow_type="smokeWorkflow"/m);
    const api = await (await fetch(apiMetrics!)).text();
    expect(api).toMatch(/^leadflow_db_up 1$/m);

    // A crash of the worker: it is started again, with a new pid, by the same parent.
    const first = processIdentity(workerPid)!;
    process.kill(workerPid, 'SIGKILL');
    const restarted = await start.waitFor(/worker process restarted \(pid (\d+)\)/, 60_000);
    const newPid = Number(/pid (\d+)/.exec(restarted)![1]);
    expect(newPid).not.toBe(workerPid);
    expect(parentOf(newPid)).toBe(start.pid);
    const second = processIdentity(newPid)!;

    start.child.kill('SIGTERM');
    expect(await exitWithin(start, 15_000)).toBe(0);
    expect(await within(5000, () => !stillRunning({ pid: newPid, startTime: second.startTime })), 'the restarted worker outlived its parent').toBe(true);
    expect(stillRunning({ pid: workerPid, startTime: first.startTime })).toBe(false);
    if (temporal) expect(await within(5000, () => !stillRunning(temporal)), 'the dev server outlived its parent').toBe(true);
    if (pglite) expect(await within(5000, () => !stillRunning(pglite)), 'PGlite outlived its parent').toBe(true);
  });

  it('a SIGKILLed start takes its worker process with it', async () => {
    const start = await startIn();
    await start.waitFor(READY, START_MS);
    for (const name of ['temporal', 'pglite'] as const) {
      const r = recordOf(dataDir, name);
      if (r) leftovers.push(r);
    }
    const workerPid = workerPidOf(start.output());
    expect(parentOf(workerPid)).toBe(start.pid);
    const identity = processIdentity(workerPid)!;
    start.child.kill('SIGKILL');
    await start.exited;
    expect(await within(15_000, () => !stillRunning({ pid: workerPid, startTime: identity.startTime })), 'the worker outlived its SIGKILLed parent').toBe(true);
  });
});

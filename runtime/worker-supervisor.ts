import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Config } from './config';
import type { WorkerProcessMessage } from './worker-process';
import type { WorkerTuning } from '../workers/worker';

/** The worker's concurrency and cache sizes from the configuration (WORKER_*). */
export function workerTuning(config: Config): WorkerTuning {
  return {
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_ACTIVITIES,
    maxConcurrentLocalActivityExecutions: config.WORKER_MAX_LOCAL_ACTIVITIES,
    maxCachedWorkflows: config.WORKER_STICKY_CACHE_SIZE,
  };
}

export interface WorkerProcess {
  /** The pid of the worker process running now (a restarted one has a new pid). */
  readonly pid: number | undefined;
  /** Its /metrics URL (the port is the same across restarts when WORKER_METRICS_PORT is set). */
  readonly metricsUrl: string | undefined;
  /** How often it was restarted after a crash. */
  readonly restarts: number;
  stop(): Promise<void>;
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'worker-process.ts');
/** Restart delays after a crash: 1 s, doubling up to 30 s; a worker that ran for a minute starts over at 1 s. */
const BACKOFF_MS = { first: 1000, max: 30_000, healthyAfter: 60_000 };

/**
 * Starts the worker in a child process (runtime/worker-process.ts) and resolves once it polls Temporal. Its output is
 * prefixed with `[worker]`; a crash restarts it with backoff; `stop()` asks it to drain (SIGTERM) and kills it after
 * 10 s. It also stops by itself when this process ends in any way (it watches its IPC channel).
 * @example const w = await startWorkerProcess({ databaseUrl, temporalAddress, appUrl, embeddedDb: true, log });
 */
export async function startWorkerProcess(opts: {
  databaseUrl: string;
  temporalAddress: string;
  appUrl: string;
  embeddedDb: boolean;
  log: (m: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<WorkerProcess> {
  let child: ChildProcess | undefined;
  let metricsUrl: string | undefined;
  let restarts = 0;
  let stopping = false;
  let delay = BACKOFF_MS.first;
  let restartTimer: NodeJS.Timeout | undefined;

  const spawnOne = (): Promise<void> => new Promise<void>((resolve, reject) => {
    const startedAt = Date.now();
    const c = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...(opts.env ?? process.env),
        LEADFLOW_WORKER_DATABASE_URL: opts.databaseUrl,
        LEADFLOW_WORKER_TEMPORAL_ADDRESS: opts.temporalAddress,
        LEADFLOW_WORKER_APP_URL: opts.appUrl,
        LEADFLOW_WORKER_EMBEDDED_DB: opts.embeddedDb ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child = c;
    for (const stream of [c.stdout, c.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => opts.log(`[worker] ${line}`));
    }
    let ready = false;
    c.on('message', (m: WorkerProcessMessage) => {
      if (m.ready) {
        ready = true;
        metricsUrl = m.metricsUrl;
        resolve();
      } else if (m.error) {
        reject(new Error(`worker process: ${m.error}`));
      }
    });
    c.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`worker process exited at start (${signal ?? `code ${code}`})`));
      if (stopping || !ready) return;
      if (Date.now() - startedAt > BACKOFF_MS.healthyAfter) delay = BACKOFF_MS.first;
      opts.log(`worker process ${c.pid} ended (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(0)} s`);
      scheduleRestart();
    });
  });

  const scheduleRestart = () => {
    restartTimer = setTimeout(() => {
      if (stopping) return;
      restarts++;
      spawnOne().then(
        () => opts.log(`worker process restarted (pid ${child?.pid})`),
        (err: Error) => {
          if (stopping) return;
          opts.log(`worker restart failed (${err.message}); next attempt in ${(delay / 1000).toFixed(0)} s`);
          scheduleRestart();
        },
      );
    }, delay);
    delay = Math.min(delay * 2, BACKOFF_MS.max);
  };

  const stop = async () => {
    stopping = true;
    clearTimeout(restartTimer);
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const hard = setTimeout(() => c.kill('SIGKILL'), 10_000);
      c.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };
  try {
    await spawnOne();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    get pid() { return child?.pid; },
    get metricsUrl() { return metricsUrl; },
    get restarts() { return restarts; },
    stop,
  };
}

// The Temporal worker in a process of its own, started and supervised by `npm start` (runtime/worker-supervisor.ts):
// workflow tasks and activities never share an event loop with the API. It reads the same configuration as its
// parent, plus the database URL and Temporal address the parent resolved (PGlite's port, the dev server's address).
import { serveMetrics } from '../api/metrics';
import { assertDatabaseReachable, createSql } from '../db/client';
import { documentStoreFromEnv } from '../db/documents';
import { WorkerMetrics } from '../workers/metrics';
import { createLeadflowWorker } from '../workers/worker';
import { loadConfig } from './config';
import { oneLine, Teardown } from './lifecycle';
import { connectWorker } from './temporal-connect';
import { freePort } from './temporal-dev-server';
import { installTemporalRuntime } from './temporal-runtime';
import { workerTuning } from './worker-supervisor';

export interface WorkerProcessMessage {
  ready?: boolean;
  metricsUrl?: string;
  error?: string;
}

const send = (m: WorkerProcessMessage) => process.send?.(m);
const parent = process.ppid;
const teardown = new Teardown();
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code || 1), 10_000).unref();
  await teardown.run((m) => console.error(m));
  process.exit(code);
}

// The parent decides when to stop (after the API closed, before the database goes): a terminal Ctrl-C is its to act on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void stop(0));
// However the parent ends (SIGKILL included), the kernel closes the IPC channel: the worker stops with it.
process.on('disconnect', () => void stop(0));
setInterval(() => {
  if (process.ppid !== parent) void stop(0);
}, 500).unref();

try {
  const config = loadConfig();
  const databaseUrl = process.env.LEADFLOW_WORKER_DATABASE_URL ?? config.DATABASE_URL;
  const temporalAddress = process.env.LEADFLOW_WORKER_TEMPORAL_ADDRESS ?? config.TEMPORAL_ADDRESS;
  if (!databaseUrl) throw new Error('DATABASE_URL: the worker process needs a database URL');
  if (!temporalAddress) throw new Error('TEMPORAL_ADDRESS: the worker process needs a Temporal address');
  const embedded = process.env.LEADFLOW_WORKER_EMBEDDED_DB === '1';

  const sdkPort = await freePort();
  installTemporalRuntime(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'INFO' : 'WARN', { metricsBindAddress: `127.0.0.1:${sdkPort}` });
  const metrics = new WorkerMetrics({ sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics` });

  // Embedded PGlite has one session that its clients take turns on: one connection is all this process gets.
  const sql = createSql(databaseUrl, { max: embedded ? 1 : 10, applicationName: 'leadflow-worker' });
  teardown.add('database', () => sql.end({ timeout: 5 }));
  await assertDatabaseReachable(sql, databaseUrl);

  const connection = await connectWorker(temporalAddress);
  teardown.add('worker connection', () => connection.close());
  const worker = await createLeadflowWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: { sql, smtpUrl: config.SMTP_URL, mailFrom: config.MAIL_FROM, appUrl: process.env.LEADFLOW_WORKER_APP_URL ?? `http://127.0.0.1:${config.PORT}`, unassignedRetryMinutes: config.UNASSIGNED_RETRY_MINUTES, documents: documentStoreFromEnv() },
    tuning: workerTuning(config),
    metrics,
  });
  const running = worker.run();
  teardown.add('worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  // A worker that fails by itself (lost its connection for good) ends this process; the supervisor restarts it.
  void running.then(() => (stopping ? undefined : stop(1)), (err: unknown) => {
    console.error(`worker stopped: ${oneLine(err)}`);
    void stop(1);
  });

  const server = await serveMetrics(() => metrics.render(), { host: config.METRICS_HOST, port: config.WORKER_METRICS_PORT });
  teardown.add('metrics listener', () => server.close());
  send({ ready: true, metricsUrl: server.url });
} catch (err) {
  send({ error: oneLine(err) });
  console.error(`cannot start: ${oneLine(err)}`);
  await stop(1);
}

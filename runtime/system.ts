import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app';
import { serveMetrics } from '../api/metrics';
import { documentStoreFromEnv } from '../db/documents';
import { migrate } from '../db/migrate';
import { openDatabase, type Database } from '../db/open';
import { INTERACTIVE_APPLICATION_NAME } from '../db/pglite-shared-server';
import { ensureDefaultPipeline } from '../db/pipelines';
import { ensureDefaultRuleSets } from '../db/rule-sets';
import { loadDemoHistory } from '../db/demo-history';
import { loadDemoCatalog } from '../db/catalog-demo';
import { ensureConstants, loadDemoData } from '../db/seed';
import { ensureDigestSchedule } from '../workers/digest/schedule';
import { WorkerMetrics } from '../workers/metrics';
import { createLeadflowWorker } from '../workers/worker';
import type { Config } from './config';
import { ensureWritableDataDir } from './data-dir';
import { captureDemoLeads } from './demo-leads';
import { Teardown } from './lifecycle';
import { reclaimStaleServer } from './process-record';
import { connectClient, connectWorker } from './temporal-connect';
import { freePort, portInUse, prepareDevServerPorts, startTemporalDevServer } from './temporal-dev-server';
import { installTemporalRuntime } from './temporal-runtime';
import { startWorkerProcess, workerTuning, type WorkerProcess } from './worker-supervisor';

export interface SystemParts {
  /** Start the embedded Temporal dev server when TEMPORAL_ADDRESS is unset. */
  temporal: boolean;
  /** Run the worker: in this process (true), or in a supervised child process of its own ('process'). */
  worker: boolean | 'process';
  api: boolean;
  /** Seed demo data on first start (config DEMO_DATA may still turn it off). */
  demo: boolean;
}

export interface RunningSystem {
  config: Config;
  db: Database;
  temporalAddress: string;
  temporalUiUrl?: string;
  app?: FastifyInstance;
  appUrl?: string;
  worker?: Worker;
  /** The worker's child process (parts.worker 'process'). */
  workerProcess?: WorkerProcess;
  /** Prometheus text of the API (its own listener, METRICS_HOST:METRICS_PORT). */
  metricsUrl?: string;
  /** Prometheus text of the worker (WORKER_METRICS_PORT). */
  workerMetricsUrl?: string;
  seeded?: { created: boolean; passwords?: Record<string, string> };
  stop(): Promise<void>;
}

/**
 * Starts the parts of Leadflow a process should run, each one only after the previous answered.
 * If any step fails, everything already started is stopped again before the error is thrown.
 */
export async function startSystem(config: Config, parts: SystemParts, log: (m: string) => void = console.log): Promise<RunningSystem> {
  const teardown = new Teardown();
  try {
    if (!config.TEMPORAL_ADDRESS && !parts.temporal) throw new Error('TEMPORAL_ADDRESS: must be set for this entry point (it runs against an existing cluster)');
    // The document store (DOCUMENT_STORE, S3_*): validated and, for S3, asked for its bucket before anything starts.
    const documents = parts.worker || parts.api ? documentStoreFromEnv() : undefined;
    if (documents) {
      await documents.check();
      if (documents.kind === 's3') log(`documents are stored in the ${documents.description}`);
    }
    if (parts.api && config.PORT !== 0 && (await portInUse(config.PORT, config.HOST))) {
      throw new Error(`PORT: ${config.HOST}:${config.PORT} is already in use (set PORT to a free port)`);
    }
    const needsDataDir = (parts.temporal && !config.TEMPORAL_ADDRESS) || !config.DATABASE_URL;
    if (needsDataDir) ensureWritableDataDir(config.dataDir);
    const devServer = parts.temporal && !config.TEMPORAL_ADDRESS ? {
      dbFile: join(config.dataDir, 'temporal.db'),
      pidFile: join(config.dataDir, 'temporal.pid'),
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT || undefined,
      headless: config.TEMPORAL_UI_PORT === 0,
      logFile: join(config.dataDir, 'temporal.log'),
      namespace: config.TEMPORAL_NAMESPACE,
    } : undefined;
    // A dev server left running by a start that was killed is stopped, and a foreign one on our ports is named,
    // before anything else starts.
    if (!config.DATABASE_URL) await reclaimStaleServer(join(config.dataDir, 'pglite.pid'), { mustMention: join(config.dataDir, 'pglite'), folder: config.dataDir, log });
    if (devServer) await prepareDevServerPorts(devServer, log);

    if (!config.DATABASE_URL) log('starting embedded Postgres (PGlite) …');
    // The API's connection is the interactive one: on embedded PGlite its short requests go ahead of worker batches.
    const db = await openDatabase(config, { applicationName: parts.api ? INTERACTIVE_APPLICATION_NAME : undefined });
    teardown.add('database', () => db.close());
    const applied = await migrate(db.sql, { singleConnection: db.embedded });
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);

    // What every installation needs to capture a lead: constants, the default rule sets and pipeline (once); then the
    // demo data on first start. Written while the Temporal dev server starts (another process), awaited before the worker.
    const withDemo = parts.demo && config.DEMO_DATA;
    const prepared = (async () => {
      await ensureConstants(db.sql);
      await ensureDefaultRuleSets(db.sql);
      await ensureDefaultPipeline(db.sql);
      if (!withDemo) return undefined;
      const seededNow = await loadDemoData(db.sql);
      const history = await loadDemoHistory(db.sql);
      if (history.leads) log(`demo history loaded: ${history.leads} closed leads in ${((history.ms ?? 0) / 1000).toFixed(1)} s`);
      return seededNow;
    })();
    prepared.catch(() => undefined); // awaited below; a failed dev server start must not leave it unhandled

    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress && devServer) {
      log('starting the embedded Temporal dev server …');
      const server = await startTemporalDevServer(devServer, log);
      teardown.add('Temporal dev server', () => server.stop());
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
    }
    if (!temporalAddress) throw new Error('TEMPORAL_ADDRESS: must be set for this entry point (it runs against an existing cluster)');

    const seeded: RunningSystem['seeded'] = await prepared;
    if (parts.demo && config.DEMO_DATA) await loadDemoCatalog(db.sql);

    const appUrl = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;

    let worker: Worker | undefined;
    let workerDone: Promise<void> | undefined;
    let workerProcess: WorkerProcess | undefined;
    let workerMetricsUrl: string | undefined;
    if (parts.worker === 'process') {
      // Workflow tasks and activities on an event loop of their own: API latency does not suffer from workflow work.
      log('starting the worker process …');
      const wp = await startWorkerProcess({ databaseUrl: db.url, temporalAddress, appUrl, embeddedDb: db.embedded, log });
      teardown.add('worker process', () => wp.stop());
      workerProcess = wp;
      workerMetricsUrl = wp.metricsUrl;
      log(`worker process running (pid ${wp.pid})`);
    } else if (parts.worker) {
      const sdkPort = await freePort();
      installTemporalRuntime(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'INFO' : 'WARN', { metricsBindAddress: `127.0.0.1:${sdkPort}` });
      const metrics = new WorkerMetrics({ sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics` });
      const connection = await connectWorker(temporalAddress);
      teardown.add('worker connection', () => connection.close());
      worker = await createLeadflowWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        deps: { sql: db.sql, smtpUrl: config.SMTP_URL, mailFrom: config.MAIL_FROM, appUrl, unassignedRetryMinutes: config.UNASSIGNED_RETRY_MINUTES, documents },
        tuning: workerTuning(config),
        metrics,
      });
      workerDone = worker.run();
      const w = worker;
      teardown.add('worker', async () => {
        if (w.getState() === 'RUNNING') w.shutdown();
        await workerDone;
      });
      const metricsServer = await serveMetrics(() => metrics.render(), { host: config.METRICS_HOST, port: config.WORKER_METRICS_PORT });
      teardown.add('worker metrics listener', () => metricsServer.close());
      workerMetricsUrl = metricsServer.url;
    }
    if (parts.worker) {
      // The hourly daily-digest schedule; created or brought up to date by every worker start.
      const scheduler = await connectClient(temporalAddress, config.TEMPORAL_NAMESPACE);
      try {
        await ensureDigestSchedule(scheduler.client, config.TEMPORAL_TASK_QUEUE);
      } finally {
        await scheduler.close();
      }
    }

    let app: FastifyInstance | undefined;
    let metricsUrl: string | undefined;
    if (parts.api) {
      const temporal = await connectClient(temporalAddress, config.TEMPORAL_NAMESPACE);
      teardown.add('Temporal client', () => temporal.close());
      app = await buildApp({ sql: db.sql, temporal: temporal.client, config, logger: config.LOG_LEVEL === 'silent' ? false : { level: config.LOG_LEVEL }, logRequests: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' });
      const a = app;
      teardown.add('API', () => a.close());
      await app.listen({ port: config.PORT, host: config.HOST });
      const apiApp = app;
      const metricsServer = await serveMetrics(() => apiApp.metrics.render(), { host: config.METRICS_HOST, port: config.METRICS_PORT });
      teardown.add('API metrics listener', () => metricsServer.close());
      metricsUrl = metricsServer.url;
      if (seeded?.created) {
        // The open demo leads are real workflows: captured and worked in the background, so start-up does not wait for them.
        const started = Date.now();
        let stopping = false;
        const demoLeads = captureDemoLeads(app, log, { stopped: () => stopping })
          .then((n) => log(`demo leads ready: ${n} live workflows worked into their stages in ${((Date.now() - started) / 1000).toFixed(1)} s`))
          .catch((err) => log(`demo leads: ${(err as Error).message}`));
        teardown.add('demo leads', async () => {
          stopping = true;
          await demoLeads;
        });
        log('demo leads: capturing and working the open demo leads in the background …');
      }
    }

    return {
      config, db, temporalAddress, temporalUiUrl, app, appUrl: app ? appUrl : undefined, worker, workerProcess, metricsUrl, workerMetricsUrl, seeded,
      stop: () => teardown.run(log),
    };
  } catch (err) {
    await teardown.run();
    throw err;
  }
}

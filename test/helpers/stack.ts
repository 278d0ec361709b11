import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../api/app';
import { loadConfig, type Config } from '../../runtime/config';
import { installTemporalRuntime } from '../../runtime/temporal-runtime';
import type { ActivityDeps } from '../../workers/deps';
import { createLeadflowWorker } from '../../workers/worker';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestStack {
  db: TestDatabase;
  app: FastifyInstance;
  client: Client;
  config: Config;
  taskQueue: string;
  /** Starts a worker on this file's task queue (call again after stopWorker to "restart" it). */
  startWorker(overrides?: Partial<ActivityDeps>): Promise<Worker>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real stack for one test file: the suite's Temporal dev server, a fresh database, a worker on a
 * task queue of its own, and the API built around them (call `app.inject` or `app.listen`).
 */
export async function createTestStack(opts: { env?: Record<string, string>; deps?: Partial<ActivityDeps> } = {}): Promise<TestStack> {
  installTemporalRuntime('ERROR');
  const address = inject('temporalAddress');
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const db = await createTestDatabase();
  const config = loadConfig({ ...opts.env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: db.url, LOG_LEVEL: 'silent', DATA_DIR: 'data-test' });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const nativeConnection = await NativeConnection.connect({ address });
  const code = readFileSync(inject('workflowBundlePath'), 'utf8');
  const app = await buildApp({ sql: db.sql, temporal: client, config });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  const stack: TestStack = {
    db, app, client, config, taskQueue,
    async startWorker(overrides) {
      await stack.stopWorker();
      worker = await createLeadflowWorker({
        connection: nativeConnection, namespace: config.TEMPORAL_NAMESPACE, taskQueue,
        deps: { sql: db.sql, mailFrom: config.MAIL_FROM, appUrl: 'http://127.0.0.1', smtpUrl: config.SMTP_URL, ...opts.deps, ...overrides },
        workflowBundle: { code },
      });
      running = worker.run();
      return worker;
    },
    async stopWorker() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      worker = undefined;
      running = undefined;
    },
    async close() {
      await stack.stopWorker();
      await app.close();
      await connection.close();
      await nativeConnection.close();
      await db.drop();
    },
  };
  return stack;
}

/** Polls `fn` until it returns a truthy value or the timeout passes. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

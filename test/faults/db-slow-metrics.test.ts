import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildApp } from '../../api/app';
import { serveMetrics } from '../../api/metrics';
import { createSql, type Sql } from '../../db/client';
import { migrate } from '../../db/migrate';
import { loadConfig } from '../../runtime/config';
import { findPostgresBin, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres';
import { seedDefaults } from '../helpers/seed';
import { eventually } from '../helpers/stack';

const bin = findPostgresBin();

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/**
 * A slow, a hung and a stopped Postgres (a private server the test controls) show in /healthz and in /metrics within
 * a few seconds: slow is 200 `degraded`, down is 503, and neither answer ever hangs.
 */
describe.skipIf(!bin)('a slow or failing Postgres in /healthz and /metrics (private Postgres server; skipped without Postgres binaries)', () => {
  let pg: PrivatePostgres;
  let sql: Sql;
  let locker: Sql;
  let app: FastifyInstance;
  let connection: Connection;
  let metrics: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    sql = createSql(pg.url, { max: 10, timeouts: { connectTimeoutMs: 1000, statementTimeoutMs: 5000 } });
    locker = createSql(pg.url, { max: 1, timeouts: { connectTimeoutMs: 1000, statementTimeoutMs: 60_000 } });
    await migrate(sql);
    await seedDefaults(sql);
    const address = inject('temporalAddress');
    const config = loadConfig({ TEMPORAL_ADDRESS: address, DATABASE_URL: pg.url, LOG_LEVEL: 'silent', DATA_DIR: 'data-test' });
    connection = await Connection.connect({ address });
    app = await buildApp({ sql, temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), config });
    await app.ready();
    metrics = await serveMetrics(() => app.metrics.render(), { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    try {
      pg?.thaw();
      await metrics?.close();
      await app?.close();
      await connection?.close();
      await locker?.end({ timeout: 1 });
      await sql?.end({ timeout: 1 });
    } finally {
      await pg?.destroy();
    }
  });

  const scrape = () => timed(async () => {
    const res = await fetch(metrics.url, { signal: AbortSignal.timeout(15_000) });
    expect(res.status).toBe(200);
    return res.text();
  });
  /** A scrape after the 1 s cache has run out. */
  const freshScrape = async () => {
    await new Promise((r) => setTimeout(r, 1100));
    return scrape();
  };

  it('healthy: /healthz ok, database up and not degraded', async () => {
    const health = await app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', postgres: { ok: true } });
    const { value } = await freshScrape();
    expect(sample(value, 'leadflow_db_up')).toBe(1);
    expect(sample(value, 'leadflow_db_degraded')).toBe(0);
    expect(sample(value, 'leadflow_capture_backlog')).toBe(0);
  });

  it('slow (the capture inbox locked by a long transaction): 200 degraded naming the slow query, metrics degraded, both within 4 s', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const holder = locker.begin(async (tx) => {
      await tx`lock table capture_inbox in access exclusive mode`;
      locked();
      await held;
    });
    await lockTaken;
    try {
      const health = await timed(() => app.inject({ url: '/healthz' }));
      expect(health.value.statusCode).toBe(200);
      expect(health.value.json()).toMatchObject({ status: 'degraded', postgres: { ok: true, slow: true } });
      expect(health.value.json().postgres.error).toMatch(/slow: the capture backlog query/);
      expect(health.ms).toBeLessThan(4000);

      const m = await freshScrape();
      expect(m.ms).toBeLessThan(4000);
      expect(sample(m.value, 'leadflow_db_up')).toBe(1);
      expect(sample(m.value, 'leadflow_db_degraded')).toBe(1);
      // No stale figure pretends to be current: the backlog gauges are NaN (unknown) while they cannot be read.
      expect(sample(m.value, 'leadflow_capture_backlog')).toBeNaN();
    } finally {
      release();
      await holder;
    }
    const { value } = await freshScrape();
    expect(sample(value, 'leadflow_db_degraded')).toBe(0);
    expect((await app.inject({ url: '/healthz' })).json()).toMatchObject({ status: 'ok' });
  });

  it('hung (server frozen): /healthz 503 and metrics db_up 0 within 4 s, and up again after the thaw', async () => {
    pg.freeze();
    try {
      const health = await timed(() => app.inject({ url: '/healthz' }));
      expect(health.value.statusCode).toBe(503);
      expect(health.value.json()).toMatchObject({ status: 'degraded', postgres: { ok: false } });
      expect(health.ms).toBeLessThan(4000);
      const m = await freshScrape();
      expect(m.ms).toBeLessThan(4000);
      expect(sample(m.value, 'leadflow_db_up')).toBe(0);
    } finally {
      pg.thaw();
    }
    await eventually(async () => sample((await freshScrape()).value, 'leadflow_db_up') === 1, 30_000, 200);
  });

  it('stopped: /healthz 503 with Retry-After, metrics db_up 0 and the breaker open, at once; back after a restart', async () => {
    await pg.stop();
    try {
      const health = await timed(() => app.inject({ url: '/healthz' }));
      expect(health.value.statusCode).toBe(503);
      expect(health.value.headers['retry-after']).toBeDefined();
      expect(health.ms).toBeLessThan(4000);
      const m = await freshScrape();
      expect(m.ms).toBeLessThan(4000);
      expect(sample(m.value, 'leadflow_db_up')).toBe(0);
      expect(sample(m.value, 'leadflow_db_breaker_open')).toBe(1);
    } finally {
      await pg.start();
    }
    await eventually(async () => {
      const { value } = await freshScrape();
      return sample(value, 'leadflow_db_up') === 1 && sample(value, 'leadflow_db_breaker_open') === 0;
    }, 30_000, 200);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

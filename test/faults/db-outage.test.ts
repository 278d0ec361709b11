import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildApp } from '../../api/app';
import { createSql, type Sql } from '../../db/client';
import { migrate } from '../../db/migrate';
import { loadConfig } from '../../runtime/config';
import { installTemporalRuntime } from '../../runtime/temporal-runtime';
import { createLeadflowWorker } from '../../workers/worker';
import { createUser, type TestUser } from '../helpers/auth';
import { findPostgresBin, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres';
import { seedDefaults } from '../helpers/seed';
import { eventually } from '../helpers/stack';

const bin = findPostgresBin();

/**
 * The API on a Postgres server the test controls: stopped (refused connections) and frozen (a hung host), the API
 * answers 503 with Retry-After within ~2 s, never keeps a capture it refused, and works again once the server is back.
 */
describe.skipIf(!bin)('database outage (private Postgres server; skipped when no Postgres binaries are installed)', () => {
  let pg: PrivatePostgres;
  let sql: Sql;
  let app: FastifyInstance;
  let user: TestUser;
  let worker: Worker;
  let running: Promise<void>;
  let connection: Connection;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    installTemporalRuntime('ERROR');
    pg = await startPrivatePostgres();
    sql = createSql(pg.url, { max: 10, timeouts: { connectTimeoutMs: 1000, statementTimeoutMs: 2000 } });
    await migrate(sql);
    await seedDefaults(sql);
    user = await createUser(sql, { role: 'admin' });
    const address = inject('temporalAddress');
    const taskQueue = `test-${randomBytes(4).toString('hex')}`;
    const config = loadConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: pg.url, LOG_LEVEL: 'silent', DATA_DIR: 'data-test' });
    connection = await Connection.connect({ address });
    nativeConnection = await NativeConnection.connect({ address });
    app = await buildApp({ sql, temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), config });
    await app.ready();
    worker = await createLeadflowWorker({
      connection: nativeConnection, namespace: config.TEMPORAL_NAMESPACE, taskQueue,
      deps: { sql, mailFrom: config.MAIL_FROM, appUrl: 'http://127.0.0.1' },
      workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
    });
    running = worker.run();
  });
  afterAll(async () => {
    // The private server goes away whatever else fails on the way out.
    try {
      pg?.thaw();
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      // The SDK (1.24) may reject run() while it destroys its reusable workflow VM when an activation of a workflow
      // this test failed on purpose is still winding down ("…context should have been disposed first"). Every
      // assertion has run by then; any other shutdown error still fails the file.
      await running?.catch((err: Error) => {
        if (!/should have been disposed first/.test(String(err?.message))) throw err;
      });
      await app?.close();
      await connection?.close();
      await nativeConnection?.close();
      await sql?.end({ timeout: 5 });
    } finally {
      await pg?.destroy();
    }
  });

  const person = (tag: string) => ({ name: `Outage ${tag}`, email: `${tag}@outage.example`, country: 'DE' });
  /** A manual capture (signed-in user: no rate limit), optionally with an Idempotency-Key. */
  const capture = (body: Record<string, unknown>, key?: string) => app.inject({
    method: 'POST', url: '/api/leads', payload: body, headers: { ...user.headers, ...(key ? { 'idempotency-key': key } : {}) },
  });
  /**
   * What a well-behaved client does: send with an Idempotency-Key and, on 503, retry after a moment with the same key
   * (right after a restart a request may still meet a connection the server closed).
   */
  const captureWithRetry = async (body: Record<string, unknown>, send = capture) => {
    const key = randomUUID();
    for (let attempt = 0; ; attempt++) {
      const r = await send(body, key);
      if (r.statusCode !== 503 || attempt >= 4) return r;
      await new Promise((res) => setTimeout(res, 300));
    }
  };
  const timed = async <T>(fn: () => Promise<T>) => {
    const started = performance.now();
    const value = await fn();
    return { value, ms: performance.now() - started };
  };
  const inboxRowsFor = async (email: string) =>
    (await sql<{ n: number }[]>`select count(*)::int as n from capture_inbox where input->'capture'->>'email' = ${email}`)[0]!.n;
  const leadsFor = async (email: string) => (await sql<{ n: number }[]>`select count(*)::int as n from leads where email = ${email}`)[0]!.n;
  const waitUntilHealthy = () => eventually(async () => (await app.inject({ url: '/healthz' })).json().postgres.ok === true, 30_000, 200);
  beforeEach(async () => {
    pg.thaw();
    await waitUntilHealthy();
  });

  // First, while the pool has never seen an outage: afterwards a restart's closed connections may cost a request.
  it('Idempotency-Key: a retry answers the first answer and makes one submission; a refused first try can be retried', async () => {
    const key = randomUUID();
    const body = person('idempotent');
    const first = await capture(body, key);
    expect(first.statusCode, first.body).toBe(202);
    const [again, concurrent1, concurrent2] = await Promise.all([capture(body, key), capture(body, key), capture(body, key)]);
    for (const r of [again, concurrent1, concurrent2]) {
      expect(r.statusCode, r.body).toBe(202);
      expect(r.json()).toEqual(first.json());
    }
    expect(await inboxRowsFor(body.email)).toBe(1);

    const reused = await capture({ ...body, name: 'Someone else' }, key);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().message).toMatch(/Idempotency-Key/);
    const bad = await capture(person('bad-key'), 'x'.repeat(201));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/idempotency-key/);

    // Concurrent requests with one new key: one is written, the others wait for it and answer the same.
    const racing = person('idempotent-race');
    const raceKey = randomUUID();
    const raced = await Promise.all(Array.from({ length: 5 }, () => capture(racing, raceKey)));
    expect(new Set(raced.map((r) => `${r.statusCode} ${r.body}`)), raced.map((r) => r.body).join('\n')).toHaveProperty('size', 1);
    expect(await inboxRowsFor(racing.email)).toBe(1);

    // Refused while the database is down, then retried with the same key: exactly one submission.
    const retryKey = randomUUID();
    const later = person('retried');
    await pg.stop();
    try {
      expect((await capture(later, retryKey)).statusCode).toBe(503);
    } finally {
      await pg.start();
    }
    await waitUntilHealthy();
    const retried = await captureWithRetry(later, (b) => capture(b, retryKey));
    expect(retried.statusCode, retried.body).toBe(202);
    expect((await capture(later, retryKey)).json()).toEqual(retried.json());
    expect(await inboxRowsFor(later.email)).toBe(1);
    await eventually(async () => (await leadsFor(body.email)) === 1 && (await leadsFor(later.email)) === 1, 60_000);
    const [events] = await sql<{ n: number }[]>`
      select count(*)::int as n from lead_events e join leads l on l.id = e.lead_id
      where l.email = ${body.email} and e.type in ('captured', 'form_submitted')`;
    expect(events!.n).toBe(1);
  });

  it('stopped: /healthz and captures answer 503 with Retry-After within ~2 s; refused captures never appear; back up, captures work', async () => {
    expect((await captureWithRetry(person('before-stop'))).statusCode).toBe(202);
    await pg.stop();

    const health = await timed(() => app.inject({ url: '/healthz' }));
    expect(health.value.statusCode).toBe(503);
    expect(health.value.headers['retry-after']).toBeDefined();
    expect(health.value.json()).toMatchObject({ status: 'degraded', postgres: { ok: false } });
    expect(health.ms).toBeLessThan(2500);

    const refused = await Promise.all(Array.from({ length: 20 }, (_, i) => timed(() => capture(person(`refused-${i}`)))));
    for (const r of refused) {
      expect(r.value.statusCode, r.value.body).toBe(503);
      expect(Number(r.value.headers['retry-after'])).toBeGreaterThan(0);
      expect(r.value.json()).toMatchObject({ error: 'unavailable' });
      expect(r.ms).toBeLessThan(2500);
    }
    // Other routes too (a read that needs the database).
    const list = await app.inject({ url: '/api/leads', headers: user.headers });
    expect(list.statusCode).toBe(503);
    expect(list.headers['retry-after']).toBeDefined();

    await pg.start();
    await waitUntilHealthy();
    const after = await captureWithRetry(person('after-restart'));
    expect(after.statusCode, after.body).toBe(202);

    await eventually(async () => (await leadsFor('after-restart@outage.example')) === 1 && (await leadsFor('before-stop@outage.example')) === 1, 60_000);
    for (let i = 0; i < 20; i++) expect(await inboxRowsFor(`refused-${i}@outage.example`), `refused-${i}`).toBe(0);
    expect(await sql`select 1 from leads where email like 'refused-%'`).toHaveLength(0);
  });

  it('frozen (server hung mid-request): the capture answers 503 within its deadline and is not written when the server wakes up', async () => {
    // The public form reads nothing before its transaction (the pipeline is cached by the warm-up), so the freeze
    // catches the capture's transaction itself in flight.
    const webForm = (body: Record<string, unknown>, key?: string) =>
      app.inject({ method: 'POST', url: '/api/leads/web-form', payload: body, headers: key ? { 'idempotency-key': key } : {} });
    expect((await captureWithRetry(person('warm-up'), webForm)).statusCode).toBe(202);
    pg.freeze();
    let thawed = false;
    try {
      const stuck = await timed(() => webForm(person('frozen')));
      expect(stuck.value.statusCode, stuck.value.body).toBe(503);
      expect(stuck.value.headers['retry-after']).toBeDefined();
      // Within the capture's deadline (the statement timeout, 2 s here) plus a probe bounded by the connect timeout (1 s).
      expect(stuck.ms).toBeLessThan(4500);
      // Now the API knows: the next requests are refused at once.
      const next = await timed(() => webForm(person('frozen-next')));
      expect(next.value.statusCode).toBe(503);
      expect(next.ms).toBeLessThan(1000);
      const health = await timed(() => app.inject({ url: '/healthz' }));
      expect(health.value.statusCode).toBe(503);
      expect(health.ms).toBeLessThan(2500);
      pg.thaw();
      thawed = true;
    } finally {
      if (!thawed) pg.thaw();
    }
    await waitUntilHealthy();
    // The transaction that was waiting in the server when it froze reaches COMMIT after its deadline: rolled back.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await inboxRowsFor('frozen@outage.example')).toBe(0);
    expect(await inboxRowsFor('frozen-next@outage.example')).toBe(0);
    expect((await captureWithRetry(person('after-thaw'), webForm)).statusCode).toBe(202);
    expect(await inboxRowsFor('after-thaw@outage.example')).toBe(1);

    // Frozen again, this time while the capture still reads what it checks against (product interests, not cached
    // yet): refused within the deadline as well, and it does not carry on to write once the server wakes up.
    pg.freeze();
    try {
      const reading = await timed(() => webForm({ ...person('frozen-reading'), productInterest: 'crm' }));
      expect(reading.value.statusCode, reading.value.body).toBe(503);
      expect(reading.ms).toBeLessThan(4500);
    } finally {
      pg.thaw();
    }
    await waitUntilHealthy();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await inboxRowsFor('frozen-reading@outage.example')).toBe(0);
  });

  it('200 captures while the server is stopped and restarted mid-load: every acknowledged capture is one lead, nothing refused appears', async () => {
    const total = 200;
    const results = new Map<number, number>();
    // Captures arrive at a steady pace (one every 30 ms, ~6 s in all); once 40 are acknowledged the server stops,
    // and it starts again 1.5 s later, so captures meet it up, down and back up.
    const outage = (async () => {
      await eventually(async () => [...results.values()].filter((st) => st === 202).length >= 40, 60_000, 10);
      await pg.stop();
      await new Promise((r) => setTimeout(r, 1500));
      await pg.start();
    })();
    await Promise.all(Array.from({ length: total }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 30));
      const r = await capture(person(`load-${i}`), `load-key-${i}`);
      results.set(i, r.statusCode);
    }));
    await outage;
    await waitUntilHealthy();

    const statuses = [...results.values()];
    expect(statuses.every((s) => s === 202 || s === 503), JSON.stringify(statuses)).toBe(true);
    const acknowledged = [...results].filter(([, s]) => s === 202).map(([i]) => i);
    const refused = [...results].filter(([, s]) => s === 503).map(([i]) => i);
    expect(refused.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    const rows = await sql<{ email: string; n: number }[]>`
      select input->'capture'->>'email' as email, count(*)::int as n from capture_inbox
      where input->'capture'->>'email' like 'load-%' group by 1`;
    const inbox = new Map(rows.map((r) => [r.email, r.n]));
    for (const i of acknowledged) expect(inbox.get(`load-${i}@outage.example`), `acknowledged load-${i}`).toBe(1);
    for (const i of refused) expect(inbox.get(`load-${i}@outage.example`), `refused load-${i}`).toBeUndefined();

    await eventually(async () => {
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from leads where email like 'load-%'`;
      return n >= acknowledged.length;
    }, 120_000, 500);
    const leads = await sql<{ email: string; n: number }[]>`select email, count(*)::int as n from leads where email like 'load-%' group by 1`;
    expect(leads.every((l) => l.n === 1)).toBe(true);
    expect(new Set(leads.map((l) => l.email))).toEqual(new Set(acknowledged.map((i) => `load-${i}@outage.example`)));
  });
});

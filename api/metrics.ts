import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Sql } from '../db/client';

/**
 * Prometheus metrics of Leadflow. Labels are bounded sets only (route patterns, methods, status classes, activity
 * types, table states): never an e-mail, a name, a lead id or a raw URL.
 */

/** How long a scrape may wait for the database before it reports it as not answering (a scrape never hangs). */
export const SCRAPE_DB_TIMEOUT_MS = 1500;
/** Backlog figures are read at most once per second, however many scrapers ask. */
const CACHE_MS = 1000;
/** A database ping slower than this is reported degraded (in /healthz as well). */
export const DB_SLOW_MS = 500;

export interface Backlogs {
  capturePending: number;
  captureOldestSeconds: number;
  captureFailing: number;
  outboxQueued: number;
  outboxSending: number;
  outboxFailed: number;
  outboxOldestSeconds: number;
  dbTransactions: number | null;
}

/** Runs `fn` but gives up after `ms` (the query itself is left to the statement timeout). */
export async function within<T>(ms: number, fn: () => Promise<T>, what = 'the database'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads the capture and mail backlogs with two index-backed queries. The outbox is read over its last 7 days
 * (created_at index): older unsent mail is a failure for the lead's history, not a backlog.
 */
export async function readBacklogs(sql: Sql): Promise<Backlogs> {
  const [[capture], [outbox], [tx]] = await Promise.all([
    sql<{ pending: number; oldest: number | null; failing: number }[]>`
      select count(*)::int as pending, extract(epoch from now() - min(created_at))::float8 as oldest,
             count(*) filter (where last_error is not null)::int as failing
      from capture_inbox where dispatched_at is null`,
    sql<{ queued: number; sending: number; failed: number; oldest: number | null }[]>`
      select count(*) filter (where status = 'queued')::int as queued,
             count(*) filter (where status = 'sending')::int as sending,
             count(*) filter (where status = 'failed')::int as failed,
             extract(epoch from now() - min(created_at) filter (where status in ('queued', 'sending')))::float8 as oldest
      from mail_outbox where created_at > now() - interval '7 days' and status in ('queued', 'sending', 'failed')`,
    sql<{ n: number | null }[]>`select (xact_commit + xact_rollback)::float8 as n from pg_stat_database where datname = current_database()`
      .catch(() => [{ n: null }]),
  ]);
  return {
    capturePending: capture?.pending ?? 0,
    captureOldestSeconds: capture?.oldest ?? 0,
    captureFailing: capture?.failing ?? 0,
    outboxQueued: outbox?.queued ?? 0,
    outboxSending: outbox?.sending ?? 0,
    outboxFailed: outbox?.failed ?? 0,
    outboxOldestSeconds: outbox?.oldest ?? 0,
    dbTransactions: tx?.n ?? null,
  };
}

export interface DbProbe {
  /** Answers `select 1` on a connection of its own (or the pool's only one); bounded by its own timeout. */
  check(): Promise<{ ok: true } | { ok: false; error: string }>;
  /** True while the circuit breaker holds the database as down. */
  readonly isDown: boolean;
}

/**
 * The API's registry: HTTP latency per route pattern, the backlogs and database health read at scrape time
 * (cached ~1 s, bounded by SCRAPE_DB_TIMEOUT_MS) and Node's process metrics.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_class'>;
  private snapshot: { at: number; value: Promise<Snapshot> } | undefined;

  constructor(private readonly deps: { sql: Sql; probe?: DbProbe; poolSize?: number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'leadflow_http_request_duration_seconds',
      help: 'API request latency by route pattern (never the raw URL), method and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const read = () => this.read();
    const gauge = (name: string, help: string, pick: (s: Snapshot) => number | null | undefined) =>
      new Gauge({
        name, help, registers,
        async collect() {
          // Unknown (the database did not answer in time) is NaN: never a stale or a made-up zero.
          const v = pick(await read());
          this.set(v === null || v === undefined ? NaN : v);
        },
      });
    gauge('leadflow_capture_backlog', 'Captures accepted but not yet handed to Temporal (capture_inbox pending rows)', (s) => s.backlogs?.capturePending);
    gauge('leadflow_capture_dispatch_lag_seconds', 'Age of the oldest capture not yet handed to Temporal (0 when none waits)', (s) => s.backlogs?.captureOldestSeconds);
    gauge('leadflow_capture_backlog_failing', 'Pending captures whose last dispatch attempt failed', (s) => s.backlogs?.captureFailing);
    const outbox = new Gauge({
      name: 'leadflow_mail_outbox_backlog', help: 'Mail in the outbox not yet delivered (last 7 days), by status', labelNames: ['status'], registers,
      async collect() {
        const b = (await read()).backlogs;
        if (!b) return this.reset();
        this.set({ status: 'queued' }, b.outboxQueued);
        this.set({ status: 'sending' }, b.outboxSending);
        this.set({ status: 'failed' }, b.outboxFailed);
      },
    });
    void outbox;
    gauge('leadflow_mail_outbox_oldest_seconds', 'Age of the oldest queued or sending mail (0 when none waits)', (s) => s.backlogs?.outboxOldestSeconds);
    gauge('leadflow_db_up', '1 when Postgres answered the scrape-time ping, 0 when it did not', (s) => (s.db.ok ? 1 : 0));
    gauge('leadflow_db_degraded', '1 when Postgres answers slowly (ping over 500 ms or the backlog queries time out)', (s) => (s.db.ok && s.degraded ? 1 : 0));
    gauge('leadflow_db_ping_seconds', 'Round trip of the scrape-time `select 1` on the health connection', (s) => s.db.seconds);
    gauge('leadflow_db_backlog_query_seconds', 'Time the scrape-time backlog queries took (a slow database shows here first)', (s) => s.backlogSeconds);
    gauge('leadflow_db_breaker_open', '1 while the API refuses requests because the database is unreachable', () => (deps.probe?.isDown ? 1 : 0));
    gauge('leadflow_db_pool_max_connections', 'Connections the API pool may open', () => deps.poolSize ?? null);
    const tx = new Counter({
      name: 'leadflow_db_transactions_total', help: 'Transactions committed or rolled back in this database (pg_stat_database; every process counts)', registers,
      async collect() {
        // While unknown it keeps its last value (a drop to 0 would read as a counter reset).
        const n = (await read()).backlogs?.dbTransactions;
        if (n === null || n === undefined) return;
        this.reset();
        this.inc(n);
      },
    });
    void tx;
  }

  /** Records one answered request; `route` is the route pattern (e.g. /api/leads/:id), or 'unmatched'. */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    this.httpDuration.observe({ method: knownMethod(method), route: route ?? 'unmatched', status_class: `${Math.floor(status / 100)}xx` }, seconds);
  }

  /** The text exposition (Prometheus format). */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  private read(): Promise<Snapshot> {
    const now = performance.now();
    if (this.snapshot && now - this.snapshot.at < CACHE_MS) return this.snapshot.value;
    const value = this.take();
    this.snapshot = { at: now, value };
    return value;
  }

  private async take(): Promise<Snapshot> {
    const started = performance.now();
    const pinged = this.deps.probe?.isDown
      ? { ok: false as const, error: 'circuit breaker open' }
      : await within(SCRAPE_DB_TIMEOUT_MS, () => (this.deps.probe ? this.deps.probe.check() : this.deps.sql`select 1`.then(() => ({ ok: true as const }))))
        .catch((err: Error) => ({ ok: false as const, error: err.message }));
    const db = { ok: pinged.ok, seconds: (performance.now() - started) / 1000 };
    if (!db.ok) return { db, degraded: true, backlogs: undefined, backlogSeconds: null };
    const t = performance.now();
    const backlogs = await within(SCRAPE_DB_TIMEOUT_MS, () => readBacklogs(this.deps.sql)).catch(() => undefined);
    const backlogSeconds = (performance.now() - t) / 1000;
    return { db, backlogs, backlogSeconds, degraded: !backlogs || db.seconds * 1000 > DB_SLOW_MS };
  }
}

interface Snapshot {
  db: { ok: boolean; seconds: number };
  degraded: boolean;
  backlogs: Backlogs | undefined;
  backlogSeconds: number | null;
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
function knownMethod(m: string): string {
  return methods.has(m) ? m : 'OTHER';
}

/**
 * A small HTTP listener that serves `GET /metrics` from `render` (kept off the API port: no session, no OpenAPI entry,
 * and reachable by the scraper only where it is bound; 127.0.0.1 by default).
 * @example const server = await serveMetrics(() => metrics.render(), { host: '127.0.0.1', port: 9464 });
 */
export async function serveMetrics(render: () => Promise<string>, opts: { host: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    render().then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`# metrics failed: ${err.message.split('\n')[0]}\n`),
    );
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

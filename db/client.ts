import postgres from 'postgres';
import { z } from 'zod';
import { ConfigError, redact } from '../runtime/config';

export type Sql = postgres.Sql<Record<string, never>>;

/** Raised when Postgres cannot be reached; the message names the address tried. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** How long the pool waits for Postgres: to open a connection, and for one statement (server side). */
export interface DbTimeouts {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

const timeoutsSchema = z.object({
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int('must be an integer').min(100, 'must be at least 100 ms').max(120_000, 'must be at most 120000 ms').default(3000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int('must be an integer').min(100, 'must be at least 100 ms').max(3_600_000, 'must be at most 3600000 ms').default(15_000),
});

/**
 * Database timeouts from the environment (`DB_CONNECT_TIMEOUT_MS`, `DB_STATEMENT_TIMEOUT_MS`).
 * @example dbTimeoutsFromEnv({ DB_CONNECT_TIMEOUT_MS: '2000' }) // { connectTimeoutMs: 2000, statementTimeoutMs: 5000 }
 */
export function dbTimeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): DbTimeouts {
  const raw = { DB_CONNECT_TIMEOUT_MS: env.DB_CONNECT_TIMEOUT_MS || undefined, DB_STATEMENT_TIMEOUT_MS: env.DB_STATEMENT_TIMEOUT_MS || undefined };
  const parsed = timeoutsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]) as keyof typeof raw;
    throw new ConfigError(`${key}: ${issue.message} (got ${JSON.stringify(raw[key])})`);
  }
  return { connectTimeoutMs: parsed.data.DB_CONNECT_TIMEOUT_MS, statementTimeoutMs: parsed.data.DB_STATEMENT_TIMEOUT_MS };
}

const pools = new WeakMap<object, { url: string; max: number; timeouts: DbTimeouts }>();

/** The timeouts a pool was opened with (the environment's for a pool this module did not open). */
export function timeoutsOf(sql: Db): DbTimeouts {
  return pools.get(sql)?.timeouts ?? dbTimeoutsFromEnv();
}

/**
 * A one-connection pool beside `sql` for health probes, so a probe never queues behind busy connections (a pool
 * saturated by slow requests is not a database that is down). A single-session server (embedded PGlite, `max: 1`)
 * takes no second connection: its probe shares the pool. `close()` ends only what this opened.
 */
export function probeFor(sql: Sql): { sql: Sql; close(): Promise<void> } {
  const pool = pools.get(sql);
  if (!pool || pool.max <= 1) return { sql, close: async () => undefined };
  const probe = createSql(pool.url, { max: 1, timeouts: pool.timeouts });
  return { sql: probe, close: () => probe.end({ timeout: 1 }).catch(() => undefined) };
}

/**
 * Opens a connection pool. Embedded PGlite has a single session, so callers pass `max: 1` for it.
 * A connection that is not ready within the connect timeout fails with CONNECT_TIMEOUT, and the server cancels any
 * statement running longer than the statement timeout, so an unreachable or stuck database fails requests quickly
 * instead of holding them.
 * @example const sql = createSql(process.env.DATABASE_URL!, { max: 10 });
 */
export function createSql(url: string, opts: { max?: number; timeouts?: Partial<DbTimeouts>; applicationName?: string } = {}): Sql {
  const timeouts = { ...dbTimeoutsFromEnv(), ...opts.timeouts };
  const sql = postgres(url, {
    max: opts.max ?? 10,
    connect_timeout: timeouts.connectTimeoutMs / 1000,
    idle_timeout: 30,
    // application_name: embedded PGlite gives the API's connection (INTERACTIVE_APPLICATION_NAME) turns first.
    // jit off: our statements are short index reads; on a big table the planner's estimate for a report or dashboard
    // query crosses jit_above_cost and LLVM compilation alone then takes 100-350 ms of a 10 ms query.
    connection: { statement_timeout: timeouts.statementTimeoutMs, jit: 'off', ...(opts.applicationName ? { application_name: opts.applicationName } : {}) },
    onnotice: () => undefined,
    // int8 (ids, counts, pointers) comes back as a JS number, not a string or BigInt (which JSON cannot carry);
    // our values stay far below 2^53.
    types: { bigint: { to: 20, from: [20], parse: (x: string) => Number(x), serialize: (x: number) => String(x) } },
    transform: { undefined: null },
  }) as unknown as Sql;
  pools.set(sql, { url, max: opts.max ?? 10, timeouts });
  return sql;
}

/** Codes of errors that mean "Postgres cannot be reached right now" (not: "this statement is wrong"). */
const unreachableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '53300', // too_many_connections
]);

/**
 * True when an error says the database is unreachable (refused, timed out, connection lost, shutting down): the
 * request may succeed later and should be answered 503, not 500. SQLSTATE class 08 (connection exception) counts too.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (unreachableCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (e instanceof DatabaseUnreachableError || e instanceof DatabaseDeadlineError) return true;
    const errors = (e as { errors?: unknown }).errors; // AggregateError (every address refused)
    if (Array.isArray(errors) && errors.some((x) => isDatabaseUnreachable(x))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** True when the server cancelled a statement that ran past the statement timeout (the database is overloaded or stuck). */
export function isStatementTimeout(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === '57014';
}

/** A database call did not finish within its deadline (the server did not answer in time). */
export class DatabaseDeadlineError extends Error {
  override name = 'DatabaseDeadlineError';
  readonly code = 'DEADLINE_EXCEEDED';
}

/** Fails within `timeoutMs` with the address tried when Postgres does not answer. */
export async function assertDatabaseReachable(sql: Sql, url: string, timeoutMs = 9000): Promise<void> {
  const where = describeUrl(url);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`select 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    const reason = (err as { code?: string; message?: string }).code ?? (err as Error).message;
    throw new DatabaseUnreachableError(`Postgres at ${where} is unreachable (${reason}); check DATABASE_URL`);
  } finally {
    clearTimeout(timer);
  }
}

/** host:port/database of a URL, without credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return redact(url) ?? '(invalid url)';
  }
}

/** A pool or an open transaction: repository helpers accept either. */
export type Db = Sql | postgres.TransactionSql<Record<string, never>>;

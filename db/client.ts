import postgres from 'postgres';
import { redact } from '../runtime/config';

export type Sql = postgres.Sql<Record<string, never>>;

/** Raised when Postgres cannot be reached; the message names the address tried. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/**
 * Opens a connection pool. Embedded PGlite has a single session, so callers pass `max: 1` for it.
 * @example const sql = createSql(process.env.DATABASE_URL!, { max: 10 });
 */
export function createSql(url: string, opts: { max?: number } = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 10,
    connect_timeout: 8,
    idle_timeout: 30,
    onnotice: () => undefined,
    // int8 (ids, counts, pointers) comes back as a JS number, not a string or BigInt (which JSON cannot carry);
    // our values stay far below 2^53.
    types: { bigint: { to: 20, from: [20], parse: (x: string) => Number(x), serialize: (x: number) => String(x) } },
    transform: { undefined: null },
  }) as unknown as Sql;
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

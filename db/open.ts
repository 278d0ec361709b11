import { join } from 'node:path';
import { assertDatabaseReachable, createSql, type Sql } from './client';
import { startEmbeddedPostgres, startEmbeddedPostgresProcess, type EmbeddedPostgres } from './embedded';

export interface Database {
  sql: Sql;
  /** True when running on embedded PGlite (one session: no concurrent transactions). */
  embedded: boolean;
  url: string;
  /** The embedded PGlite process, when there is one: its pid and its turn-taking counters. */
  embeddedServer?: Pick<EmbeddedPostgres, 'pid' | 'stats'>;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts embedded PGlite persisted under DATA_DIR/pglite.
 * Fails with the address tried when Postgres does not answer within 10 s.
 */
export async function openDatabase(config: { DATABASE_URL?: string; dataDir: string }, opts: { memory?: boolean; inProcess?: boolean; applicationName?: string } = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    const dir = opts.memory ? undefined : join(config.dataDir, 'pglite');
    embedded = opts.inProcess ? await startEmbeddedPostgres({ dir }) : await startEmbeddedPostgresProcess({ dir });
    url = embedded.url;
  }
  const sql = createSql(url, { max: embedded ? 1 : 10, applicationName: opts.applicationName });
  const close = async () => {
    await sql.end({ timeout: 5 }).catch(() => undefined);
    await embedded?.stop();
  };
  try {
    await assertDatabaseReachable(sql, url);
  } catch (err) {
    await close();
    throw err;
  }
  return { sql, embedded: Boolean(embedded), url, close, embeddedServer: embedded ? { pid: embedded.pid, stats: embedded.stats } : undefined };
}

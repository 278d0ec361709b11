import { randomBytes } from 'node:crypto';
import { createSql, type Sql } from '../../db/client';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrate } from '../../db/migrate';

export interface TestDatabase {
  sql: Sql;
  url: string;
  embedded: boolean;
  drop(): Promise<void>;
}

/** True when the suite runs against a Postgres server (DATABASE_URL) rather than embedded PGlite. */
export const usingServer = Boolean(process.env.DATABASE_URL);

/**
 * A fresh, migrated database for one test file: a new database on the DATABASE_URL server, or an
 * in-memory PGlite served over the wire protocol when DATABASE_URL is unset.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `leadflow_test_${randomBytes(5).toString('hex')}`;
    const admin = createSql(base, { max: 1 });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const sql = createSql(url.toString(), { max: 10 });
    await migrate(sql);
    return {
      sql, url: url.toString(), embedded: false,
      async drop() {
        await sql.end({ timeout: 5 });
        await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
        await admin.end({ timeout: 5 });
      },
    };
  }
  const pg = await startEmbeddedPostgres({});
  const sql = createSql(pg.url, { max: 1 });
  await migrate(sql, { singleConnection: true });
  return {
    sql, url: pg.url, embedded: true,
    async drop() {
      await sql.end({ timeout: 5 });
      await pg.stop();
    },
  };
}

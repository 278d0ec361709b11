import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL the `postgres` package can connect to (one session at a time). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (persisted under `dir`, or in memory when `dir` is undefined) and serves it over the
 * Postgres wire protocol on 127.0.0.1, so the app uses the same driver as with a real server.
 * @example const pg = await startEmbeddedPostgres({ dir: 'data/pglite' }); // pg.url → postgres://postgres@127.0.0.1:54xx/postgres
 */
export async function startEmbeddedPostgres(opts: { dir?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const db = await PGlite.create(opts.dir ? `file://${opts.dir}` : undefined);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port ?? 0, maxConnections: 1 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const address = (server as unknown as { server?: { address(): { port: number } | string | null } }).server?.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}

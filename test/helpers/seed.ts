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

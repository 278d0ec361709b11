import type { Sql } from './client';

/** One ordered entry condition: leads whose capture matches `conditions` enter `pipelineId`. */
export interface EntryRule {
  id: string;
  name: string;
  pipelineId: string;
  /** A json-rules-engine condition group over the facts known at capture (see api/pipelines/entry.ts). */
  conditions: unknown;
}

/** The entry rules in the order they are tried. */
export async function listEntryRules(sql: Sql): Promise<(EntryRule & { updatedAt: Date; updatedBy: string | null })[]> {
  const rows = await sql<{ id: string; name: string; pipeline_id: string; conditions: unknown; updated_at: Date; updated_by: string | null }[]>`
    select id, name, pipeline_id, conditions, updated_at, updated_by from pipeline_entry_rules order by position, id`;
  return rows.map((r) => ({ id: r.id, name: r.name, pipelineId: r.pipeline_id, conditions: r.conditions, updatedAt: r.updated_at, updatedBy: r.updated_by }));
}

/** Replaces the whole ordered list at once (the caller validated it), so the order is never half-written. */
export async function replaceEntryRules(sql: Sql, rules: EntryRule[], by: string | null): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`lock table pipeline_entry_rules in exclusive mode`;
    await tx`delete from pipeline_entry_rules`;
    for (const [position, r] of rules.entries()) {
      await tx`insert into pipeline_entry_rules (id, position, name, pipeline_id, conditions, updated_by)
               values (${r.id}, ${position}, ${r.name}, ${r.pipelineId}, ${tx.json(r.conditions as never)}, ${by})`;
    }
  });
}

/** Pipelines that can receive new leads: published and not archived, with their newest version. */
export async function openPipelines(sql: Sql): Promise<Map<string, { name: string; version: number }>> {
  const rows = await sql<{ id: string; name: string; version: number }[]>`
    select p.id, p.name, max(v.version)::int as version
    from pipelines p join pipeline_versions v on v.pipeline_id = p.id
    where p.archived_at is null group by p.id, p.name`;
  return new Map(rows.map((r) => [r.id, { name: r.name, version: r.version }]));
}

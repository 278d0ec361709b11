import type { Sql } from '../../db/client';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import type { PipelineProblem } from '../../engine/pipeline/validate';

/** Which rule-set kind each node type's rule-set field must point at. */
const expectedKind: Record<string, Record<string, string>> = {
  score: { ruleSetId: 'scoring' },
  route: { ruleSetId: 'routing' },
  stage: { reminderRuleSetId: 'reminder' },
  configurator_check: { ruleSetId: 'configurator' },
};

/**
 * Checks that every rule set a node names exists, is published and has the right kind: a pipeline whose score
 * node points at a missing rule set would publish fine and then fail on the first lead.
 */
export async function checkRuleSetReferences(sql: Sql, doc: PipelineDocument): Promise<PipelineProblem[]> {
  const rows = await sql<{ id: string; kind: string; published: boolean }[]>`
    select r.id, r.kind, exists(select 1 from rule_set_versions v where v.rule_set_id = r.id) as published from rule_sets r`;
  const known = new Map(rows.map((r) => [r.id, r]));
  const problems: PipelineProblem[] = [];
  doc.nodes.forEach((node, i) => {
    for (const [field, kind] of Object.entries(expectedKind[node.type] ?? {})) {
      const id = (node.config as Record<string, unknown>)[field];
      if (typeof id !== 'string' || !id) continue;
      const found = known.get(id);
      const path = `nodes[${i}].config.${field}`;
      if (!found) problems.push({ path, nodeId: node.id, message: `rule set "${id}" does not exist` });
      else if (found.kind !== kind) problems.push({ path, nodeId: node.id, message: `rule set "${id}" is a ${found.kind} rule set; this field needs a ${kind} one` });
      else if (!found.published) problems.push({ path, nodeId: node.id, message: `rule set "${id}" has no published version yet` });
    }
  });
  return problems;
}

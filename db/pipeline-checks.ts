import type { PipelineDocument } from '../engine/pipeline/schema';
import type { PipelineProblem } from '../engine/pipeline/validate';
import { factsUsed } from '../rules/facts-used';
import type { RuleSetDocument } from '../rules/schema';
import { checkCondition, type Problem } from '../rules/validate-condition';
import { templates as builtinTemplates } from '../workers/mail/templates';
import type { Sql } from './client';

/** Which rule-set kinds each node type's rule-set field accepts. */
const expectedKinds: Record<string, Record<string, readonly string[]>> = {
  score: { ruleSetId: ['scoring'] },
  route: { ruleSetId: ['routing'] },
  stage: { reminderRuleSetId: ['reminder'] },
  configurator_check: { ruleSetId: ['configurator'] },
  // A decision branches on the lead's facts, the ones scoring rules read.
  decision: { ruleSetId: ['scoring', 'decision'] },
};

/**
 * Facts a configurator check hands its rule set (`checkLatestOffer`, through the quote's evaluation): each line of
 * the lead's newest offer, the offer's products and contract length, and the lead's segment. A configurator rule
 * set reading anything else (e.g. `storageGb`) would see it missing on every lead and never fire as meant.
 */
export const configuratorFactsAtCheck: readonly string[] = [
  'product', 'options', 'quantity', 'contractMonths', 'listPrice', 'products', 'totalQuantity', 'segment', 'companySize', 'industry', 'country',
];

interface RuleSetRow { id: string; kind: string; document: RuleSetDocument | null }

/** Every rule set with the document of its newest published version (null when never published). */
async function ruleSets(sql: Sql): Promise<Map<string, RuleSetRow>> {
  const rows = await sql<RuleSetRow[]>`
    select r.id, r.kind,
           (select v.document from rule_set_versions v where v.rule_set_id = r.id order by v.version desc limit 1) as document
    from rule_sets r`;
  return new Map(rows.map((r) => [r.id, r]));
}

/** Built-in template names plus the ones stored in the database (an admin's own templates). */
async function templateNames(sql: Sql): Promise<Set<string>> {
  const names = new Set(Object.keys(builtinTemplates));
  const [{ present }] = await sql<{ present: boolean }[]>`select to_regclass('mail_templates') is not null as present`;
  if (present) for (const r of await sql<{ name: string }[]>`select name from mail_templates`) names.add(r.name);
  return names;
}

/**
 * The checks a pipeline needs the database for, on a document whose graph is already valid: the rule sets its
 * nodes name (exist, are published, have the kind the node needs), the conditions of decision branches (facts
 * and operators of the catalog), the facts a configurator check's rule set reads (only the offer lines' facts
 * are handed to it), and the e-mail templates. Every problem names the node and the config field, all at once.
 * This is the one place publishing and saving ask; checks of developer activities join here.
 * @example const problems = await collectPublishProblems(sql, doc); if (problems.length) refuse(problems);
 */
export async function collectPublishProblems(sql: Sql, doc: PipelineDocument): Promise<PipelineProblem[]> {
  const [sets, mailTemplates] = await Promise.all([ruleSets(sql), templateNames(sql)]);
  const problems: PipelineProblem[] = [];
  doc.nodes.forEach((node, i) => {
    const at = (field: string, message: string) => problems.push({ path: `nodes[${i}].config.${field}`, nodeId: node.id, message });
    const config = node.config as Record<string, unknown>;

    for (const [field, kinds] of Object.entries(expectedKinds[node.type] ?? {})) {
      const id = config[field];
      if (typeof id !== 'string' || !id) continue;
      const found = sets.get(id);
      if (!found) at(field, `rule set "${id}" does not exist`);
      else if (!kinds.includes(found.kind)) at(field, `rule set "${id}" is a ${found.kind} rule set; this field needs a ${kinds[0]} one`);
      else if (!found.document) at(field, `rule set "${id}" has no published version yet`);
      else if (node.type === 'configurator_check') {
        const missing = [...factsUsed(found.document)].filter((f) => !configuratorFactsAtCheck.includes(f));
        if (missing.length) {
          at(field, `rule set "${id}" reads ${missing.map((f) => `"${f}"`).join(', ')}, which this pipeline never provides at a configurator check (it provides ${configuratorFactsAtCheck.join(', ')})`);
        }
      }
    }

    if (node.type === 'decision') {
      node.config.branches.forEach((b, j) => {
        if (!b.when) return;
        const found: Problem[] = [];
        checkCondition(b.when, 'scoring', `branches[${j}].when`, found, true);
        for (const p of found) at(p.path, `branch "${b.label}": ${p.message}`);
      });
    }

    if (node.type === 'send_email' && !mailTemplates.has(node.config.template)) {
      at('template', `e-mail template "${node.config.template}" does not exist (known: ${[...mailTemplates].sort().join(', ')})`);
    }
  });
  return problems;
}

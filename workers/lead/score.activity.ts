import { ApplicationFailure } from '@temporalio/activity';
import { flattenOutputs } from '../../db/activity-types';
import { leadFactsFor } from '../../db/lead-facts';
import { evaluateItems, leadSegment } from '../../db/pricing';
import { evaluateRules } from '../../rules/decide/evaluate';
import { scoreLead } from '../../rules/decide/score';
import { ruleSetDocumentSchema, type Condition, type ScoringRuleSet } from '../../rules/schema';
import type { ActivityDeps } from '../deps';
import { recordEvent, recordEventWith } from './events';
import { createRuleSetLoader } from './rule-cache';

async function factsOrFail(sql: ActivityDeps['sql'], leadId: string) {
  const facts = await leadFactsFor(sql, leadId);
  if (!facts) throw new Error(`lead ${leadId} is not on the read side yet`);
  return facts;
}

/** Scoring, rule-based branching and configurator checks: every decision with its explanation in the event log. */
type Branch = { id: string; label: string; when?: Record<string, unknown> };

export function createScoreActivities({ sql }: ActivityDeps) {
  const load = createRuleSetLoader(sql);
  // A decision node's branches are part of an immutable pipeline version: parse them once per worker and keep the
  // same document object, so json-rules-engine builds its engine once instead of on every lead.
  const decisions = new Map<string, ScoringRuleSet | null>();
  const decisionDoc = (nodeId: string, branches: Branch[]): ScoringRuleSet | null => {
    const key = JSON.stringify(branches);
    if (decisions.has(key)) return decisions.get(key)!;
    const rules = branches.filter((b) => b.when).map((b, i) => ({ name: b.id, priority: 1000 - i, conditions: b.when as Condition, event: { type: 'score', params: { points: 0 } } }));
    let doc: ScoringRuleSet | null = null;
    if (rules.length) {
      const parsed = ruleSetDocumentSchema.safeParse({ name: `decision ${nodeId}`, kind: 'scoring', rules });
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`decision ${nodeId}: ${parsed.error.issues[0]?.message}`, 'InvalidInput');
      doc = parsed.data as ScoringRuleSet;
    }
    decisions.set(key, doc);
    return doc;
  };
  return {
    async scoreLead(a: { leadId: string; ruleSetId: string; nodeId: string }): Promise<{ score: number; grade: 'A' | 'B' | 'C'; version: number }> {
      const rs = await load(a.ruleSetId, 'scoring');
      const facts = await factsOrFail(sql, a.leadId);
      const r = await scoreLead(rs.document, facts);
      // The score and its explanation in one statement (no transaction: one round trip instead of four).
      await recordEventWith(sql, {
        key: `${a.leadId}:scored:${a.nodeId}:${rs.version}:${r.score}`, leadId: a.leadId, type: 'scored',
        context: { score: r.score, grade: r.grade, rawPoints: r.rawPoints, capped: r.capped, points: r.matched.map((m) => ({ rule: m.rule, points: m.points })) },
        cause: { ruleSetId: a.ruleSetId, ruleSetName: rs.document.name, version: rs.version, matched: r.explanation.matched },
      }, sql`update leads set score = ${r.score}, grade = ${r.grade}, node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}`);
      return { score: r.score, grade: r.grade, version: rs.version };
    },

    /** A decision node: the first branch whose conditions match, else "default". */
    async decide(a: { leadId: string; nodeId: string; branches: Branch[]; ruleSetId?: string; custom?: Record<string, Record<string, unknown>> }): Promise<{ branch: string }> {
      // Outputs of the custom activities the lead ran so far join the lead's facts as `custom.<activity>.<field>`.
      const facts = { ...(await factsOrFail(sql, a.leadId)), ...flattenOutputs(a.custom) };
      let branch = 'default';
      let matched: unknown[] = [];
      const doc = decisionDoc(a.nodeId, a.branches);
      if (doc) {
        const evaluated = await evaluateRules(doc, facts);
        const hit = a.branches.find((b) => evaluated.some((e) => e.rule.name === b.id && e.matched));
        if (hit) {
          branch = hit.id;
          matched = [{ rule: hit.id, label: hit.label }];
        }
      }
      await recordEventWith(sql, {
        key: `${a.leadId}:decision:${a.nodeId}:${branch}:${facts.formSubmissions ?? 0}:${facts.score ?? 0}`, leadId: a.leadId, type: 'decision',
        context: { node: a.nodeId, branch, label: a.branches.find((b) => b.id === branch)?.label ?? 'default' },
        cause: { ruleSetId: a.ruleSetId ?? `pipeline:${a.nodeId}`, version: 0, matched },
      }, sql`update leads set node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}`);
      return { branch };
    },

    /**
     * Checks the lead's newest offer against a configurator rule set with the same evaluation as the quote (the
     * offer's products, contract length and the lead's segment are facts); a rule's fee line is not a configuration.
     */
    async checkLatestOffer(a: { leadId: string; ruleSetId: string; nodeId: string }): Promise<{ valid: boolean; violations: string[] }> {
      const rs = await load(a.ruleSetId, 'configurator');
      const lines = await sql<{ product: string; product_id: string | null; options: string[]; quantity: number; list_unit_price: string | null; contract_months: number | null }[]>`
        select l.product, l.product_id, l.options, l.quantity, l.list_unit_price, o.contract_months from offer_lines l join offers o on o.id = l.offer_id
        where l.offer_id = (select id from offers where lead_id = ${a.leadId} order by version desc limit 1)
          and coalesce(l.price_source, 'catalog') <> 'fee'
        order by l.id`;
      const lead = await leadSegment(sql, a.leadId);
      const checked = await evaluateItems(rs.document, lines.map((l) => ({
        productId: l.product_id ?? l.product, options: l.options, quantity: l.quantity, ...(l.list_unit_price !== null ? { listUnitPrice: Number(l.list_unit_price) } : {}),
      })), { contractMonths: lines[0]?.contract_months ?? undefined, lead });
      const violations = checked.violations.map((v) => `${v.description} (rule ${v.rule})`);
      const valid = lines.length > 0 && violations.length === 0;
      await recordEvent(sql, {
        key: `${a.leadId}:configurator:${a.nodeId}:${lines.length}:${violations.length}`, leadId: a.leadId, type: 'configurator_checked',
        context: { valid, violations, lines: lines.length }, cause: { ruleSetId: a.ruleSetId, ruleSetName: rs.document.name, version: rs.version, matched: violations },
      });
      return { valid, violations };
    },
  };
}

/**
 * Shared step of every decision: run the cached engine once and line its rule results up with the
 * document's rules (document order), plus the explanation stored in the lead's event log.
 */
import type { RuleResult } from 'json-rules-engine';
import { createRuleEngine } from '../engine';
import { firstFailure, supportingConditions, type ConditionTrace } from '../explain';
import type { AnyRule, RuleSetDocument, RuleSetKind } from '../schema';

export interface DecisionOptions {
  /** Clock for date operators; defaults to the current time. Pass it for replayable decisions. */
  now?: Date;
}

/** Why a decision came out as it did: the rule set and, per matched rule, the comparisons that held. */
export interface Explanation {
  ruleSet: { id?: string; name: string; kind: RuleSetKind };
  matched: { rule: string; conditions: ConditionTrace[] }[];
}

export interface EvaluatedRule<R extends AnyRule = AnyRule> {
  rule: R;
  index: number;
  matched: boolean;
  result: RuleResult;
}

/** Runs `doc` over `facts`; returns one entry per rule, in document order. */
export async function evaluateRules<D extends RuleSetDocument>(doc: D, facts: object, opts?: DecisionOptions): Promise<EvaluatedRule<D['rules'][number]>[]> {
  const { results, failureResults } = await createRuleEngine(doc).run(facts, opts);
  const byName = new Map<string, RuleResult>();
  for (const r of results) byName.set(r.name as string, r);
  for (const r of failureResults) byName.set(r.name as string, r);
  return doc.rules.map((rule, index) => {
    const result = byName.get(rule.name);
    if (!result) throw new Error(`rule "${rule.name}" produced no result`);
    return { rule, index, matched: result.result, result };
  });
}

/** Explanation over the given matched rules (already in the decision's order). */
export function explain(doc: RuleSetDocument, matched: readonly EvaluatedRule[]): Explanation {
  const ruleSet: Explanation['ruleSet'] = { name: doc.name, kind: doc.kind };
  if (doc.id !== undefined) ruleSet.id = doc.id;
  return {
    ruleSet,
    matched: matched.map((m) => ({ rule: m.rule.name, conditions: supportingConditions(m.rule.conditions, resultTree(m)) })),
  };
}

/** json-rules-engine annotates every condition but the root; the rule's own result stands in for it. */
function resultTree(e: EvaluatedRule): never {
  return { ...e.result.conditions, result: e.result.result } as never;
}

/** The first failing comparison of an unmatched rule. */
export function failureOf(e: EvaluatedRule): ConditionTrace | undefined {
  return firstFailure(e.rule.conditions, resultTree(e));
}

import type { RoutingRuleSet, RoutingStrategy } from '../schema';
import { evaluateRules, explain, type DecisionOptions, type Explanation } from './evaluate';

export type RouteResult =
  | { rule: string; priority: number; strategy: RoutingStrategy; explanation: Explanation }
  | { rule: null; explanation: Explanation };

/**
 * Picks the routing rule that decides the assignee: the first matching rule by priority (higher first),
 * then document order. Resolving the strategy to a rep needs the database and is the worker's job.
 *
 * @example
 * ```ts
 * const r = await routeLead(packs.routing, { country: 'AT' });
 * if (r.rule) console.log(r.strategy); // { type: 'round_robin', team: 'team-dach' }
 * ```
 */
export async function routeLead(doc: RoutingRuleSet, facts: object, opts?: DecisionOptions): Promise<RouteResult> {
  const evaluated = await evaluateRules(doc, facts, opts);
  let best: (typeof evaluated)[number] | undefined;
  for (const e of evaluated) if (e.matched && (!best || e.rule.priority > best.rule.priority)) best = e;
  if (!best) return { rule: null, explanation: explain(doc, []) };
  return { rule: best.rule.name, priority: best.rule.priority, strategy: best.rule.event.params.strategy, explanation: explain(doc, [best]) };
}

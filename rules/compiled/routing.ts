import type { RoutingRuleSet, RoutingStrategy } from '../schema';
import { clockPrologue, CodegenScope, conditionToJs, instantiate } from './codegen';

export type CompiledRoute = { rule: string; priority: number; strategy: RoutingStrategy } | { rule: null };
export type CompiledRouting = (facts: object, opts?: { now?: Date }) => CompiledRoute;

/**
 * Compiles a routing document: the first matching rule by priority (higher first), then document order —
 * the same choice as `routeLead`.
 *
 * @example
 * ```ts
 * compileRouting(packs.routing)({ country: 'SE' }); // { rule: 'nordics', priority: 10, strategy: {…} }
 * ```
 */
export function compileRouting(doc: RoutingRuleSet): CompiledRouting {
  const scope = new CodegenScope();
  const ordered = doc.rules.map((r, i) => ({ r, i })).sort((x, y) => y.r.priority - x.r.priority || x.i - y.i);
  const rules = ordered.map(({ r }) =>
    `if (${conditionToJs(r.conditions, scope)}) return ${scope.constant({ rule: r.name, priority: r.priority, strategy: r.event.params.strategy })};`);
  const body = `function compiledRouting(facts, opts) {
  ${clockPrologue(scope)}
  ${scope.prologue()}
  ${rules.join('\n  ')}
  return { rule: null };
}`;
  return instantiate<CompiledRouting>(scope, body);
}

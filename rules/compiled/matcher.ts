import type { RuleSetDocument } from '../schema';
import { clockPrologue, CodegenScope, conditionToJs, instantiate } from './codegen';

export type CompiledMatcher = (facts: object, opts?: { now?: Date }) => string[];

/**
 * Compiles any rule set into "which rules match" (names, document order): the building block for reminder
 * and configurator backtests, where the per-kind result is cheap to derive from the matched rules.
 *
 * @example
 * ```ts
 * compileMatcher(packs.reminder)({ stage: 'new', daysSinceCreated: 3 }); // ['contact-sla']
 * ```
 */
export function compileMatcher(doc: RuleSetDocument): CompiledMatcher {
  const scope = new CodegenScope();
  const rules = doc.rules.map((r) => `if (${conditionToJs(r.conditions, scope)}) matched.push(${JSON.stringify(r.name)});`);
  const body = `function compiledMatcher(facts, opts) {
  ${clockPrologue(scope)}
  ${scope.prologue()}
  const matched = [];
  ${rules.join('\n  ')}
  return matched;
}`;
  return instantiate<CompiledMatcher>(scope, body);
}

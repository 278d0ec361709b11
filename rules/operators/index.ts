/**
 * All operators a rule may use: json-rules-engine's built-ins plus Leadflow's custom ones.
 *
 * @example
 * ```ts
 * operatorsFor('number').map((o) => o.name); // ['equal', 'notEqual', 'in', …, 'between']
 * ```
 */
import type { FactType } from '../facts';
import { between } from './between';
import { builtinOperators } from './builtin';
import { containsAll } from './contains-all';
import { containsAny } from './contains-any';
import { daysAgoLessThan } from './days-ago-less-than';
import { daysAgoMoreThan } from './days-ago-more-than';
import { inTerritory } from './in-territory';
import { matchesPattern } from './matches-pattern';
import type { RuleOperator } from './types';

export type { EvalContext, RuleOperator, ValueType } from './types';
export { builtinOperators, jreNumberValidator } from './builtin';
export { compilePattern } from './matches-pattern';

export const customOperators: readonly RuleOperator[] = [
  daysAgoMoreThan,
  daysAgoLessThan,
  between,
  matchesPattern,
  inTerritory,
  containsAny,
  containsAll,
];

export const allOperators: readonly RuleOperator[] = [...builtinOperators, ...customOperators];
const byName = new Map(allOperators.map((o) => [o.name, o]));

/** The operator called `name`, or `undefined`. */
export function findOperator(name: string): RuleOperator | undefined {
  return byName.get(name);
}

/** Operators that fit a fact type, for validation messages and editor pickers. */
export function operatorsFor(type: FactType): RuleOperator[] {
  return allOperators.filter((o) => o.factTypes.includes(type));
}

/**
 * json-rules-engine 7's default operators, restated as data so validation knows which fact types they fit.
 * `evaluate` mirrors engine-default-operators.js exactly (fact-value validator, then the callback), including
 * its quirks: `contains` is false on strings (array facts only), and numeric comparisons first require
 * `Number.parseFloat(fact)` not to be NaN, so a missing/null fact never compares.
 *
 * @example
 * ```ts
 * builtinOperators.find((o) => o.name === 'in')!.evaluate('DE', ['DE', 'AT'], { now: new Date() }); // true
 * ```
 */
import type { RuleOperator } from './types';

/** json-rules-engine's numberValidator, verbatim. */
export function jreNumberValidator(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

const eq = ['number', 'string', 'boolean'] as const;
const ordered = ['number'] as const;
const membership = ['number', 'string'] as const;

export const builtinOperators: readonly RuleOperator[] = [
  { name: 'equal', factTypes: eq, valueType: 'same', builtin: true, description: 'is', evaluate: (a, b) => a === b },
  { name: 'notEqual', factTypes: eq, valueType: 'same', builtin: true, description: 'is not', evaluate: (a, b) => a !== b },
  { name: 'in', factTypes: membership, valueType: 'list', builtin: true, description: 'is one of', evaluate: (a, b) => (b as unknown[]).indexOf(a) > -1 },
  { name: 'notIn', factTypes: membership, valueType: 'list', builtin: true, description: 'is none of', evaluate: (a, b) => (b as unknown[]).indexOf(a) === -1 },
  {
    name: 'contains', factTypes: ['string[]'], valueType: 'element', builtin: true, description: 'contains',
    evaluate: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  },
  {
    name: 'doesNotContain', factTypes: ['string[]'], valueType: 'element', builtin: true, description: 'does not contain',
    evaluate: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  },
  { name: 'lessThan', factTypes: ordered, valueType: 'same', builtin: true, description: '<', evaluate: (a, b) => jreNumberValidator(a) && (a as number) < (b as number) },
  { name: 'lessThanInclusive', factTypes: ordered, valueType: 'same', builtin: true, description: '≤', evaluate: (a, b) => jreNumberValidator(a) && (a as number) <= (b as number) },
  { name: 'greaterThan', factTypes: ordered, valueType: 'same', builtin: true, description: '>', evaluate: (a, b) => jreNumberValidator(a) && (a as number) > (b as number) },
  { name: 'greaterThanInclusive', factTypes: ordered, valueType: 'same', builtin: true, description: '≥', evaluate: (a, b) => jreNumberValidator(a) && (a as number) >= (b as number) },
];

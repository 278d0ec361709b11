import type { RuleOperator } from './types';

/**
 * Numeric fact within `[min, max]`, both inclusive. False for missing or non-numeric facts (no coercion,
 * unlike the built-in comparisons, because "between" on a string is always an authoring mistake).
 *
 * @example
 * ```ts
 * between.evaluate(50, [10, 50], { now: new Date() }); // true
 * ```
 */
export const between: RuleOperator = {
  name: 'between',
  factTypes: ['number'],
  valueType: 'range',
  builtin: false,
  description: 'between (inclusive)',
  evaluate: (factValue, value) => {
    const range = value as [number, number];
    return typeof factValue === 'number' && factValue >= range[0] && factValue <= range[1];
  },
};

import type { RuleOperator } from './types';

/**
 * Array fact contains every listed value.
 *
 * @example
 * ```ts
 * containsAll.evaluate(['sso', 'cloud'], ['sso', 'cloud'], { now: new Date() }); // true
 * ```
 */
export const containsAll: RuleOperator = {
  name: 'containsAll',
  factTypes: ['string[]'],
  valueType: 'elements',
  builtin: false,
  description: 'contains all of',
  evaluate: (factValue, value) => {
    if (!Array.isArray(factValue) || !Array.isArray(value)) return false;
    for (const v of value) if (!factValue.includes(v)) return false;
    return true;
  },
};

import type { RuleOperator } from './types';

/**
 * Array fact contains at least one of the listed values.
 *
 * @example
 * ```ts
 * containsAny.evaluate(['sso', 'cloud'], ['on-prem', 'sso'], { now: new Date() }); // true
 * ```
 */
export const containsAny: RuleOperator = {
  name: 'containsAny',
  factTypes: ['string[]'],
  valueType: 'elements',
  builtin: false,
  description: 'contains any of',
  evaluate: (factValue, value) => {
    if (!Array.isArray(factValue) || !Array.isArray(value)) return false;
    for (const v of value) if (factValue.includes(v)) return true;
    return false;
  },
};

import type { RuleOperator } from './types';

const cache = new Map<string, RegExp | null>();

/** Compiles (and caches) a case-insensitive regex; `null` when the source is invalid. */
export function compilePattern(source: string): RegExp | null {
  let re = cache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, 'i');
    } catch {
      re = null;
    }
    if (cache.size > 1000) cache.clear(); // bound memory for ad-hoc documents
    cache.set(source, re);
  }
  return re;
}

/**
 * String fact matches a regular expression, case-insensitively. Validation rejects invalid patterns; at run
 * time an invalid pattern simply never matches.
 *
 * @example
 * ```ts
 * matchesPattern.evaluate('Head of IT', '\\b(cio|cto|head)\\b', { now: new Date() }); // true
 * ```
 */
export const matchesPattern: RuleOperator = {
  name: 'matchesPattern',
  factTypes: ['string'],
  valueType: 'regex',
  builtin: false,
  description: 'matches pattern',
  evaluate: (factValue, value) => {
    if (typeof factValue !== 'string' || typeof value !== 'string') return false;
    const re = compilePattern(value);
    return re !== null && re.test(factValue);
  },
};

import { daysAgo } from './days-ago';
import type { RuleOperator } from './types';

/**
 * Date fact lies less than `value` days before `ctx.now` (a future date counts as "less"). False when missing.
 *
 * @example
 * ```ts
 * daysAgoLessThan.evaluate('2024-01-03T00:00:00Z', 2, { now: new Date('2024-01-04T00:00:00Z') }); // true
 * ```
 */
export const daysAgoLessThan: RuleOperator = {
  name: 'daysAgoLessThan',
  factTypes: ['date'],
  valueType: 'days',
  builtin: false,
  needsNow: true,
  description: 'less than N days ago',
  evaluate: (factValue, value, ctx) => daysAgo(factValue, ctx.now) < (value as number),
};

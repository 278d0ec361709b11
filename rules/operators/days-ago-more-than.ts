import { daysAgo } from './days-ago';
import type { RuleOperator } from './types';

/**
 * Date fact lies more than `value` days before `ctx.now`. False for a missing or unparseable date.
 *
 * @example
 * ```ts
 * daysAgoMoreThan.evaluate('2024-01-01T00:00:00Z', 2, { now: new Date('2024-01-04T00:00:00Z') }); // true
 * ```
 */
export const daysAgoMoreThan: RuleOperator = {
  name: 'daysAgoMoreThan',
  factTypes: ['date'],
  valueType: 'days',
  builtin: false,
  needsNow: true,
  description: 'more than N days ago',
  evaluate: (factValue, value, ctx) => daysAgo(factValue, ctx.now) > (value as number),
};

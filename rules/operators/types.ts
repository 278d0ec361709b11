import type { FactType } from '../facts';

/** Evaluation context injected by the caller so that date operators are deterministic in tests and replays. */
export interface EvalContext {
  now: Date;
}

/**
 * What the right-hand `value` of a condition must be, relative to the fact's type:
 * - `same`: one value of the fact's type, or a `{ fact }` reference to a fact of the same type
 * - `list`: non-empty array of values of the fact's type
 * - `element`: one string, for array facts (`contains`), or a `{ fact }` reference to a string fact
 * - `elements`: non-empty array of strings, for array facts
 * - `days`: a number ≥ 0
 * - `range`: `[min, max]`, numbers, min ≤ max
 * - `regex`: a valid regular expression source (matched case-insensitively)
 * - `territories`: non-empty array of ISO-2 codes or territory names (see `territories.ts`)
 */
export type ValueType = 'same' | 'list' | 'element' | 'elements' | 'days' | 'range' | 'regex' | 'territories';

/** An operator as data: validation reads `factTypes`/`valueType`, engines call `evaluate`. */
export interface RuleOperator {
  name: string;
  factTypes: readonly FactType[];
  valueType: ValueType;
  /** Built-ins are json-rules-engine's own; custom ones are registered by `createRuleEngine`. */
  builtin: boolean;
  /** Date operators need the evaluation clock. */
  needsNow?: boolean;
  description: string;
  evaluate(factValue: unknown, value: unknown, ctx: EvalContext): boolean;
}

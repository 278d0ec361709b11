/**
 * Reads json-rules-engine's per-run result tree (`RuleResult.conditions`, annotated with `result`,
 * `factResult`, `valueResult`) back into paths of the document, for explanations and "why not" answers.
 *
 * @example
 * ```ts
 * const failed = firstFailure(rule.conditions, ruleResult.conditions); // { path: 'conditions.all[1]', … }
 * ```
 */
import { findOperator } from './operators';
import { isLeaf, type Condition, type ConditionValue } from './schema';

/** One evaluated comparison. `negated` is set when it sits under an odd number of `not`s. */
export interface ConditionTrace {
  path: string;
  fact: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  negated?: boolean;
}

/** The engine's annotated copy of a condition (json-rules-engine adds these fields during a run). */
interface ResultNode {
  all?: ResultNode[];
  any?: ResultNode[];
  not?: ResultNode;
  result?: boolean;
  factResult?: unknown;
  valueResult?: unknown;
}

function trace(doc: Condition & { fact: string; operator: string; value: ConditionValue }, node: ResultNode, path: string, negated: boolean): ConditionTrace {
  // Clock operators carry a rewritten value in the engine; report what the author wrote.
  const expected = findOperator(doc.operator)?.needsNow ? doc.value : node.valueResult;
  const t: ConditionTrace = { path, fact: doc.fact, operator: doc.operator, expected, actual: node.factResult };
  if (negated) t.negated = true;
  return t;
}

/**
 * The comparisons that made a condition come out as `want` (true for a matched rule). Under `not` the wanted
 * outcome flips, so a matched `not` reports the comparison that was false.
 */
export function supportingConditions(doc: Condition, node: ResultNode | undefined, path = 'conditions', want = true): ConditionTrace[] {
  if (!node || node.result !== want) return [];
  if (isLeaf(doc)) return [trace(doc, node, path, !want)];
  if ('not' in doc) return supportingConditions(doc.not, node.not, `${path}.not`, !want);
  const key = 'all' in doc ? 'all' : 'any';
  const children = 'all' in doc ? doc.all : doc.any;
  const nodes = node[key] ?? [];
  // "all" true / "any" false: every child supports; "any" true / "all" false: only the children equal to want.
  return children.flatMap((c, i) => supportingConditions(c, nodes[i], `${path}.${key}[${i}]`, want));
}

/** The first comparison that made a condition come out as `!want` (a failed rule's reason). */
export function firstFailure(doc: Condition, node: ResultNode | undefined, path = 'conditions', want = true): ConditionTrace | undefined {
  if (!node || node.result === undefined || node.result === want) return undefined;
  if (isLeaf(doc)) return trace(doc, node, path, !want);
  if ('not' in doc) return firstFailure(doc.not, node.not, `${path}.not`, !want);
  const key = 'all' in doc ? 'all' : 'any';
  const children = 'all' in doc ? doc.all : doc.any;
  const nodes = node[key] ?? [];
  for (let i = 0; i < children.length; i++) {
    const f = firstFailure(children[i], nodes[i], `${path}.${key}[${i}]`, want);
    if (f) return f;
  }
  return undefined;
}

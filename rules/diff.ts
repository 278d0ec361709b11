/**
 * Differences between two versions of a rule set, for review before publishing: rules added, removed and
 * changed (matched by name), each change with the fields that differ, plus document-level fields
 * (name, description, settings).
 *
 * @example
 * ```ts
 * const d = diffRuleSets(v1, v2);
 * d.changed[0]; // { rule: 'has-phone', fields: [{ field: 'event.params.points', before: 5, after: 7 }] }
 * ```
 */
import type { AnyRule, RuleSetDocument } from './schema';

export interface FieldChange { field: string; before: unknown; after: unknown }
export interface RuleSetDiff {
  added: string[];
  removed: string[];
  changed: { rule: string; fields: FieldChange[] }[];
  /** Document-level changes: name, description, settings.*. */
  document: FieldChange[];
  /** Rules present in both whose relative order changed (order matters for routing ties and score sums). */
  reordered: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Leaf-level differences below `path`. Objects are compared key by key; arrays index by index, except that
 * a condition list of a different length is reported whole (an index-by-index listing would mislead).
 */
export function diffValues(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (Object.is(before, after)) return;
  if (isObj(before) && isObj(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of keys) diffValues(before[k], after[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => diffValues(b, after[i], `${path}[${i}]`, out));
    return;
  }
  out.push({ field: path, before, after });
}

function ruleFields(r: AnyRule): Record<string, unknown> {
  return { priority: r.priority, conditions: r.conditions, event: r.event };
}

/** See the module comment. The `id` field is ignored (it names the rule set, not a version). */
export function diffRuleSets(from: RuleSetDocument, to: RuleSetDocument): RuleSetDiff {
  const before = new Map<string, AnyRule>(from.rules.map((r) => [r.name, r]));
  const after = new Map<string, AnyRule>(to.rules.map((r) => [r.name, r]));
  const added = to.rules.filter((r) => !before.has(r.name)).map((r) => r.name);
  const removed = from.rules.filter((r) => !after.has(r.name)).map((r) => r.name);
  const changed: RuleSetDiff['changed'] = [];
  for (const r of to.rules) {
    const old = before.get(r.name);
    if (!old) continue;
    const fields: FieldChange[] = [];
    diffValues(ruleFields(old), ruleFields(r), '', fields);
    if (fields.length) changed.push({ rule: r.name, fields });
  }
  const document: FieldChange[] = [];
  diffValues({ name: from.name, kind: from.kind, description: from.description, settings: from.settings },
    { name: to.name, kind: to.kind, description: to.description, settings: to.settings }, '', document);
  const common = (doc: RuleSetDocument, other: Map<string, AnyRule>) => doc.rules.filter((r) => other.has(r.name)).map((r) => r.name).join('\u0000');
  return { added, removed, changed, document, reordered: common(from, after) !== common(to, before) };
}

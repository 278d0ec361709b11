import type { FactDefinition, FactType } from '../../rules/facts';
import type { ValueType } from '../../rules/operators/types';
import type { Condition, RuleSetKind } from '../../rules/schema';

/** A step into a condition tree: a group key then an index, or "not". */
export type CondPath = (string | number)[];

/** The condition at `path` in `root`, or undefined. */
export function conditionAt(root: Condition, path: CondPath): Condition | undefined {
  let cur: unknown = root;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur as Condition | undefined;
}

/** Returns a copy of `root` with the condition at `path` replaced (`undefined` removes it from its group). */
export function replaceAt(root: Condition, path: CondPath, next: Condition | undefined): Condition {
  if (path.length === 0) return next ?? root;
  const [head, ...rest] = path;
  if (Array.isArray(root)) throw new Error('bad path');
  const obj = root as unknown as Record<string, unknown>;
  if (typeof head === 'string' && Array.isArray(obj[head]) && typeof rest[0] === 'number') {
    const list = [...(obj[head] as Condition[])];
    const i = rest[0];
    if (rest.length === 1) {
      if (next === undefined) list.splice(i, 1);
      else list[i] = next;
    } else list[i] = replaceAt(list[i]!, rest.slice(1), next);
    return { [head]: list } as Condition;
  }
  if (head === 'not') return { not: rest.length ? replaceAt(obj.not as Condition, rest, next) : (next ?? (obj.not as Condition)) };
  throw new Error(`bad condition path ${path.join('.')}`);
}

/** Adds a child at the end of the group at `path`. */
export function appendChild(root: Condition, path: CondPath, child: Condition): Condition {
  const group = conditionAt(root, path) as Record<string, Condition[]> | undefined;
  if (!group) return root;
  const key = 'all' in group ? 'all' : 'any' in group ? 'any' : undefined;
  if (!key) return root;
  return replaceAt(root, path, { [key]: [...group[key]!, child] } as Condition);
}

/** Switches a group between all / any (children kept). */
export function switchGroup(root: Condition, path: CondPath, to: 'all' | 'any'): Condition {
  const group = conditionAt(root, path) as Record<string, Condition[]> | undefined;
  if (!group) return root;
  const children = group.all ?? group.any ?? [];
  return replaceAt(root, path, { [to]: children } as Condition);
}

/** `['rules', 0, 'conditions', 'all', 1]` → `rules[0].conditions.all[1]` (the server's problem path format). */
export function pathString(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** Problems that belong exactly to the item at `path` (itself or one of its own fields, not its children). */
export function problemsAt<P extends { path: string; message: string }>(problems: readonly P[], path: string, fields: readonly string[] = []): P[] {
  return problems.filter((p) => p.path === path || fields.some((f) => p.path === `${path}.${f}` || p.path.startsWith(`${path}.${f}[`)));
}

/** A sensible value for a new condition, from the fact's type and the operator's value type. */
export function defaultValue(fact: Pick<FactDefinition, 'type' | 'values'> | undefined, valueType: ValueType | undefined): unknown {
  const t: FactType = fact?.type ?? 'string';
  const first = fact?.values?.[0];
  switch (valueType) {
    case 'list': return t === 'number' ? [0] : [first ?? ''];
    case 'elements': case 'territories': return [first ?? ''];
    case 'element': return first ?? '';
    case 'days': return 7;
    case 'range': return [0, 100];
    case 'regex': return '.*';
    default:
      if (t === 'number') return 0;
      if (t === 'boolean') return true;
      if (t === 'date') return new Date(0).toISOString().slice(0, 10);
      if (t === 'string[]') return [];
      return first ?? '';
  }
}

/** The event a new rule of a kind starts with. */
export function defaultEvent(kind: RuleSetKind): { type: string; params: Record<string, unknown> } {
  switch (kind) {
    case 'scoring': return { type: 'score', params: { points: 10 } };
    case 'routing': return { type: 'route', params: { strategy: { type: 'round_robin', team: '' } } };
    case 'reminder': return { type: 'remind', params: { delayHours: 48, recipient: 'owner', template: 'reminder' } };
    case 'configurator': return { type: 'violation', params: { violation: '' } };
  }
}

/** Facts grouped by entity, in catalog order, for the fact picker. */
export function factsByEntity<F extends { entity: string }>(facts: readonly F[]): [string, F[]][] {
  const groups = new Map<string, F[]>();
  for (const f of facts) groups.set(f.entity, [...(groups.get(f.entity) ?? []), f]);
  return [...groups];
}

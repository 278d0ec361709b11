/**
 * Validation of rule-set documents at save time: zod shape, then the fact catalog. Every problem is
 * reported, each with a JSON path (`rules[2].conditions.all[0].any[1].value`) and a readable message.
 *
 * @example
 * ```ts
 * const r = validateRuleSet(body);
 * if (!r.ok) return reply.code(400).send({ problems: r.problems });
 * createRuleEngine(r.doc);
 * ```
 */
import type { z } from 'zod';
import { ruleSetDocumentSchema, ruleSetKindSchema, ruleSetShapeSchema, type RuleSetDocument } from './schema';
import { checkCondition, type Problem } from './validate-condition';

export type { Problem } from './validate-condition';

/** Deepest nesting of all / any / not groups in one rule's conditions (the editor shows about 5). */
export const MAX_CONDITION_DEPTH = 20;

/**
 * The path of the first group nested deeper than `MAX_CONDITION_DEPTH`, or undefined. Walks with an explicit stack,
 * so a document nested thousands deep is refused before any recursive check or zod parse sees it.
 * @example conditionDepthProblem({ all: [{ not: { any: [] } }] }, 'rules[0].conditions') // undefined
 */
export function conditionDepthProblem(conditions: unknown, path: string): Problem | undefined {
  const stack: { c: unknown; path: string; depth: number }[] = [{ c: conditions, path, depth: 1 }];
  while (stack.length) {
    const { c, path: at, depth } = stack.pop()!;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) continue;
    const group = c as Record<string, unknown>;
    const children: [unknown, string][] = [];
    for (const k of ['all', 'any'] as const) {
      if (Array.isArray(group[k])) (group[k] as unknown[]).forEach((child, i) => children.push([child, `${at}.${k}[${i}]`]));
    }
    if ('not' in group) children.push([group.not, `${at}.not`]);
    if (!children.length) continue;
    if (depth > MAX_CONDITION_DEPTH) return { path: at, message: `conditions are nested too deeply (at most ${MAX_CONDITION_DEPTH} levels of all / any / not groups)` };
    for (const [child, childPath] of children) stack.push({ c: child, path: childPath, depth: depth + 1 });
  }
  return undefined;
}
export type ValidationResult = { ok: true; doc: RuleSetDocument } | { ok: false; problems: Problem[] };

/** `['rules', 2, 'event']` → `rules[2].event`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${String(s)}` : String(s);
  return out;
}

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((i) => ({ path: formatPath(i.path) || '(document)', message: i.message }));
}

/** Validates an untrusted document; see the module comment. */
export function validateRuleSet(input: unknown): ValidationResult {
  const problems: Problem[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '(document)', message: 'a rule set must be a JSON object' }] };
  }
  const raw = input as Record<string, unknown>;
  const kind = ruleSetKindSchema.safeParse(raw.kind);
  if (!kind.success) {
    return { ok: false, problems: [{ path: 'kind', message: `unknown kind ${JSON.stringify(raw.kind)}; expected one of ${ruleSetKindSchema.options.join(', ')}` }] };
  }
  if (Array.isArray(raw.rules)) {
    const tooDeep = raw.rules.flatMap((rule: unknown, i) => {
      const c = typeof rule === 'object' && rule !== null ? (rule as Record<string, unknown>).conditions : undefined;
      return conditionDepthProblem(c, `rules[${i}].conditions`) ?? [];
    });
    if (tooDeep.length) return { ok: false, problems: tooDeep };
  }
  const shape = ruleSetShapeSchema.safeParse(input);
  if (!shape.success) problems.push(...zodProblems(shape.error));

  if (Array.isArray(raw.rules)) {
    const seen = new Map<string, number>();
    raw.rules.forEach((rule: unknown, i) => {
      if (typeof rule !== 'object' || rule === null) return; // zod already reported it
      const r = rule as Record<string, unknown>;
      if (typeof r.name === 'string') {
        const first = seen.get(r.name);
        if (first !== undefined) problems.push({ path: `rules[${i}].name`, message: `duplicate rule name "${r.name}" (also rules[${first}])` });
        else seen.set(r.name, i);
      }
      if ('conditions' in r) checkCondition(r.conditions, kind.data, `rules[${i}].conditions`, problems, true);
      else problems.push({ path: `rules[${i}].conditions`, message: 'a rule needs "conditions"' });
    });
  }
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
  // The catalog walk accepted every condition, so the strict schema can only fail on what it alone checks.
  const full = ruleSetDocumentSchema.safeParse(input);
  return full.success ? { ok: true, doc: full.data } : { ok: false, problems: zodProblems(full.error) };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Turns a condition tree into one JavaScript expression with json-rules-engine 7's exact semantics (see
 * `engine.ts` for the shared option set, `allowUndefinedFacts: true`):
 * - a missing fact reads as `undefined`, also as a `{ fact }` value;
 * - `equal`/`notEqual` are `===`/`!==`; `in`/`notIn` are `value.indexOf(fact)` (strict equality);
 * - `contains`/`doesNotContain` are false unless the fact is an array;
 * - numeric comparisons require `Number.parseFloat(fact)` to be a number first, then compare with JS `<`…;
 * - an empty `all` **and** an empty `any` are true (engine quirk; validation rejects empty groups anyway);
 * - custom operators call the very same `evaluate` functions the engine registers.
 * Rule and condition priorities only order the engine's work; with side-effect-free operators they never
 * change a result, so the generated code short-circuits freely.
 */
import { compilePattern, findOperator, jreNumberValidator, type RuleOperator } from '../operators';
import { expandTerritories } from '../territories';
import { isFactReference, isLeaf, type Condition, type ConditionValue } from '../schema';

/** Accumulates what the generated function closes over. */
export class CodegenScope {
  readonly factVars = new Map<string, string>();
  readonly constants: unknown[] = [];
  readonly operators: RuleOperator['evaluate'][] = [];
  /** Fact variables whose upper-case form is needed (inTerritory), computed once per evaluation. */
  readonly upperVars = new Set<string>();
  usesClock = false;

  factVar(name: string): string {
    let v = this.factVars.get(name);
    if (!v) { v = `f${this.factVars.size}`; this.factVars.set(name, v); }
    return v;
  }
  constant(value: unknown): string {
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
    if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return `(${JSON.stringify(value)})`;
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }
  operator(op: RuleOperator): string {
    if (op.needsNow) this.usesClock = true;
    this.operators.push(op.evaluate);
    return `O[${this.operators.length - 1}]`;
  }
  /** `const f0 = facts["country"], …;` — each fact read once per evaluation. */
  prologue(): string {
    if (this.factVars.size === 0) return '';
    const reads = [...this.factVars].map(([name, v]) => `${v} = facts[${JSON.stringify(name)}]`);
    const upper = [...this.upperVars].map((v) => `${v}u = typeof ${v} === "string" ? ${v}.toUpperCase() : undefined`);
    return `const ${[...reads, ...upper].join(', ')};`;
  }
}

const isPrimitive = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));

function rhs(value: ConditionValue, scope: CodegenScope): string {
  return isFactReference(value) ? scope.factVar(value.fact) : scope.constant(value);
}

/** `a === x || a === y` for short literal lists: same strict equality as indexOf, without the call. */
function membership(a: string, value: ConditionValue, scope: CodegenScope): string {
  if (Array.isArray(value) && value.length <= 8 && value.every(isPrimitive)) {
    return value.length === 0 ? 'false' : `(${value.map((v) => `${a} === ${scope.constant(v)}`).join(' || ')})`;
  }
  return `(${rhs(value, scope)}.indexOf(${a}) > -1)`;
}

function leaf(fact: string, operator: string, value: ConditionValue, scope: CodegenScope): string {
  const a = scope.factVar(fact);
  const cmp = (js: string) => {
    const b = rhs(value, scope);
    return `(typeof ${a} === "number" ? ${a} ${js} ${b} : (N(${a}) && ${a} ${js} ${b}))`;
  };
  switch (operator) {
    case 'equal': return `(${a} === ${rhs(value, scope)})`;
    case 'notEqual': return `(${a} !== ${rhs(value, scope)})`;
    case 'in': return membership(a, value, scope);
    case 'notIn': return `!${membership(a, value, scope)}`;
    case 'contains': return `(Array.isArray(${a}) && ${a}.indexOf(${rhs(value, scope)}) > -1)`;
    case 'doesNotContain': return `(Array.isArray(${a}) && ${a}.indexOf(${rhs(value, scope)}) === -1)`;
    case 'lessThan': return cmp('<');
    case 'lessThanInclusive': return cmp('<=');
    case 'greaterThan': return cmp('>');
    case 'greaterThanInclusive': return cmp('>=');
  }
  const inlined = inlineCustom(a, operator, value, scope);
  if (inlined) return inlined;
  const op = findOperator(operator);
  if (!op) throw new Error(`unknown operator "${operator}"`);
  return `(${scope.operator(op)}(${a}, ${rhs(value, scope)}, ctx) === true)`;
}

/**
 * Custom operators with a literal value, inlined: the value is prepared once at compile time (territory
 * set, compiled pattern, range bounds) instead of on every call. Each expression restates the operator's
 * `evaluate` for that value exactly; anything else (fact references, odd values) takes the generic call.
 */
function inlineCustom(a: string, operator: string, value: ConditionValue, scope: CodegenScope): string | undefined {
  switch (operator) {
    case 'inTerritory': // typeof fact === 'string' && expandTerritories(value).has(fact.toUpperCase())
      if (!Array.isArray(value)) return undefined;
      scope.upperVars.add(a);
      return `(${a}u !== undefined && ${scope.constant(expandTerritories(value))}.has(${a}u))`;
    case 'matchesPattern': { // typeof fact === 'string' && compilePattern(value)?.test(fact)
      if (typeof value !== 'string') return undefined;
      const re = compilePattern(value);
      return re === null ? 'false' : `(typeof ${a} === "string" && ${scope.constant(re)}.test(${a}))`;
    }
    case 'between': // typeof fact === 'number' && fact >= value[0] && fact <= value[1]
      if (!Array.isArray(value)) return undefined;
      return `(typeof ${a} === "number" && ${a} >= ${scope.constant(value[0])} && ${a} <= ${scope.constant(value[1])})`;
  }
  return undefined;
}

/** One boolean JS expression for a condition tree. */
export function conditionToJs(c: Condition, scope: CodegenScope): string {
  if (isLeaf(c)) {
    if (c.path !== undefined) throw new Error('"path" is not supported by the compiled evaluator');
    return leaf(c.fact, c.operator, c.value, scope);
  }
  if ('not' in c) return `!${conditionToJs(c.not, scope)}`;
  const [list, join] = 'all' in c ? [c.all, ' && '] : [c.any, ' || '];
  if (list.length === 0) return 'true';
  return `(${list.map((x) => conditionToJs(x, scope)).join(join)})`;
}

/** Builds the function from generated body text; `N` is json-rules-engine's numberValidator. */
export function instantiate<F>(scope: CodegenScope, body: string): F {
  const factory = new Function('K', 'O', 'N', 'CLOCKLESS', `"use strict";\nreturn ${body};`) as (...args: unknown[]) => F;
  return factory(scope.constants, scope.operators, jreNumberValidator, { now: new Date(0) });
}

/** Prologue that picks the evaluation clock: the caller's `now`, else the wall clock only if needed. */
export function clockPrologue(scope: CodegenScope): string {
  return scope.usesClock
    ? 'const ctx = opts && opts.now ? opts : { now: new Date() };'
    : 'const ctx = opts && opts.now ? opts : CLOCKLESS;';
}

/**
 * Catalog checks of one condition tree: structure, facts, operator fit and value types. Used by
 * `validateRuleSet`; every problem is reported with its JSON path.
 */
import { factCatalog, findFact, type FactDefinition, type FactType } from './facts';
import { allOperators, compilePattern, findOperator, operatorsFor, type RuleOperator } from './operators';
import type { RuleSetKind } from './schema';
import { didYouMean } from './suggest';
import { isTerritoryOrCountry } from './territories';

export interface Problem {
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

function matchesType(v: unknown, type: FactType): boolean {
  switch (type) {
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'string': case 'date': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'string[]': return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}
const typeName = (t: FactType) => (t === 'string[]' ? 'list of strings' : t);

function checkClosedValue(v: unknown, fact: FactDefinition, path: string, out: Problem[]): void {
  if (fact.values && typeof v === 'string' && !fact.values.includes(v)) {
    out.push({ path, message: `"${v}" is not a known ${fact.name}${didYouMean(v, fact.values)} (expected one of ${fact.values.join(', ')})` });
  }
}

function checkFactRef(v: Obj, want: FactType, kind: RuleSetKind, path: string, out: Problem[]): void {
  const name = v.fact;
  if (typeof name !== 'string' || !name) { out.push({ path: `${path}.fact`, message: 'a fact reference needs a fact name' }); return; }
  const ref = findFact(kind, name);
  if (!ref) out.push({ path: `${path}.fact`, message: `unknown fact "${name}"${didYouMean(name, factCatalog[kind].map((f) => f.name))}` });
  else if (ref.type !== want) out.push({ path: `${path}.fact`, message: `fact "${name}" is a ${typeName(ref.type)}, but this comparison needs a ${typeName(want)}` });
}

function checkList(value: unknown, elem: (v: unknown, p: string) => void, path: string, what: string, out: Problem[]): void {
  if (!Array.isArray(value)) { out.push({ path, message: `expected a list of ${what}, got ${show(value)}` }); return; }
  if (value.length === 0) { out.push({ path, message: `the list of ${what} is empty` }); return; }
  value.forEach((v, i) => elem(v, `${path}[${i}]`));
}

function checkValue(op: RuleOperator, fact: FactDefinition, value: unknown, kind: RuleSetKind, path: string, out: Problem[]): void {
  const refAllowed = op.valueType === 'same' || op.valueType === 'element';
  if (isObj(value)) {
    if (!has(value, 'fact')) out.push({ path, message: `expected a value or { "fact": name }, got ${show(value)}` });
    else if (!refAllowed) out.push({ path, message: `operator "${op.name}" needs a literal value, not a fact reference` });
    else checkFactRef(value, op.valueType === 'element' ? 'string' : fact.type, kind, path, out);
    return;
  }
  const scalar = (want: FactType, what: string) => (v: unknown, p: string) => {
    if (!matchesType(v, want)) out.push({ path: p, message: `expected a ${what}, got ${show(v)}` });
    else checkClosedValue(v, fact, p, out);
  };
  switch (op.valueType) {
    case 'same': return scalar(fact.type, `${typeName(fact.type)} to compare with ${fact.name} (${op.name})`)(value, path);
    case 'element': return scalar('string', 'string')(value, path);
    case 'list': return checkList(value, scalar(fact.type, typeName(fact.type)), path, `${typeName(fact.type)}s`, out);
    case 'elements': return checkList(value, scalar('string', 'string'), path, 'strings', out);
    case 'days':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) out.push({ path, message: `expected a number of days ≥ 0, got ${show(value)}` });
      return;
    case 'range':
      if (!Array.isArray(value) || value.length !== 2 || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        out.push({ path, message: `expected [min, max] as two numbers, got ${show(value)}` });
      } else if (value[0] > value[1]) out.push({ path, message: `min ${value[0]} is greater than max ${value[1]}` });
      return;
    case 'regex':
      if (typeof value !== 'string') out.push({ path, message: `expected a regular expression as a string, got ${show(value)}` });
      else if (compilePattern(value) === null) {
        let reason = '';
        try { new RegExp(value, 'i'); } catch (e) { reason = `: ${(e as Error).message}`; }
        out.push({ path, message: `invalid regular expression ${JSON.stringify(value)}${reason}` });
      }
      return;
    case 'territories':
      return checkList(value, (v, p) => {
        if (typeof v !== 'string' || !isTerritoryOrCountry(v)) out.push({ path: p, message: `unknown territory ${show(v)}: use an ISO-2 country code in upper case or a territory name (DACH, NORDICS, BENELUX, …)` });
      }, path, 'countries or territories', out);
  }
}

function checkLeaf(c: Obj, kind: RuleSetKind, path: string, out: Problem[]): void {
  for (const k of ['fact', 'operator', 'value']) {
    if (!has(c, k)) out.push({ path: `${path}.${k}`, message: `a condition needs "${k}"` });
  }
  if (has(c, 'path')) out.push({ path: `${path}.path`, message: '"path" is not supported: catalog facts are flat values' });
  const factName = c.fact;
  if (has(c, 'fact') && (typeof factName !== 'string' || !factName)) { out.push({ path: `${path}.fact`, message: 'fact must be a non-empty string' }); return; }
  const fact = typeof factName === 'string' ? findFact(kind, factName) : undefined;
  if (typeof factName === 'string' && !fact) {
    out.push({ path: `${path}.fact`, message: `unknown fact "${factName}"${didYouMean(factName, factCatalog[kind].map((f) => f.name))}` });
  }
  const opName = c.operator;
  if (!has(c, 'operator')) return;
  if (typeof opName !== 'string') { out.push({ path: `${path}.operator`, message: 'operator must be a string' }); return; }
  const op = findOperator(opName);
  if (!op) {
    const names = fact ? operatorsFor(fact.type).map((o) => o.name) : allOperators.map((o) => o.name);
    out.push({ path: `${path}.operator`, message: `unknown operator "${opName}"${didYouMean(opName, names)}` });
    return;
  }
  if (!fact) return;
  if (!op.factTypes.includes(fact.type)) {
    const fits = operatorsFor(fact.type).map((o) => o.name).join(', ');
    out.push({ path: `${path}.operator`, message: `operator "${opName}" does not apply to ${typeName(fact.type)} fact "${fact.name}"; use one of: ${fits}` });
    return;
  }
  if (has(c, 'value')) checkValue(op, fact, c.value, kind, `${path}.value`, out);
}

/** Walks one condition (raw input), appending every problem found. `root` conditions must be groups. */
export function checkCondition(c: unknown, kind: RuleSetKind, path: string, out: Problem[], root = false): void {
  if (!isObj(c)) { out.push({ path, message: `expected a condition object, got ${show(c)}` }); return; }
  const groups = ['all', 'any', 'not'].filter((k) => has(c, k));
  if (groups.length > 1) { out.push({ path, message: `a condition has one of all/any/not, not ${groups.join(' and ')}` }); return; }
  const g = groups[0];
  if (!g) {
    if (root) { out.push({ path, message: 'conditions must start with an "all", "any" or "not" group' }); return; }
    checkLeaf(c, kind, path, out);
    return;
  }
  const body = c[g];
  if (g === 'not') {
    if (Array.isArray(body)) out.push({ path: `${path}.not`, message: '"not" takes a single condition, not a list (wrap the list in "all" or "any")' });
    else checkCondition(body, kind, `${path}.not`, out);
    return;
  }
  if (!Array.isArray(body)) { out.push({ path: `${path}.${g}`, message: `"${g}" must be a list of conditions` }); return; }
  if (body.length === 0) { out.push({ path: `${path}.${g}`, message: `empty "${g}" group: add at least one condition or remove the group` }); return; }
  body.forEach((child, i) => checkCondition(child, kind, `${path}.${g}[${i}]`, out));
}

import { describe, expect, it } from 'vitest';
import { packJson, ruleSetDocumentSchema, validateRuleSet, type Problem } from '../../rules';

const rule = (conditions: unknown, extra: Record<string, unknown> = {}) => ({ name: 'r', conditions, event: { type: 'score', params: { points: 5 } }, ...extra });
const scoring = (...rules: unknown[]) => ({ name: 'test', kind: 'scoring', rules });
const problems = (input: unknown): Problem[] => {
  const r = validateRuleSet(input);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};

describe('validateRuleSet', () => {
  it('accepts a valid document and applies defaults', () => {
    const r = validateRuleSet(scoring(rule({ all: [{ fact: 'country', operator: 'equal', value: 'DE' }] })));
    expect(r.ok).toBe(true);
    if (r.ok && r.doc.kind === 'scoring') {
      expect(r.doc.rules[0].priority).toBe(1);
      expect(r.doc.settings).toEqual({ grades: { A: 60, B: 30 } });
    }
  });

  it('suggests the closest fact for an unknown one', () => {
    expect(problems(scoring(rule({ all: [{ fact: 'contry', operator: 'equal', value: 'DE' }] })))).toEqual([
      { path: 'rules[0].conditions.all[0].fact', message: 'unknown fact "contry"; did you mean "country"?' },
    ]);
  });

  it('rejects an operator that does not fit the fact type and lists the ones that do', () => {
    const [p] = problems(scoring(rule({ any: [{ fact: 'country', operator: 'greaterThan', value: 3 }] })));
    expect(p.path).toBe('rules[0].conditions.any[0].operator');
    expect(p.message).toMatch(/does not apply to string fact "country"; use one of: equal, notEqual, in/);
  });

  it('rejects values of the wrong type, non-array lists and bad ranges, each at its path', () => {
    const ps = problems(scoring(rule({ all: [
      { fact: 'companySize', operator: 'greaterThan', value: '10' },
      { fact: 'country', operator: 'in', value: 'DE' },
      { fact: 'companySize', operator: 'between', value: [50, 10] },
      { fact: 'companySize', operator: 'in', value: [1, 'two'] },
      { fact: 'source', operator: 'equal', value: 'webb' },
      { fact: 'companySize', operator: 'equal', value: { fact: 'country' } },
    ] })));
    expect(ps.map((p) => p.path)).toEqual([
      'rules[0].conditions.all[0].value',
      'rules[0].conditions.all[1].value',
      'rules[0].conditions.all[2].value',
      'rules[0].conditions.all[3].value[1]',
      'rules[0].conditions.all[4].value',
      'rules[0].conditions.all[5].value.fact',
    ]);
    expect(ps[1].message).toBe('expected a list of strings, got "DE"');
    expect(ps[2].message).toBe('min 50 is greater than max 10');
    expect(ps[4].message).toMatch(/"webb" is not a known source; did you mean "web"\?/);
    expect(ps[5].message).toMatch(/fact "country" is a string, but this comparison needs a number/);
  });

  it('reports empty groups, invalid regex, unknown territory and unknown operators with paths', () => {
    const ps = problems(scoring(rule({ all: [
      { any: [] },
      { fact: 'jobTitle', operator: 'matchesPattern', value: '(cto' },
      { fact: 'country', operator: 'inTerritory', value: ['DACHX'] },
      { not: { fact: 'country', operator: 'equals', value: 'DE' } },
    ] })));
    expect(ps).toEqual([
      { path: 'rules[0].conditions.all[0].any', message: 'empty "any" group: add at least one condition or remove the group' },
      { path: 'rules[0].conditions.all[1].value', message: expect.stringMatching(/^invalid regular expression "\(cto"/) },
      { path: 'rules[0].conditions.all[2].value[0]', message: expect.stringMatching(/unknown territory "DACHX"/) },
      { path: 'rules[0].conditions.all[3].not.operator', message: 'unknown operator "equals"; did you mean "equal"?' },
    ]);
  });

  it('reports duplicate rule names, a leaf at the root, unsupported path and zod shape errors together', () => {
    const ps = problems(scoring(
      rule({ all: [{ fact: 'country', operator: 'equal', value: 'DE', path: '$.x' }] }),
      rule({ fact: 'country', operator: 'equal', value: 'DE' }, { priority: 0 }),
    ));
    expect(ps).toEqual(expect.arrayContaining([
      { path: 'rules[1].priority', message: expect.any(String) },
      { path: 'rules[0].conditions.all[0].path', message: '"path" is not supported: catalog facts are flat values' },
      { path: 'rules[1].name', message: 'duplicate rule name "r" (also rules[0])' },
      { path: 'rules[1].conditions', message: 'conditions must start with an "all", "any" or "not" group' },
    ]));
    expect(ps).toHaveLength(4);
  });

  it('checks per-kind event params and fact catalogs', () => {
    expect(problems({ name: 'x', kind: 'routing', rules: [{ name: 'a', conditions: { all: [{ fact: 'country', operator: 'equal', value: 'DE' }] }, event: { type: 'route', params: { strategy: { type: 'weighted', weights: [{ userId: 'u', weight: 0 }] } } } }] })
      .map((p) => p.path)).toEqual(['rules[0].event.params.strategy.weights[0].weight']);
    expect(problems({ name: 'x', kind: 'configurator', rules: [{ name: 'a', conditions: { all: [{ fact: 'country', operator: 'equal', value: 'DE' }] }, event: { type: 'violation', params: { violation: 'no' } } }] }))
      .toEqual([{ path: 'rules[0].conditions.all[0].fact', message: 'unknown fact "country"' }]);
    expect(problems({ name: 'x', kind: 'sorting', rules: [] })[0]).toEqual({ path: 'kind', message: 'unknown kind "sorting"; expected one of scoring, routing, reminder, configurator' });
  });

  it('rejects a price adjustment without amount or percent, and A below B', () => {
    const ps = problems({ name: 'x', kind: 'scoring', rules: [], settings: { grades: { A: 10, B: 20 } } });
    expect(ps).toEqual([{ path: 'settings.grades.A', message: 'grade A threshold must be ≥ grade B threshold' }]);
    const pc = problems({ name: 'x', kind: 'configurator', rules: [{ name: 'a', conditions: { all: [{ fact: 'quantity', operator: 'greaterThan', value: 1 }] }, event: { type: 'priceAdjustment', params: { priceAdjustment: { label: 'x' } } } }] });
    expect(pc).toEqual([{ path: 'rules[0].event.params.priceAdjustment', message: 'a price adjustment needs an amount or a percent' }]);
  });
});

describe('default packs', () => {
  it.each(Object.entries(packJson))('%s pack validates against schema and catalog', (_kind, json) => {
    const r = validateRuleSet(json);
    expect(r.ok ? [] : r.problems).toEqual([]);
  });
  it('the scoring pack has about 25 rules (fit, activity and tracked behaviour)', () => {
    const doc = ruleSetDocumentSchema.parse(packJson.scoring);
    expect(doc.rules.length).toBe(25);
  });
});

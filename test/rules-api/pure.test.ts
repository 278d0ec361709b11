import { describe, expect, it } from 'vitest';
import { diffRuleSets, factCatalog, factCatalogView, factsUsed, leadFactsSchema, configurationFactsSchema, packs, type RuleSetDocument } from '../../rules';

describe('rule-set helpers (pure)', () => {
  it('the fact schemas accept exactly the catalog facts', () => {
    expect(Object.keys(leadFactsSchema.shape).sort()).toEqual(factCatalog.scoring.map((f) => f.name).sort());
    expect(Object.keys(configurationFactsSchema.shape).sort()).toEqual(factCatalog.configurator.map((f) => f.name).sort());
    expect(leadFactsSchema.safeParse({ country: 'de' }).success).toBe(false);
  });

  it('the catalog view offers only operators that fit each fact type', () => {
    const facts = factCatalogView('scoring').entities.flatMap((e) => e.facts);
    expect(facts).toHaveLength(factCatalog.scoring.length);
    expect(facts.find((f) => f.name === 'createdAt')!.operators.map((o) => o.name)).toEqual(['daysAgoMoreThan', 'daysAgoLessThan']);
    expect(facts.find((f) => f.name === 'source')!.values).toEqual(['web', 'partner', 'import', 'manual']);
  });

  it('factsUsed collects leaf facts and fact references', () => {
    expect([...factsUsed(packs.routing)].sort()).toEqual(['country', 'importance', 'source', 'stage']);
    const doc = { ...packs.scoring, rules: [{ name: 'x', priority: 1, conditions: { not: { fact: 'score', operator: 'equal', value: { fact: 'companySize' } } }, event: { type: 'score', params: { points: 1 } } }] } as RuleSetDocument;
    expect([...factsUsed(doc)].sort()).toEqual(['companySize', 'score']);
  });

  it('diff reports added, removed, changed fields, document changes and reordering', () => {
    const from = packs.scoring;
    const to = structuredClone(from);
    to.rules[0]!.event.params.points = 99;
    to.rules.reverse();
    to.settings.grades.A = 70;
    const d = diffRuleSets(from, to);
    expect(d).toMatchObject({ added: [], removed: [], reordered: true, document: [{ field: 'settings.grades.A', before: 60, after: 70 }] });
    expect(d.changed).toEqual([{ rule: 'core-market-dach', fields: [{ field: 'event.params.points', before: 15, after: 99 }] }]);
    expect(diffRuleSets(from, from)).toEqual({ added: [], removed: [], changed: [], document: [], reordered: false });
  });
});

import { describe, expect, it } from 'vitest';
import { conditionSchema, isFactReference, routingStrategySchema, ruleSetDocumentSchema } from '../../rules';

describe('schema', () => {
  it('parses nested all/any/not with fact-reference values', () => {
    const c = { all: [{ any: [{ fact: 'score', operator: 'greaterThan', value: { fact: 'companySize' } }] }, { not: { fact: 'hasPhone', operator: 'equal', value: true } }] };
    expect(conditionSchema.parse(c)).toEqual(c);
    expect(isFactReference({ fact: 'x' })).toBe(true);
    expect(isFactReference(['x'])).toBe(false);
  });
  it('rejects empty groups and object values that are not fact references', () => {
    expect(conditionSchema.safeParse({ all: [] }).success).toBe(false);
    expect(conditionSchema.safeParse({ fact: 'a', operator: 'equal', value: { x: 1 } }).success).toBe(false);
  });
  it('discriminates routing strategies by type', () => {
    expect(routingStrategySchema.parse({ type: 'capacity', team: 'team-west' })).toEqual({ type: 'capacity', team: 'team-west' });
    expect(routingStrategySchema.safeParse({ type: 'round_robin' }).success).toBe(false);
    expect(routingStrategySchema.safeParse({ type: 'lottery' }).success).toBe(false);
  });
  it('discriminates documents by kind and fills per-kind defaults', () => {
    const doc = ruleSetDocumentSchema.parse({ name: 'n', kind: 'scoring', rules: [{ name: 'r', conditions: { any: [{ fact: 'country', operator: 'equal', value: 'DE' }] }, event: { params: { points: 3 } } }] });
    expect(doc).toMatchObject({ settings: { grades: { A: 60, B: 30 } }, rules: [{ priority: 1, event: { type: 'score' } }] });
    expect(ruleSetDocumentSchema.safeParse({ name: 'n', kind: 'reminder', rules: [{ name: 'r', conditions: { any: [{ fact: 'stage', operator: 'equal', value: 'new' }] }, event: { params: { delayHours: 0, recipient: 'owner', template: 't' } } }] }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { appendChild, conditionAt, defaultValue, factsByEntity, fieldsOf, pathString, problemsAt, replaceAt, switchGroup } from '../../editor/model';
import { factCatalog } from '../../rules/facts';
import type { Condition } from '../../rules/schema';
import { z } from 'zod';
import { nodeConfigSchemas } from '../../engine/pipeline/schema';

const tree: Condition = { all: [{ fact: 'country', operator: 'equal', value: 'DE' }, { any: [{ fact: 'score', operator: 'greaterThan', value: 10 }] }] };

describe('rule condition tree', () => {
  it('reads, replaces and removes by path without mutating the original', () => {
    expect(conditionAt(tree, ['all', 1, 'any', 0])).toEqual({ fact: 'score', operator: 'greaterThan', value: 10 });
    const changed = replaceAt(tree, ['all', 1, 'any', 0], { fact: 'score', operator: 'lessThan', value: 3 });
    expect(conditionAt(changed, ['all', 1, 'any', 0])).toMatchObject({ operator: 'lessThan' });
    expect(conditionAt(tree, ['all', 1, 'any', 0])).toMatchObject({ operator: 'greaterThan' });
    const removed = replaceAt(tree, ['all', 0], undefined);
    expect((removed as { all: Condition[] }).all).toHaveLength(1);
  });

  it('appends children, switches all/any and walks through not', () => {
    const added = appendChild(tree, ['all', 1], { fact: 'hasPhone', operator: 'equal', value: true });
    expect((conditionAt(added, ['all', 1]) as { any: Condition[] }).any).toHaveLength(2);
    expect(switchGroup(tree, [], 'any')).toHaveProperty('any');
    const negated: Condition = { not: { all: [{ fact: 'country', operator: 'equal', value: 'DE' }] } };
    expect(conditionAt(replaceAt(negated, ['not', 'all', 0], { fact: 'region', operator: 'equal', value: 'x' }), ['not', 'all', 0])).toMatchObject({ fact: 'region' });
  });

  it('maps server problem paths onto the condition they belong to', () => {
    const problems = [
      { path: 'rules[0].conditions.all[1].value', message: 'expects a number' },
      { path: 'rules[0].conditions.all[10].fact', message: 'other' },
      { path: 'rules[0].conditions.all[1]', message: 'whole' },
    ];
    const at = pathString(['rules', 0, 'conditions', 'all', 1]);
    expect(at).toBe('rules[0].conditions.all[1]');
    expect(problemsAt(problems, at, ['fact', 'operator', 'value']).map((p) => p.message)).toEqual(['expects a number', 'whole']);
  });

  it('picks value defaults by fact and operator type, and groups facts by entity', () => {
    expect(defaultValue({ type: 'number' }, 'same')).toBe(0);
    expect(defaultValue({ type: 'string', values: ['web'] }, 'list')).toEqual(['web']);
    expect(defaultValue({ type: 'number' }, 'range')).toEqual([0, 100]);
    expect(factsByEntity(factCatalog.scoring).map(([e]) => e)).toEqual(['lead', 'account', 'activity', 'offer']);
  });
});

describe('forms from the config schemas', () => {
  it('derives fields (rule-set selects, enums, lists of objects) from the JSON schema of a node config', () => {
    const score = fieldsOf(z.toJSONSchema(nodeConfigSchemas.score, { io: 'input' }) as never, 'score');
    expect(score).toEqual([expect.objectContaining({ name: 'ruleSetId', kind: 'rule-set', ruleSetKind: 'scoring', required: true })]);
    const wait = fieldsOf(z.toJSONSchema(nodeConfigSchemas.wait, { io: 'input' }) as never, 'wait');
    expect(wait.map((f) => [f.name, f.kind])).toEqual([['until', 'enum'], ['timeoutHours', 'number'], ['maxTimeouts', 'integer']]);
    const trigger = fieldsOf(z.toJSONSchema(nodeConfigSchemas.trigger, { io: 'input' }) as never, 'trigger');
    expect(trigger[0]).toMatchObject({ kind: 'enum-list', options: ['web', 'partner', 'import', 'manual'], required: false });
    const decision = fieldsOf(z.toJSONSchema(nodeConfigSchemas.decision, { io: 'input' }) as never, 'decision');
    expect(decision.find((f) => f.name === 'branches')).toMatchObject({ kind: 'object-list' });
  });
});

import { ActionIcon, Badge, NativeSelect, NumberInput, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { isLeaf, type Condition, type LeafCondition } from '../../../rules/schema';
import { defaultValue } from '../../model';
import { ValueInput } from './ConditionTree';
import type { EditableRule, EditableRuleSet, FactCatalog } from './types';
import { allFacts, conditionWords, opWords } from './words';

/** The comparisons of a rule when it is a plain "all of" list with each fact once (what a table row can show). */
export function tableCells(rule: EditableRule): Map<string, LeafCondition> | undefined {
  const c = rule.conditions as Condition;
  if (isLeaf(c) || !('all' in c)) return undefined;
  const cells = new Map<string, LeafCondition>();
  for (const x of c.all) {
    if (!isLeaf(x) || cells.has(x.fact)) return undefined;
    cells.set(x.fact, x);
  }
  return cells;
}

/** Fact columns: every fact a tabular rule compares, in the order they first appear. */
export function tableColumns(rules: EditableRule[]): string[] {
  const cols: string[] = [];
  for (const r of rules) for (const f of tableCells(r)?.keys() ?? []) if (!cols.includes(f)) cols.push(f);
  return cols;
}

interface Props {
  doc: EditableRuleSet;
  catalog: FactCatalog;
  readOnly: boolean;
  filter: (rule: EditableRule) => boolean;
  problemRules: Set<number>;
  onChange(next: EditableRuleSet): void;
  onOpenCard(index: number): void;
}

/**
 * Scoring rules as a decision table: a row per rule, a column per fact, points at the end. A cell holds the
 * rule's comparison on that fact (operator in words and value, both editable); an empty cell means "any".
 */
export function DecisionTable({ doc, catalog, readOnly, filter, problemRules, onChange, onOpenCard }: Props) {
  const columns = tableColumns(doc.rules);
  const facts = allFacts(catalog);
  const setRule = (i: number, rule: EditableRule) => onChange({ ...doc, rules: doc.rules.map((r, j) => (j === i ? rule : r)) });
  const setCell = (i: number, fact: string, leaf: LeafCondition | undefined) => {
    const rule = doc.rules[i]!;
    const cells = tableCells(rule)!;
    const list = [...cells.values()];
    const at = list.findIndex((l) => l.fact === fact);
    const next = leaf ? (at >= 0 ? list.map((l, j) => (j === at ? leaf : l)) : [...list, leaf]) : list.filter((l) => l.fact !== fact);
    setRule(i, { ...rule, conditions: { all: next } });
  };
  const freshLeaf = (fact: string): LeafCondition => {
    const f = facts.find((x) => x.name === fact);
    const op = f?.operators[0];
    return { fact, operator: op?.name ?? 'equal', value: defaultValue(f as never, op?.valueType as never) as LeafCondition['value'] };
  };
  const unused = facts.filter((f) => !columns.includes(f.name));
  return (
    <div className="decision-table-wrap" style={{ overflowX: 'auto' }}>
      <Table withTableBorder withColumnBorders verticalSpacing={4} horizontalSpacing={6} fz="xs" data-testid="decision-table" style={{ minWidth: 600 }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={200}>Rule</Table.Th>
            {columns.map((c) => <Table.Th key={c} miw={190}>{facts.find((f) => f.name === c)?.label ?? c}</Table.Th>)}
            <Table.Th w={90}>Points</Table.Th>
            {!readOnly && unused.length > 0 && (
              <Table.Th w={180}>
                <NativeSelect size="xs" aria-label="add a fact column" value="" onChange={(e) => {
                  const fact = e.currentTarget.value;
                  const first = doc.rules.findIndex((r) => tableCells(r));
                  if (fact && first >= 0) setCell(first, fact, freshLeaf(fact));
                }}>
                  <option value="">+ fact column…</option>
                  {unused.map((f) => <option key={f.name} value={f.name}>{f.label}</option>)}
                </NativeSelect>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {doc.rules.map((rule, i) => {
            if (!filter(rule)) return null;
            const cells = tableCells(rule);
            const points = (rule.event.params as { points?: unknown }).points;
            return (
              <Table.Tr key={i} data-testid={`table-row-${i}`} bg={problemRules.has(i) ? 'var(--mantine-color-red-light)' : undefined}>
                <Table.Td>
                  <TextInput size="xs" variant="unstyled" aria-label={`name of rule ${i + 1}`} value={rule.name} disabled={readOnly}
                    onChange={(e) => setRule(i, { ...rule, name: e.currentTarget.value })} styles={{ input: { fontWeight: 600 } }} />
                </Table.Td>
                {cells ? columns.map((fact) => {
                  const leaf = cells.get(fact);
                  const f = facts.find((x) => x.name === fact);
                  if (!leaf) {
                    return (
                      <Table.Td key={fact} data-testid={`cell-${i}-${fact}`}>
                        <Text span size="xs" c="dimmed">any</Text>
                        {!readOnly && <ActionIcon ml={4} size="xs" variant="subtle" aria-label={`add a condition on ${f?.label ?? fact} to ${rule.name}`} onClick={() => setCell(i, fact, freshLeaf(fact))}><IconPlus size={12} /></ActionIcon>}
                      </Table.Td>
                    );
                  }
                  const op = f?.operators.find((o) => o.name === leaf.operator);
                  return (
                    <Table.Td key={fact} data-testid={`cell-${i}-${fact}`}>
                      <div style={{ display: 'flex', gap: 4, alignItems: 'center', flexWrap: 'wrap' }}>
                        <NativeSelect size="xs" w={130} aria-label={`operator of ${f?.label ?? fact} in ${rule.name}`} value={leaf.operator} disabled={readOnly}
                          onChange={(e) => {
                            const o = f?.operators.find((x) => x.name === e.currentTarget.value);
                            const same = o && op && o.valueType === op.valueType;
                            setCell(i, fact, { ...leaf, operator: e.currentTarget.value, value: same ? leaf.value : (defaultValue(f as never, o?.valueType as never) as LeafCondition['value']) });
                          }}>
                          {!op && <option value={leaf.operator}>{leaf.operator}</option>}
                          {(f?.operators ?? []).map((o) => <option key={o.name} value={o.name}>{opWords(o.name, o.label)}</option>)}
                        </NativeSelect>
                        <div className="table-value">
                          <ValueInput fact={f} op={op} value={leaf.value} readOnly={readOnly} onChange={(v) => setCell(i, fact, { ...leaf, value: v as LeafCondition['value'] })} />
                        </div>
                        {!readOnly && cells.size > 1 && <ActionIcon size="xs" variant="subtle" color="gray" aria-label={`remove the ${f?.label ?? fact} condition of ${rule.name}`} onClick={() => setCell(i, fact, undefined)}><IconX size={12} /></ActionIcon>}
                      </div>
                    </Table.Td>
                  );
                }) : (
                  <Table.Td colSpan={Math.max(columns.length, 1)}>
                    <Tooltip label="Nested groups or a fact used twice: edit this rule as a card" withArrow>
                      <Badge size="xs" variant="light" color="yellow" mr={6} style={{ cursor: 'pointer' }} onClick={() => onOpenCard(i)}>card only</Badge>
                    </Tooltip>
                    <Text span size="xs">{conditionWords(rule.conditions as Condition, catalog)}</Text>
                  </Table.Td>
                )}
                {cells && columns.length === 0 && <Table.Td><Text size="xs" c="dimmed">always</Text></Table.Td>}
                <Table.Td>
                  <NumberInput size="xs" w={80} aria-label={`points of ${rule.name}`} value={typeof points === 'number' ? points : ''} disabled={readOnly}
                    onChange={(v) => setRule(i, { ...rule, event: { ...rule.event, params: { ...rule.event.params, points: v === '' ? undefined : Number(v) } } })} />
                </Table.Td>
                {!readOnly && unused.length > 0 && <Table.Td />}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </div>
  );
}

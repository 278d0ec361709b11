import { Badge, Card, Group, Stack, Text } from '@mantine/core';
import { isLeaf, type Condition, type LeafCondition } from '../../../rules/schema';
import type { EditableRule, EditableRuleSet, FactCatalog } from './types';
import { leafWords, valueWords } from './words';

export interface FieldChange { field: string; before: unknown; after: unknown }
export interface RuleSetDiffView { from: number | 'draft'; to: number | 'draft'; added: string[]; removed: string[]; changed: { rule: string; fields: FieldChange[] }[]; document: FieldChange[]; reordered: boolean }

interface LeafAt { path: string; leaf: LeafCondition; depth: number; group: string }

/** Every comparison of a tree with its path as the diff names it (`conditions.all[0]`) and its nesting. */
function leaves(c: Condition, path: string, depth = 0, group = 'all'): LeafAt[] {
  if (isLeaf(c)) return [{ path, leaf: c, depth, group }];
  if ('not' in c) return leaves(c.not as Condition, `${path}.not`, depth + 1, 'not');
  const key = 'all' in c ? 'all' : 'any';
  return ((c as Record<string, Condition[]>)[key] ?? []).flatMap((x, i) => leaves(x, `${path}.${key}[${i}]`, depth + 1, key));
}

const touches = (fields: FieldChange[], path: string) =>
  fields.some((f) => f.field === path || f.field.startsWith(`${path}.`) || f.field.startsWith(`${path}[`) || path.startsWith(`${f.field}.`) || path.startsWith(`${f.field}[`));

const outcomeWords = (r: EditableRule) => {
  const p = r.event.params ?? {};
  if (typeof p.points === 'number') return `${p.points} points`;
  return `${r.event.type} ${JSON.stringify(p)}`;
};

function RuleConditions({ rule, catalog, fields, before, tone }: { rule: EditableRule; catalog?: FactCatalog; fields?: FieldChange[]; before?: EditableRule; tone?: string }) {
  const old = before ? new Map(leaves(before.conditions as Condition, 'conditions').map((l) => [l.path, l.leaf])) : undefined;
  const now = leaves(rule.conditions as Condition, 'conditions');
  const gone = old ? [...old.entries()].filter(([p]) => !now.some((l) => l.path === p)) : [];
  return (
    <Stack gap={2}>
      {now.map((l) => {
        const changed = fields ? touches(fields, l.path) : false;
        const was = old?.get(l.path);
        return (
          <Text key={l.path} size="sm" pl={l.depth * 12} className={changed ? 'diff-changed' : undefined} data-changed={changed || undefined}
            style={changed ? { background: 'var(--mantine-color-yellow-light)', borderRadius: 4, padding: '0 4px' } : tone ? { color: tone } : undefined}>
            <Text span size="xs" c="dimmed">{l.group === 'any' ? 'or ' : l.group === 'not' ? 'not ' : ''}</Text>
            {changed && was && <Text span td="line-through" c="dimmed" mr={6}>{leafWords(was, catalog)}</Text>}
            {leafWords(l.leaf, catalog)}
          </Text>
        );
      })}
      {gone.map(([p, leaf]) => <Text key={p} size="sm" td="line-through" c="red">{leafWords(leaf, catalog)}</Text>)}
    </Stack>
  );
}

/** Rules added, removed and changed between two versions, drawn rule by rule; changed conditions are highlighted. */
export function RuleDiff({ diff, from, to, catalog }: { diff: RuleSetDiffView; from?: EditableRuleSet; to?: EditableRuleSet; catalog?: FactCatalog }) {
  const name = (v: number | 'draft') => (v === 'draft' ? 'the draft' : `v${v}`);
  const byName = (d: EditableRuleSet | undefined, n: string) => d?.rules.find((r) => r.name === n);
  const nothing = !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.document.length && !diff.reordered;
  return (
    <Stack gap="sm" data-testid="rule-diff">
      <Text size="sm" c="dimmed">From {name(diff.from)} to {name(diff.to)}: {diff.added.length} added, {diff.removed.length} removed, {diff.changed.length} changed{diff.reordered ? ', order changed' : ''}.</Text>
      {nothing && <Text size="sm">No differences.</Text>}
      {diff.document.map((f) => (
        <Text key={f.field} size="sm" data-testid="diff-document">Setting <b>{f.field}</b>: {valueWords(f.before)} → {valueWords(f.after)}</Text>
      ))}
      {diff.added.map((n) => {
        const r = byName(to, n);
        return (
          <Card key={`a-${n}`} withBorder padding="xs" radius="sm" style={{ borderLeft: '4px solid var(--mantine-color-green-6)' }} data-testid="diff-added">
            <Group gap={6} mb={4}><Badge color="green" size="sm">added</Badge><Text fw={600} size="sm">{n}</Text>{r && <Text size="xs" c="dimmed">→ {outcomeWords(r)}</Text>}</Group>
            {r && <RuleConditions rule={r} catalog={catalog} tone="var(--mantine-color-green-8)" />}
          </Card>
        );
      })}
      {diff.removed.map((n) => {
        const r = byName(from, n);
        return (
          <Card key={`r-${n}`} withBorder padding="xs" radius="sm" style={{ borderLeft: '4px solid var(--mantine-color-red-6)' }} data-testid="diff-removed">
            <Group gap={6} mb={4}><Badge color="red" size="sm">removed</Badge><Text fw={600} size="sm" td="line-through">{n}</Text>{r && <Text size="xs" c="dimmed">{outcomeWords(r)}</Text>}</Group>
            {r && <RuleConditions rule={r} catalog={catalog} tone="var(--mantine-color-red-8)" />}
          </Card>
        );
      })}
      {diff.changed.map((c) => {
        const before = byName(from, c.rule);
        const after = byName(to, c.rule);
        const other = c.fields.filter((f) => !f.field.startsWith('conditions'));
        return (
          <Card key={`c-${c.rule}`} withBorder padding="xs" radius="sm" style={{ borderLeft: '4px solid var(--mantine-color-yellow-6)' }} data-testid="diff-changed">
            <Group gap={6} mb={4}><Badge color="yellow" size="sm">changed</Badge><Text fw={600} size="sm">{c.rule}</Text></Group>
            {after && <RuleConditions rule={after} before={before} catalog={catalog} fields={c.fields} />}
            {other.map((f) => (
              <Text key={f.field} size="sm" mt={2}>
                <Text span c="dimmed" size="xs">{f.field.replace(/^event\.params\./, '')}: </Text>
                <Text span td="line-through" c="dimmed">{valueWords(f.before)}</Text> → <b>{valueWords(f.after)}</b>
              </Text>
            ))}
          </Card>
        );
      })}
    </Stack>
  );
}

import { ActionIcon, Button, Checkbox, Group, NativeSelect, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { RuleSetKind } from '../../../rules/schema';
import { pathString } from '../../model';
import { TeamSelect, TemplateSelect, UserSelect, UsersMultiSelect } from './pickers';
import type { EditableRule } from './types';

type Event = EditableRule['event'];
interface Props { kind: RuleSetKind; event: Event; onChange(e: Event): void; readOnly?: boolean; docPath: (string | number)[]; problems: { path: string; message: string }[] }

const num = (v: number | string) => (v === '' ? undefined : Number(v));
const strategies = [
  { value: 'named', label: 'A named rep' }, { value: 'round_robin', label: 'Round robin in a team' }, { value: 'weighted', label: 'Weighted random' },
  { value: 'territory', label: 'By territory' }, { value: 'capacity', label: 'Capacity-aware' }, { value: 'account_affinity', label: 'Owner of the account' },
];

/** The decision a matching rule makes, per rule-set kind. */
export function OutcomeEditor({ kind, event, onChange, readOnly, docPath, problems }: Props) {
  const p = event.params ?? {};
  const set = (params: Record<string, unknown>) => onChange({ ...event, params: { ...p, ...params } });
  const here = pathString([...docPath, 'event']);
  const msgs = problems.filter((x) => x.path.startsWith(here));
  const wrap = (children: ReactNode) => (
    <div className={`outcome${msgs.length ? ' field-error' : ''}`}>
      {children}
      {msgs.map((m) => <Text key={m.path + m.message} size="xs" c="red" className="field-msg">{m.path.slice(here.length + 1) || 'outcome'}: {m.message}</Text>)}
    </div>
  );
  if (kind === 'scoring') {
    return wrap(
      <Group gap={6}>
        <Text size="sm">Add</Text>
        <NumberInput size="xs" w={90} aria-label="points" value={typeof p.points === 'number' ? p.points : ''} disabled={readOnly} onChange={(v) => set({ points: num(v) })} />
        <Text size="sm">points</Text>
      </Group>,
    );
  }
  if (kind === 'reminder') {
    return wrap(
      <Group gap="sm" wrap="wrap" align="flex-end">
        <NumberInput size="xs" w={120} label="Remind after (h)" aria-label="delay hours" value={typeof p.delayHours === 'number' ? p.delayHours : ''} disabled={readOnly} onChange={(v) => set({ delayHours: num(v) })} />
        <NativeSelect size="xs" w={120} label="To" value={String(p.recipient ?? 'owner')} disabled={readOnly} onChange={(e) => set({ recipient: e.currentTarget.value })} data={['owner', 'manager']} />
        <TemplateSelect w={180} label="Template" ariaLabel="reminder template" value={typeof p.template === 'string' ? p.template : undefined} readOnly={readOnly} onChange={(v) => set({ template: v })} />
        <TextInput size="xs" w={160} label="Task kind" value={String(p.kind ?? '')} disabled={readOnly} onChange={(e) => set({ kind: e.currentTarget.value || undefined })} />
      </Group>,
    );
  }
  if (kind === 'configurator') {
    const isPrice = event.type === 'priceAdjustment';
    const adj = (p.priceAdjustment ?? {}) as Record<string, unknown>;
    return wrap(
      <Group gap="sm" wrap="wrap" align="flex-end">
        <NativeSelect size="xs" w={160} value={event.type} disabled={readOnly} aria-label="outcome type" data={[{ value: 'violation', label: 'Violation' }, { value: 'priceAdjustment', label: 'Price adjustment' }]}
          onChange={(e) => onChange(e.currentTarget.value === 'priceAdjustment' ? { type: 'priceAdjustment', params: { priceAdjustment: { label: 'Discount', percent: -5 } } } : { type: 'violation', params: { violation: '' } })} />
        {isPrice ? (
          <>
            <TextInput size="xs" w={160} placeholder="label" aria-label="adjustment label" value={String(adj.label ?? '')} disabled={readOnly} onChange={(e) => set({ priceAdjustment: { ...adj, label: e.currentTarget.value } })} />
            <NumberInput size="xs" w={110} label="Amount" value={typeof adj.amount === 'number' ? adj.amount : ''} disabled={readOnly} onChange={(v) => set({ priceAdjustment: { ...adj, amount: num(v) } })} />
            <NumberInput size="xs" w={110} label="Percent" value={typeof adj.percent === 'number' ? adj.percent : ''} disabled={readOnly} onChange={(v) => set({ priceAdjustment: { ...adj, percent: num(v) } })} />
          </>
        ) : (
          <TextInput size="xs" className="grow" placeholder="message shown to the rep" aria-label="violation message" value={String(p.violation ?? '')} disabled={readOnly} onChange={(e) => set({ violation: e.currentTarget.value })} />
        )}
      </Group>,
    );
  }
  // routing
  const s = (p.strategy ?? { type: 'territory' }) as Record<string, unknown>;
  return wrap(<StrategyFields s={s} readOnly={readOnly} onChange={(next) => set({ strategy: next })} />);
}

const fresh = (t: string): Record<string, unknown> =>
  t === 'named' ? { type: t, userId: '' } : t === 'round_robin' ? { type: t, team: '' } : t === 'weighted' ? { type: t, weights: [{ userId: '', weight: 1 }] } : t === 'capacity' ? { type: t, team: '' } : { type: t };

/** One routing strategy; account affinity nests the strategy used when the account has no active owner. */
function StrategyFields({ s, readOnly, onChange, nested }: { s: Record<string, unknown>; readOnly?: boolean; onChange(next: Record<string, unknown>): void; nested?: boolean }) {
  const weights = Array.isArray(s.weights) ? (s.weights as { userId: string; weight: number }[]) : [];
  const then = s.then as Record<string, unknown> | undefined;
  const options = nested ? strategies.filter((x) => x.value !== 'account_affinity') : strategies;
  return (
    <Group gap="sm" wrap="wrap" align="flex-start">
      <NativeSelect size="xs" w={200} aria-label={nested ? 'fallback strategy' : 'strategy'} value={String(s.type)} disabled={readOnly} data={options}
        onChange={(e) => onChange(fresh(e.currentTarget.value))} />
      {s.type === 'named' && <UserSelect ariaLabel="assignee" value={typeof s.userId === 'string' ? s.userId : undefined} readOnly={readOnly} onChange={(v) => onChange({ ...s, userId: v ?? '' })} />}
      {(s.type === 'round_robin' || s.type === 'capacity') && <TeamSelect ariaLabel="team" value={typeof s.team === 'string' ? s.team : undefined} readOnly={readOnly} onChange={(v) => onChange({ ...s, team: v })} />}
      {s.type === 'capacity' && (
        <UsersMultiSelect ariaLabel="reps" value={Array.isArray(s.userIds) ? (s.userIds as string[]) : []} readOnly={readOnly}
          onChange={(ids) => onChange({ ...s, userIds: ids.length ? ids : undefined })} />
      )}
      {s.type === 'weighted' && (
        <Stack gap={4}>
          {weights.map((w, i) => (
            <Group key={i} gap={6}>
              <UserSelect ariaLabel={`assignee ${i + 1}`} value={w.userId || undefined} readOnly={readOnly} onChange={(v) => onChange({ ...s, weights: weights.map((x, j) => (j === i ? { ...x, userId: v ?? '' } : x)) })} />
              <NumberInput size="xs" w={90} aria-label="weight" value={w.weight} disabled={readOnly} onChange={(v) => onChange({ ...s, weights: weights.map((x, j) => (j === i ? { ...x, weight: Number(v) || 0 } : x)) })} />
              {!readOnly && <ActionIcon variant="subtle" color="gray" size="sm" aria-label="remove assignee" onClick={() => onChange({ ...s, weights: weights.filter((_, j) => j !== i) })}><IconX size={14} /></ActionIcon>}
            </Group>
          ))}
          {!readOnly && <Button size="compact-xs" variant="light" style={{ alignSelf: 'flex-start' }} onClick={() => onChange({ ...s, weights: [...weights, { userId: '', weight: 1 }] })}>+ assignee</Button>}
        </Stack>
      )}
      {s.type === 'account_affinity' && (
        <Stack gap={4}>
          <Checkbox size="xs" label="When the account has no active owner, use" checked={!!then} disabled={readOnly}
            onChange={(e) => onChange(e.currentTarget.checked ? { ...s, then: { type: 'territory' } } : { type: s.type })} />
          {then ? <StrategyFields s={then} readOnly={readOnly} nested onChange={(next) => onChange({ ...s, then: next })} /> : <Text size="xs" c="dimmed">otherwise the lead stays unassigned</Text>}
        </Stack>
      )}
    </Group>
  );
}

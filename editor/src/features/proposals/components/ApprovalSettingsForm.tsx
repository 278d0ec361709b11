import { ActionIcon, Alert, Button, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { ApiError } from '../../../lib/api';
import { useApprovalSettings, useSaveApprovalSettings, type ApprovalSettings, type Threshold } from '../api/proposals';

/** Discount thresholds (default, per role, per team) and the approver's SLA. */
export function ApprovalSettingsForm() {
  const stored = useApprovalSettings();
  const save = useSaveApprovalSettings();
  const [draft, setDraft] = useState<ApprovalSettings | null>(null);
  useEffect(() => { if (stored.data && !draft) setDraft(stored.data); }, [stored.data, draft]);
  if (stored.error) return <Alert color="red">{stored.error.message}</Alert>;
  if (!draft) return null;
  const errors = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const setRow = (i: number, patch: Partial<Threshold>) => { save.reset(); setDraft({ ...draft, thresholds: draft.thresholds.map((t, j) => (j === i ? { ...t, ...patch } : t)) }); };
  return (
    <Stack gap="md" data-testid="approval-settings" maw={760}>
      <Text size="sm" c="dimmed">An offer whose discount is above its threshold waits for the approval of the rep's manager before it can be sent.
        The most specific threshold applies: the rep's team, then their role, then the default.</Text>
      <Paper withBorder radius="md">
        <Table>
          <Table.Thead><Table.Tr><Table.Th>Applies to</Table.Th><Table.Th>Role or team id</Table.Th><Table.Th>Highest discount without approval</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {draft.thresholds.map((t, i) => (
              <Table.Tr key={i}>
                <Table.Td><Select size="xs" w={120} value={t.scope} onChange={(v) => v && setRow(i, { scope: v as Threshold['scope'], scopeId: v === 'default' ? '' : t.scopeId })} data={[{ value: 'default', label: 'Everyone' }, { value: 'role', label: 'Role' }, { value: 'team', label: 'Team' }]} /></Table.Td>
                <Table.Td>{t.scope === 'default' ? <Text size="xs" c="dimmed">—</Text> : <TextInput size="xs" value={t.scopeId} onChange={(e) => setRow(i, { scopeId: e.currentTarget.value })} placeholder={t.scope === 'role' ? 'rep' : 'team-dach'} error={errors[`thresholds.${i}.scopeId`]} />}</Table.Td>
                <Table.Td><NumberInput size="xs" w={120} min={0} max={100} suffix=" %" value={t.maxDiscountPct} onChange={(v) => setRow(i, { maxDiscountPct: Number(v) || 0 })} data-testid={`threshold-${i}`} /></Table.Td>
                <Table.Td><ActionIcon variant="subtle" color="red" aria-label="Remove" disabled={t.scope === 'default'} onClick={() => setDraft({ ...draft, thresholds: draft.thresholds.filter((_, j) => j !== i) })}><IconTrash size={16} /></ActionIcon></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Group><Button size="xs" variant="default" leftSection={<IconPlus size={14} />} onClick={() => setDraft({ ...draft, thresholds: [...draft.thresholds, { scope: 'team', scopeId: '', maxDiscountPct: 20 }] })}>Add threshold</Button></Group>
      <Group>
        <NumberInput label="Remind the approver after (hours)" min={0.01} step={1} value={draft.reminderHours} onChange={(v) => setDraft({ ...draft, reminderHours: Number(v) || 0 })} error={errors.reminderHours} w={240} />
        <NumberInput label="Escalate to the next level after (hours)" min={0.01} step={1} value={draft.escalationHours} onChange={(v) => setDraft({ ...draft, escalationHours: Number(v) || 0 })} error={errors.escalationHours} w={260} />
      </Group>
      {save.error && <Alert color="red">{save.error.message}</Alert>}
      {save.isSuccess && <Alert color="green">Saved.</Alert>}
      <Group><Button onClick={() => save.mutate(draft)} loading={save.isPending} data-testid="approval-save">Save approval settings</Button></Group>
    </Stack>
  );
}

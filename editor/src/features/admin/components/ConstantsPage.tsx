import { ActionIcon, Alert, Badge, Button, Group, Select, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPencil, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { z } from 'zod';
import { constantBodySchema, constantCategories, constantCategoryLabels, constantCodeSchema, constantCategorySchema, type ConstantCategory } from '../../../../../api/auth/admin-schemas';
import { useConstants, useDeleteConstant, usePutConstant, type Constant } from '../api/admin';
import { submitChecked } from './common';

const newConstantSchema = constantBodySchema.extend({ code: constantCodeSchema });
const codeOf = (label: string) => label.trim().toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);

function Row({ c }: { c: Constant }) {
  const put = usePutConstant();
  const remove = useDeleteConstant();
  const [editing, setEditing] = useState(false);
  const [label, setLabel] = useState(c.label);
  const [error, setError] = useState<string>();
  const category = c.category as ConstantCategory;
  const save = (body: { label: string; sort: number; active: boolean }, done: string) => {
    const parsed = constantBodySchema.safeParse(body);
    if (!parsed.success) return setError(parsed.error.issues.map((i) => i.message).join('; '));
    setError(undefined);
    put.mutate({ category, code: c.code, body: parsed.data }, {
      onSuccess: () => { notifications.show({ color: 'green', message: done }); setEditing(false); },
      onError: (err) => setError(err.fieldErrors.label ?? err.message),
    });
  };
  const del = () => remove.mutate({ category, code: c.code }, {
    onSuccess: () => notifications.show({ message: `"${c.label}" deleted` }),
    onError: (err) => notifications.show({ color: 'red', title: `"${c.label}" was not deleted`, message: err.message, autoClose: 10_000 }),
  });
  return (
    <Table.Tr data-testid={`constant-${c.code}`}>
      <Table.Td>
        {editing ? (
          <Group gap={4} wrap="nowrap">
            <TextInput size="xs" value={label} onChange={(e) => setLabel(e.currentTarget.value)} error={error} aria-label={`New label for ${c.label}`} data-autofocus
              onKeyDown={(e) => { if (e.key === 'Enter') save({ label, sort: c.sort, active: c.active }, `Renamed to "${label.trim()}"`); if (e.key === 'Escape') setEditing(false); }} />
            <ActionIcon size="sm" variant="light" color="green" aria-label="Save label" loading={put.isPending} onClick={() => save({ label, sort: c.sort, active: c.active }, `Renamed to "${label.trim()}"`)}><IconCheck size={14} /></ActionIcon>
            <ActionIcon size="sm" variant="subtle" color="gray" aria-label="Cancel renaming" onClick={() => { setEditing(false); setLabel(c.label); setError(undefined); }}><IconX size={14} /></ActionIcon>
          </Group>
        ) : <Text size="sm" fw={600} c={c.active ? undefined : 'dimmed'}>{c.label}</Text>}
        {!editing && error && <Text size="xs" c="red">{error}</Text>}
      </Table.Td>
      <Table.Td><Text size="xs" ff="monospace" c="dimmed">{c.code}</Text></Table.Td>
      <Table.Td>
        <Switch size="sm" checked={c.active} disabled={put.isPending} aria-label={`${c.label} active`} label={c.active ? 'in use for new records' : <Badge size="xs" color="gray">deactivated</Badge>}
          onChange={(e) => save({ label: c.label, sort: c.sort, active: e.currentTarget.checked }, `"${c.label}" ${e.currentTarget.checked ? 'activated' : 'deactivated'}`)} />
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap" justify="flex-end">
          <Tooltip label="Rename"><ActionIcon variant="subtle" aria-label={`Rename ${c.label}`} onClick={() => { setLabel(c.label); setEditing(true); }}><IconPencil size={15} /></ActionIcon></Tooltip>
          <Tooltip label="Delete (only when no record uses it)"><ActionIcon variant="subtle" color="red" aria-label={`Delete ${c.label}`} loading={remove.isPending} onClick={del}><IconTrash size={15} /></ActionIcon></Tooltip>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function AddConstant({ category, nextSort }: { category: ConstantCategory; nextSort: number }) {
  const put = usePutConstant();
  const [refusal, setRefusal] = useState<string>();
  const form = useForm<{ label: string; code: string }>({ initialValues: { label: '', code: '' } });
  const submit = async (v: { label: string; code: string }) => {
    setRefusal(undefined);
    const body: z.input<typeof newConstantSchema> = { label: v.label, code: v.code.trim() || codeOf(v.label), sort: nextSort, active: true };
    const r = await submitChecked(form, newConstantSchema, body, ({ code, ...rest }) => put.mutateAsync({ category, code, body: { label: rest.label, sort: rest.sort ?? nextSort, active: true } }));
    if (!r.ok) return setRefusal(r.refusal);
    notifications.show({ color: 'green', message: `"${r.result.label}" added to ${constantCategoryLabels[category].toLowerCase()}` });
    form.reset();
  };
  return (
    <form onSubmit={form.onSubmit((v) => void submit(v))}>
      <Group align="flex-start">
        <TextInput label="New label" placeholder="e.g. Price too high" w={260} {...form.getInputProps('label')} />
        <TextInput label="Code (optional)" placeholder={codeOf(form.values.label) || 'price_too_high'} w={220} {...form.getInputProps('code')} />
        <Button type="submit" mt={25} leftSection={<IconPlus size={16} />} loading={put.isPending}>Add</Button>
      </Group>
      <Text size="xs" c="dimmed" mt={4}>The code is stored on records and never changes; left empty, it is made from the label.</Text>
      {refusal && <Alert color="red" mt="xs">{refusal}</Alert>}
    </form>
  );
}

/** Visit types and statuses, loss / rejection / disqualification reasons and product interests: add, rename, deactivate, delete when unused. */
export function ConstantsPage() {
  const constants = useConstants();
  const [params, setParams] = useSearchParams();
  const parsed = constantCategorySchema.safeParse(params.get('category'));
  const category: ConstantCategory = parsed.success ? parsed.data : 'loss_reason';
  const items = (constants.data ?? []).filter((c) => c.category === category);
  return (
    <Stack data-testid="admin-constants-page">
      <Select label="List" w={320} allowDeselect={false} value={category} data={constantCategories.map((c) => ({ value: c, label: constantCategoryLabels[c] }))}
        onChange={(v) => v && setParams({ category: v }, { replace: true })} />
      <Text size="sm" c="dimmed">Deactivate an entry to hide it from new records; an entry no record uses can be deleted.</Text>
      {constants.error && <Alert color="red">{constants.error.message}</Alert>}
      <AddConstant key={category} category={category} nextSort={items.reduce((m, c) => Math.max(m, c.sort + 1), 0)} />
      {items.length === 0 && constants.data && <Text size="sm" c="dimmed">Nothing in this list yet.</Text>}
      {items.length > 0 && (
        <Table striped>
          <Table.Thead><Table.Tr><Table.Th>Label</Table.Th><Table.Th>Code</Table.Th><Table.Th>Active</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>{items.map((c) => <Row key={c.code} c={c} />)}</Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

import { ActionIcon, Alert, Badge, Button, Group, Modal, Select, Stack, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { teamCreateSchema, teamPatchSchema } from '../../../../../api/auth/admin-schemas';
import { useCreateTeam, useTeams, useUpdateTeam, useUsers, type Team } from '../api/admin';
import { submitChecked } from './common';

interface TeamValues extends Record<string, unknown> { id: string; name: string; managerId: string | null; territory: string[] }

function TeamModal({ team, onClose }: { team: Team | null; onClose(): void }) {
  const users = useUsers();
  const create = useCreateTeam();
  const update = useUpdateTeam();
  const [refusal, setRefusal] = useState<string>();
  const form = useForm<TeamValues>({ initialValues: { id: team?.id ?? '', name: team?.name ?? '', managerId: team?.managerId ?? null, territory: team?.territory ?? [] } });
  const managers = (users.data ?? []).filter((u) => u.active && (u.role === 'manager' || u.role === 'admin')).map((u) => ({ value: u.id, label: u.name }));
  const submit = async (v: TeamValues) => {
    setRefusal(undefined);
    const fields = { name: v.name, managerId: v.managerId || null, territory: v.territory };
    const r = team
      ? await submitChecked(form, teamPatchSchema, fields, (b) => update.mutateAsync({ id: team.id, body: b }))
      : await submitChecked(form, teamCreateSchema, { id: v.id.trim(), ...fields }, (b) => create.mutateAsync(b));
    if (!r.ok) return setRefusal(r.refusal);
    notifications.show({ color: 'green', message: `Team ${r.result.name} saved` });
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={team ? `Edit team ${team.name}` : 'New team'}>
      <form onSubmit={form.onSubmit((v) => void submit(v))}>
        <Stack>
          {!team && <TextInput label="Id" description="Short and stable, e.g. north-sales" required {...form.getInputProps('id')} />}
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <Select label="Manager" data={managers} clearable searchable placeholder="No manager" {...form.getInputProps('managerId')} />
          <TagsInput label="Territory" description="Country or region codes the team covers; empty means everywhere" {...form.getInputProps('territory')} />
          {refusal && <Alert color="red">{refusal}</Alert>}
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={create.isPending || update.isPending}>Save</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Teams and their territories and managers (routing uses them). */
export function TeamsPage() {
  const teams = useTeams();
  const users = useUsers();
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const members = (id: string) => (users.data ?? []).filter((u) => u.teamId === id && u.active).length;
  return (
    <Stack data-testid="admin-teams-page">
      <Group justify="flex-end"><Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>New team</Button></Group>
      {teams.error && <Alert color="red">{teams.error.message}</Alert>}
      {teams.data?.length === 0 && <Text size="sm" c="dimmed">No teams yet.</Text>}
      {!!teams.data?.length && (
        <Table striped>
          <Table.Thead><Table.Tr><Table.Th>Team</Table.Th><Table.Th>Manager</Table.Th><Table.Th>Members</Table.Th><Table.Th>Territory</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>{teams.data.map((t) => (
            <Table.Tr key={t.id} data-testid={`team-${t.id}`}>
              <Table.Td><Text size="sm" fw={600}>{t.name}</Text><Text size="xs" c="dimmed" ff="monospace">{t.id}</Text></Table.Td>
              <Table.Td><Text size="sm">{t.managerId ? (userName.get(t.managerId) ?? t.managerId) : '—'}</Text></Table.Td>
              <Table.Td><Text size="sm">{members(t.id)}</Text></Table.Td>
              <Table.Td><Group gap={4}>{t.territory.length ? t.territory.map((c) => <Badge key={c} size="sm" variant="outline">{c}</Badge>) : <Text size="sm" c="dimmed">everywhere</Text>}</Group></Table.Td>
              <Table.Td><ActionIcon variant="subtle" aria-label={`Edit team ${t.name}`} onClick={() => setEditing(t)}><IconPencil size={16} /></ActionIcon></Table.Td>
            </Table.Tr>
          ))}</Table.Tbody>
        </Table>
      )}
      {editing && <TeamModal key={editing === 'new' ? 'new' : editing.id} team={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

import { Alert, Badge, Button, Group, Menu, Modal, NumberInput, Select, Stack, Table, TagsInput, Text, TextInput, ActionIcon } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconDots, IconKey, IconPencil, IconUserOff, IconUserPlus, IconUserCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { userCreateSchema, userPatchSchema } from '../../../../../api/auth/admin-schemas';
import { roleSchema } from '../../../../../api/auth/types';
import { useSession } from '../../../lib/session';
import { useCreateUser, useResetPassword, useTeams, useUpdateUser, useUsers, type AdminUser } from '../api/admin';
import { SecretOnce, submitChecked } from './common';

const roleOptions = roleSchema.options.map((r) => ({ value: r, label: r === 'ops' ? 'Sales ops' : r.charAt(0).toUpperCase() + r.slice(1) }));
const num = (v: number | string): number | undefined => (typeof v === 'number' ? v : v.trim() === '' ? undefined : Number(v));

interface UserValues extends Record<string, unknown> {
  email: string; name: string; role: string; teamId: string | null; territory: string[]; capacity: number | string; routingWeight: number | string; active: boolean;
}

function useTeamOptions() {
  const teams = useTeams();
  return (teams.data ?? []).map((t) => ({ value: t.id, label: t.name }));
}

function UserFields({ form, withEmail }: { form: ReturnType<typeof useForm<UserValues>>; withEmail: boolean }) {
  const teamOptions = useTeamOptions();
  return (
    <>
      {withEmail && <TextInput label="E-mail" required {...form.getInputProps('email')} />}
      <TextInput label="Name" required {...form.getInputProps('name')} />
      <Group grow>
        <Select label="Role" data={roleOptions} allowDeselect={false} {...form.getInputProps('role')} />
        <Select label="Team" data={teamOptions} clearable placeholder="No team" {...form.getInputProps('teamId')} />
      </Group>
      <Group grow>
        <NumberInput label="Capacity" description="Open leads at most" min={0} allowDecimal={false} {...form.getInputProps('capacity')} />
        <NumberInput label="Routing weight" description="Share in weighted routing" min={0} max={1000} allowDecimal={false} {...form.getInputProps('routingWeight')} />
      </Group>
      <TagsInput label="Territory" description="Country or region codes; Enter after each" placeholder="e.g. DE" {...form.getInputProps('territory')} />
    </>
  );
}

function CreateUserModal({ opened, onClose, onPassword }: { opened: boolean; onClose(): void; onPassword(p: string): void }) {
  const create = useCreateUser();
  const [refusal, setRefusal] = useState<string>();
  const form = useForm<UserValues>({ initialValues: { email: '', name: '', role: 'rep', teamId: null, territory: [], capacity: 50, routingWeight: 1, active: true } });
  const submit = async (v: UserValues) => {
    setRefusal(undefined);
    const body = {
      email: v.email.trim(), name: v.name, role: v.role, ...(v.teamId ? { teamId: v.teamId } : {}), territory: v.territory,
      capacity: num(v.capacity), routingWeight: num(v.routingWeight),
    };
    const r = await submitChecked(form, userCreateSchema, body, (b) => create.mutateAsync(b));
    if (!r.ok) return setRefusal(r.refusal);
    notifications.show({ color: 'green', message: `${r.result.user.name} can now sign in` });
    form.reset();
    onClose();
    if (r.result.password) onPassword(r.result.password);
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New user" size="lg">
      <form onSubmit={form.onSubmit((v) => void submit(v))}>
        <Stack>
          <UserFields form={form} withEmail />
          <Text size="sm" c="dimmed">A password is generated and shown once after you create the user.</Text>
          {refusal && <Alert color="red">{refusal}</Alert>}
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={create.isPending}>Create user</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditUserModal({ user, onClose }: { user: AdminUser; onClose(): void }) {
  const update = useUpdateUser();
  const [refusal, setRefusal] = useState<string>();
  const form = useForm<UserValues>({ initialValues: { email: user.email, name: user.name, role: user.role, teamId: user.teamId, territory: user.territory, capacity: user.capacity, routingWeight: user.routingWeight, active: user.active } });
  const submit = async (v: UserValues) => {
    setRefusal(undefined);
    const body = { name: v.name, role: v.role, teamId: v.teamId || null, territory: v.territory, capacity: num(v.capacity), routingWeight: num(v.routingWeight) };
    const r = await submitChecked(form, userPatchSchema, body, (b) => update.mutateAsync({ id: user.id, body: b }));
    if (!r.ok) return setRefusal(r.refusal);
    notifications.show({ color: 'green', message: `${r.result.name} saved` });
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={`Edit ${user.name}`} size="lg">
      <form onSubmit={form.onSubmit((v) => void submit(v))}>
        <Stack>
          <Text size="sm" c="dimmed">{user.email}</Text>
          <UserFields form={form} withEmail={false} />
          {refusal && <Alert color="red" data-testid="user-refusal">{refusal}</Alert>}
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={update.isPending}>Save</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Users: create (password shown once), edit role, team, capacity, weight, territory; disable or enable; reset a password. */
export function UsersPage() {
  const users = useUsers();
  const teams = useTeams();
  const me = useSession().user;
  const update = useUpdateUser();
  const reset = useResetPassword();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const [q, setQ] = useState('');
  const teamName = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
  const shown = (users.data ?? []).filter((u) => !q.trim() || `${u.name} ${u.email}`.toLowerCase().includes(q.trim().toLowerCase()));

  const setActive = (u: AdminUser, active: boolean) => {
    const go = () => update.mutate({ id: u.id, body: { active } }, {
      onSuccess: () => notifications.show({ color: 'green', message: `${u.name} ${active ? 'enabled' : 'disabled'}` }),
      onError: (err) => notifications.show({ color: 'red', title: `${u.name} was not ${active ? 'enabled' : 'disabled'}`, message: err.message }),
    });
    if (active) return go();
    modals.openConfirmModal({
      title: `Disable ${u.name}?`, children: <Text size="sm">They are signed out at once and cannot sign in; their leads and history stay.</Text>,
      labels: { confirm: 'Disable', cancel: 'Cancel' }, confirmProps: { color: 'red' }, onConfirm: go,
    });
  };
  const resetPassword = (u: AdminUser) => modals.openConfirmModal({
    title: `Reset the password of ${u.name}?`, children: <Text size="sm">A new password is generated and shown once; {u.id === me?.id ? 'your other sessions end' : 'they are signed out everywhere'}.</Text>,
    labels: { confirm: 'Reset password', cancel: 'Cancel' },
    onConfirm: () => reset.mutate(u.id, {
      onSuccess: (r) => setSecret({ title: `New password for ${u.name}`, value: r.password }),
      onError: (err) => notifications.show({ color: 'red', message: err.message }),
    }),
  });

  return (
    <Stack data-testid="admin-users-page">
      <Group justify="space-between">
        <TextInput placeholder="Filter by name or e-mail" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} aria-label="Filter users" />
        <Button leftSection={<IconUserPlus size={16} />} onClick={() => setCreating(true)}>New user</Button>
      </Group>
      {users.error && <Alert color="red">{users.error.message}</Alert>}
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover>
          <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Role</Table.Th><Table.Th>Team</Table.Th><Table.Th>Capacity</Table.Th><Table.Th>Weight</Table.Th><Table.Th>Territory</Table.Th><Table.Th>Status</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>{shown.map((u) => (
            <Table.Tr key={u.id} data-testid={`user-row-${u.email}`}>
              <Table.Td><Text size="sm" fw={600}>{u.name}</Text><Text size="xs" c="dimmed">{u.email}</Text></Table.Td>
              <Table.Td><Badge variant="light">{u.role}</Badge></Table.Td>
              <Table.Td><Text size="sm">{u.teamId ? (teamName.get(u.teamId) ?? u.teamId) : '—'}</Text></Table.Td>
              <Table.Td><Text size="sm">{u.capacity}</Text></Table.Td>
              <Table.Td><Text size="sm">{u.routingWeight}</Text></Table.Td>
              <Table.Td><Text size="sm">{u.territory.length ? u.territory.join(', ') : '—'}</Text></Table.Td>
              <Table.Td>{u.active ? <Badge color="green" variant="dot">active</Badge> : <Badge color="gray" variant="dot">disabled</Badge>}</Table.Td>
              <Table.Td>
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target><ActionIcon variant="subtle" aria-label={`Actions for ${u.name}`}><IconDots size={16} /></ActionIcon></Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item leftSection={<IconPencil size={15} />} onClick={() => setEditing(u)}>Edit</Menu.Item>
                    <Menu.Item leftSection={<IconKey size={15} />} onClick={() => resetPassword(u)}>Reset password</Menu.Item>
                    {u.active
                      ? <Menu.Item color="red" leftSection={<IconUserOff size={15} />} onClick={() => setActive(u, false)}>Disable</Menu.Item>
                      : <Menu.Item leftSection={<IconUserCheck size={15} />} onClick={() => setActive(u, true)}>Enable</Menu.Item>}
                  </Menu.Dropdown>
                </Menu>
              </Table.Td>
            </Table.Tr>
          ))}</Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {users.data && shown.length === 0 && <Text size="sm" c="dimmed">No user matches.</Text>}
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} onPassword={(p) => setSecret({ title: 'Password of the new user', value: p })} />
      {editing && <EditUserModal key={editing.id} user={editing} onClose={() => setEditing(null)} />}
      <SecretOnce title={secret?.title ?? ''} what="password" secret={secret?.value ?? null} onClose={() => setSecret(null)} />
    </Stack>
  );
}

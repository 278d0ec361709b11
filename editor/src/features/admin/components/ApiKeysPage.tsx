import { Alert, Badge, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { apiKeyCreateSchema } from '../../../../../api/auth/admin-schemas';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useApiKeys, useCreateApiKey, useRevokeApiKey, useUsers, type ApiKey } from '../api/admin';
import { SecretOnce, submitChecked } from './common';

/** Partner keys for lead capture: created and shown once, listed by prefix, revoked. */
export function ApiKeysPage() {
  const keys = useApiKeys();
  const users = useUsers();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [secret, setSecret] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string>();
  const form = useForm<{ name: string }>({ initialValues: { name: '' } });
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const submit = async (v: { name: string }) => {
    setRefusal(undefined);
    const r = await submitChecked(form, apiKeyCreateSchema, { name: v.name }, (b) => create.mutateAsync(b));
    if (!r.ok) return setRefusal(r.refusal);
    form.reset();
    setSecret(r.result.key);
  };
  const askRevoke = (k: ApiKey) => modals.openConfirmModal({
    title: `Revoke the key "${k.name}"?`, children: <Text size="sm">Partner calls with this key are refused from now on. This cannot be undone; create a new key instead.</Text>,
    labels: { confirm: 'Revoke', cancel: 'Cancel' }, confirmProps: { color: 'red' },
    onConfirm: () => revoke.mutate(k.id, {
      onSuccess: () => notifications.show({ message: `Key "${k.name}" revoked` }),
      onError: (err) => notifications.show({ color: 'red', message: err.message }),
    }),
  });
  return (
    <Stack data-testid="admin-api-keys-page">
      <form onSubmit={form.onSubmit((v) => void submit(v))}>
        <Group align="flex-end">
          <TextInput label="New key for" placeholder="e.g. Partner GmbH web shop" w={320} {...form.getInputProps('name')} />
          <Button type="submit" leftSection={<IconKey size={16} />} loading={create.isPending}>Create key</Button>
        </Group>
      </form>
      {refusal && <Alert color="red">{refusal}</Alert>}
      {keys.error && <Alert color="red">{keys.error.message}</Alert>}
      {keys.data?.length === 0 && <Text size="sm" c="dimmed">No keys yet.</Text>}
      {!!keys.data?.length && (
        <Table striped>
          <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Key starts with</Table.Th><Table.Th>Created</Table.Th><Table.Th>Last used</Table.Th><Table.Th>Status</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>{keys.data.map((k) => (
            <Table.Tr key={k.id} data-testid={`api-key-${k.name}`}>
              <Table.Td><Text size="sm" fw={600}>{k.name}</Text></Table.Td>
              <Table.Td><Text size="sm" ff="monospace">{k.prefix}…</Text></Table.Td>
              <Table.Td><Text size="sm" title={formatDateTime(k.createdAt)}>{formatRelative(k.createdAt)}</Text><Text size="xs" c="dimmed">{k.createdBy ? (userName.get(k.createdBy) ?? k.createdBy) : ''}</Text></Table.Td>
              <Table.Td><Text size="sm">{k.lastUsedAt ? formatRelative(k.lastUsedAt) : 'never'}</Text></Table.Td>
              <Table.Td>{k.revokedAt ? <Badge color="gray" variant="dot">revoked {formatRelative(k.revokedAt)}</Badge> : <Badge color="green" variant="dot">active</Badge>}</Table.Td>
              <Table.Td>{!k.revokedAt && <Button size="xs" variant="subtle" color="red" onClick={() => askRevoke(k)}>Revoke</Button>}</Table.Td>
            </Table.Tr>
          ))}</Table.Tbody>
        </Table>
      )}
      <SecretOnce title="The new API key" what="key" secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}

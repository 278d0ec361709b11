import { Alert, Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, itemsOf } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { PageHeader } from '../components/PageHeader';

interface Mail { id: string; to?: string; toAddress?: string; subject: string; template: string; status: string; createdAt?: string }

export function OutboxPage() {
  const { data, error, isPending } = useQuery({ queryKey: ['outbox'], queryFn: ({ signal }) => api<unknown>('/api/outbox', { signal }) });
  const mails = itemsOf<Mail>(data);
  return (
    <div className="page">
      <PageHeader title="Outbox" description="E-mail the pipelines sent or queued (kept here when no SMTP server is configured)." />
      {error && <Alert color="red" variant="light">{error.message}</Alert>}
      <Table.ScrollContainer minWidth={700}>
        <Table withTableBorder bg="white">
          <Table.Thead><Table.Tr><Table.Th>To</Table.Th><Table.Th>Subject</Table.Th><Table.Th>Template</Table.Th><Table.Th>Status</Table.Th><Table.Th>Created</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {mails.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>{m.toAddress ?? m.to}</Table.Td><Table.Td fw={600}>{m.subject}</Table.Td><Table.Td><Text ff="monospace" size="xs">{m.template}</Text></Table.Td>
                <Table.Td><Badge variant="light" color={m.status === 'sent' ? 'green' : m.status === 'failed' ? 'red' : 'gray'}>{m.status}</Badge></Table.Td>
                <Table.Td><Text size="xs" c="dimmed">{formatDateTime(m.createdAt)}</Text></Table.Td>
              </Table.Tr>
            ))}
            {!isPending && !error && mails.length === 0 && <Table.Tr><Table.Td colSpan={5}><Text c="dimmed">No mail yet.</Text></Table.Td></Table.Tr>}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}

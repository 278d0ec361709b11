import { Alert, Anchor, Badge, Card, Group, Loader, Pagination, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { formatRelative } from '../../../lib/format';
import { PAGE_SIZE, useAccounts } from '../api/accounts';

/** Companies with at least one lead I may see, searchable, a page at a time. */
export function AccountsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [debounced] = useDebouncedValue(q, 250);
  const accounts = useAccounts(debounced, page);
  const set = (next: Record<string, string>) => setParams((p) => {
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    return p;
  }, { replace: true });
  const total = accounts.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <div className="page" data-testid="accounts">
      <PageHeader title="Accounts" description="Companies your leads work at, with their contacts, leads, visits, offers and orders."
        actions={<TextInput w={300} placeholder="Search by name or domain" aria-label="Search accounts" leftSection={<IconSearch size={14} />} value={q}
          onChange={(e) => set({ q: e.currentTarget.value, page: '' })} />} />
      {accounts.error && <Alert color="red" title="Accounts could not be loaded">{accounts.error.message}</Alert>}
      <Card withBorder padding={0} radius="md">
        <Table.ScrollContainer minWidth={760}>
          <Table>
            <Table.Thead>
              <Table.Tr><Table.Th>Account</Table.Th><Table.Th>Country</Table.Th><Table.Th>Industry</Table.Th><Table.Th ta="right">Open leads</Table.Th><Table.Th>Owner</Table.Th><Table.Th>Last activity</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {accounts.data?.items.map((a) => (
                <Table.Tr key={a.id} data-testid="account-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/accounts/${encodeURIComponent(a.id)}`} fw={600} size="sm">{a.name}</Anchor>
                    {a.domain && <Text size="xs" c="dimmed">{a.domain}</Text>}
                  </Table.Td>
                  <Table.Td><Text size="sm">{a.country ?? '—'}</Text></Table.Td>
                  <Table.Td><Text size="sm">{a.industry ?? '—'}</Text></Table.Td>
                  <Table.Td ta="right">
                    <Badge variant={a.openLeadCount ? 'light' : 'outline'} color={a.openLeadCount ? 'indigo' : 'gray'}>{a.openLeadCount}</Badge>
                    <Text span size="xs" c="dimmed"> of {a.leadCount}</Text>
                  </Table.Td>
                  <Table.Td><Text size="sm">{a.ownerName ?? '—'}</Text></Table.Td>
                  <Table.Td><Text size="sm" c="dimmed">{a.lastActivityAt ? formatRelative(a.lastActivityAt) : '—'}</Text></Table.Td>
                </Table.Tr>
              ))}
              {accounts.data && accounts.data.items.length === 0 && (
                <Table.Tr><Table.Td colSpan={6}><Text c="dimmed" size="sm" ta="center" py="md">{q ? `No account matches "${q}".` : 'No accounts yet: they appear when leads are captured.'}</Text></Table.Td></Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {accounts.isPending && <Group justify="center" p="md"><Loader size="sm" /></Group>}
      </Card>
      <Group justify="space-between" mt="md">
        <Text size="sm" c="dimmed">{total} account{total === 1 ? '' : 's'}</Text>
        {pages > 1 && <Pagination total={pages} value={page} onChange={(p) => set({ page: p === 1 ? '' : String(p) })} size="sm" />}
      </Group>
    </div>
  );
}

import { Alert, Anchor, Badge, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { DocumentsCard } from '../../documents';
import { ApiError } from '../../../lib/api';
import { formatDate, formatDateTime, formatMoney, humanize } from '../../../lib/format';
import { useAccount, type AccountDetail } from '../api/accounts';

const statusColor: Record<string, string> = { open: 'blue', qualified: 'indigo', nurturing: 'grape', won: 'green', lost: 'red', disqualified: 'gray', accepted: 'green', rejected: 'red', sent: 'blue' };
const leadLink = (id: string | null | undefined, label: ReactNode) =>
  id ? <Anchor component={Link} to={`/leads/${encodeURIComponent(id)}`} size="sm">{label}</Anchor> : <Text size="sm" c="dimmed">—</Text>;

function Section({ title, count, children, empty, testId }: { title: string; count: number; children: ReactNode; empty: string; testId: string }) {
  return (
    <Card withBorder padding={0} radius="md" data-testid={testId}>
      <Group px="md" py="xs" gap="xs"><Title order={4} fz="sm">{title}</Title><Badge variant="light" color="gray">{count}</Badge></Group>
      {count === 0 ? <Text px="md" pb="sm" size="sm" c="dimmed">{empty}</Text> : <Table.ScrollContainer minWidth={520}><Table>{children}</Table></Table.ScrollContainer>}
    </Card>
  );
}

/** One company: every contact, lead, visit, offer and order I may see, each linking to its lead. */
export function AccountPage() {
  const { id = '' } = useParams();
  const account = useAccount(id);
  if (account.isPending) return <div className="page"><Loader /></div>;
  if (account.error) {
    const missing = account.error instanceof ApiError && account.error.status === 404;
    return (
      <div className="page">
        <Alert color={missing ? 'gray' : 'red'} title={missing ? 'No such account' : 'The account could not be loaded'}>
          {missing ? 'This account does not exist, or none of its leads is yours to see.' : account.error.message}
        </Alert>
        <Anchor component={Link} to="/accounts" mt="md" display="inline-block">Back to accounts</Anchor>
      </div>
    );
  }
  return <AccountView d={account.data} />;
}

function AccountView({ d }: { d: AccountDetail }) {
  const a = d.account;
  const leadName = new Map(d.leads.map((l) => [l.id, l.name]));
  const open = d.leads.filter((l) => ['open', 'qualified', 'nurturing'].includes(l.status)).length;
  const ordered = d.orders.reduce((n, o) => n + (o.total ?? 0), 0);
  const facts: [string, ReactNode][] = [
    ['Domain', a.domain ?? '—'], ['Country', a.country ?? '—'], ['Industry', a.industry ?? '—'],
    ['Company size', a.companySize ? `${a.companySize} people` : '—'], ['Owner', a.ownerName ?? '—'],
  ];
  return (
    <div className="page" data-testid="account">
      <PageHeader eyebrow={<Anchor component={Link} to="/accounts" size="sm">Accounts</Anchor>} title={a.name}
        description={`${d.leads.length} lead${d.leads.length === 1 ? '' : 's'} (${open} open) · ${d.contacts.length} contact${d.contacts.length === 1 ? '' : 's'} · ${d.orders.length ? `${formatMoney(ordered)} ordered` : 'no orders yet'}`} />
      <Stack gap="md">
        <Card withBorder radius="md" padding="sm">
          <SimpleGrid cols={{ base: 2, sm: 5 }}>
            {facts.map(([k, v]) => <div key={k}><Text size="xs" c="dimmed" tt="uppercase" fw={600}>{k}</Text><Text size="sm">{v}</Text></div>)}
          </SimpleGrid>
        </Card>
        <DocumentsCard testId="account-documents" owners={[{ type: 'account', id: a.id, label: 'Account' }]} />
        <Section title="Contacts" count={d.contacts.length} empty="No contacts you may see." testId="account-contacts">
          <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Job title</Table.Th><Table.Th>E-mail</Table.Th><Table.Th>Phone</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>{d.contacts.map((c) => (
            <Table.Tr key={c.id}><Table.Td>{leadLink(c.leadId, c.name)}</Table.Td><Table.Td><Text size="sm">{c.jobTitle ?? '—'}</Text></Table.Td>
              <Table.Td><Text size="sm">{c.email ?? '—'}</Text></Table.Td><Table.Td><Text size="sm">{c.phone ?? '—'}</Text></Table.Td></Table.Tr>
          ))}</Table.Tbody>
        </Section>
        <Section title="Leads" count={d.leads.length} empty="No leads you may see." testId="account-leads">
          <Table.Thead><Table.Tr><Table.Th>Lead</Table.Th><Table.Th>Stage</Table.Th><Table.Th>Status</Table.Th><Table.Th>Score</Table.Th><Table.Th>Owner</Table.Th><Table.Th>Last contact</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>{d.leads.map((l) => (
            <Table.Tr key={l.id}><Table.Td>{leadLink(l.id, l.name)}</Table.Td><Table.Td><Text size="sm">{humanize(l.stage)}</Text></Table.Td>
              <Table.Td><Badge variant="light" color={statusColor[l.status] ?? 'gray'}>{l.status}</Badge></Table.Td>
              <Table.Td><Text size="sm">{l.score ?? '—'}{l.grade ? ` · ${l.grade}` : ''}</Text></Table.Td>
              <Table.Td><Text size="sm">{l.ownerName ?? 'unassigned'}</Text></Table.Td><Table.Td><Text size="sm" c="dimmed">{formatDate(l.lastContactAt)}</Text></Table.Td></Table.Tr>
          ))}</Table.Tbody>
        </Section>
        <Section title="Visits" count={d.visits.length} empty="No visits logged yet." testId="account-visits">
          <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Lead</Table.Th><Table.Th>Type</Table.Th><Table.Th>Status</Table.Th><Table.Th>Rep</Table.Th><Table.Th>Notes</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>{d.visits.map((v) => (
            <Table.Tr key={v.id}><Table.Td><Text size="sm">{formatDateTime(v.occurredAt)}</Text></Table.Td><Table.Td>{leadLink(v.leadId, v.leadName ?? leadName.get(v.leadId) ?? v.leadId)}</Table.Td>
              <Table.Td><Text size="sm">{humanize(v.type)}</Text></Table.Td><Table.Td><Text size="sm">{humanize(v.status)}</Text></Table.Td>
              <Table.Td><Text size="sm">{v.repName ?? '—'}</Text></Table.Td><Table.Td><Text size="sm" lineClamp={2}>{v.notes ?? ''}</Text></Table.Td></Table.Tr>
          ))}</Table.Tbody>
        </Section>
        <Section title="Offers" count={d.offers.length} empty="No offers yet." testId="account-offers">
          <Table.Thead><Table.Tr><Table.Th>Lead</Table.Th><Table.Th>Version</Table.Th><Table.Th>Status</Table.Th><Table.Th ta="right">Total</Table.Th><Table.Th>Created</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>{d.offers.map((o) => (
            <Table.Tr key={o.id}><Table.Td>{leadLink(o.leadId, o.leadName ?? leadName.get(o.leadId) ?? o.leadId)}</Table.Td><Table.Td><Text size="sm">{o.version ? `v${o.version}` : '—'}</Text></Table.Td>
              <Table.Td><Badge variant="light" color={statusColor[o.status] ?? 'gray'}>{humanize(o.status)}</Badge></Table.Td>
              <Table.Td ta="right"><Text size="sm">{formatMoney(o.total, o.currency ?? 'EUR')}</Text></Table.Td><Table.Td><Text size="sm" c="dimmed">{formatDate(o.createdAt)}</Text></Table.Td></Table.Tr>
          ))}</Table.Tbody>
        </Section>
        <Section title="Orders" count={d.orders.length} empty="No orders yet." testId="account-orders">
          <Table.Thead><Table.Tr><Table.Th>Order</Table.Th><Table.Th>Lead</Table.Th><Table.Th ta="right">Total</Table.Th><Table.Th>Placed</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>{d.orders.map((o) => (
            <Table.Tr key={o.id}><Table.Td><Anchor component={Link} to={`/orders/${encodeURIComponent(o.id)}`} size="sm" ff="monospace">{o.id}</Anchor></Table.Td><Table.Td>{leadLink(o.leadId, o.leadName ?? leadName.get(o.leadId) ?? o.leadId)}</Table.Td>
              <Table.Td ta="right"><Text size="sm" fw={600}>{formatMoney(o.total, o.currency ?? 'EUR')}</Text></Table.Td><Table.Td><Text size="sm" c="dimmed">{formatDate(o.createdAt)}</Text></Table.Td></Table.Tr>
          ))}</Table.Tbody>
        </Section>
      </Stack>
    </div>
  );
}

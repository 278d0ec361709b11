import { Anchor, Badge, Button, Group, Menu, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { IconChevronDown } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatDate, formatDateTime, formatMoney, humanize } from '../../../lib/format';
import type { LeadOffer, LeadOrder, LeadTask, LeadVisit, Permission } from '../api/types';

export function Section({ title, count, children, testId, action }: { title: string; count?: number; children: ReactNode; testId?: string; action?: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId}>
      <Group justify="space-between" mb="sm">
        <Group gap={6}><Title order={3} fz="md">{title}</Title>{count !== undefined && <Badge variant="light" color="gray" size="sm">{count}</Badge>}</Group>
        {action}
      </Group>
      {children}
    </Paper>
  );
}

export function TasksSection({ tasks }: { tasks: LeadTask[] }) {
  const open = tasks.filter((t) => !t.done);
  return (
    <Section title="Open tasks" count={open.length} testId="lead-tasks">
      {open.length === 0 ? <Text size="sm" c="dimmed">No open task.</Text> : (
        <Stack gap={6}>
          {open.map((t) => {
            const overdue = t.dueAt && new Date(t.dueAt) < new Date();
            return (
              <Group key={t.id} justify="space-between" wrap="nowrap" gap="xs">
                <div><Text size="sm" fw={500}>{t.title}</Text><Text size="xs" c="dimmed">{humanize(t.kind)}{t.ownerName ? ` · ${t.ownerName}` : ''}</Text></div>
                <Text size="xs" c={overdue ? 'red' : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>{t.dueAt ? `${overdue ? 'overdue · ' : 'due '}${formatDateTime(t.dueAt)}` : 'no due date'}</Text>
              </Group>
            );
          })}
        </Stack>
      )}
    </Section>
  );
}

const offerColor: Record<string, string> = { draft: 'gray', awaiting_approval: 'orange', sent: 'blue', confirmed: 'cyan', in_follow_up: 'yellow', renegotiated: 'grape', accepted: 'green', rejected: 'red', postponed: 'orange' };
const settable = ['sent', 'confirmed', 'in_follow_up', 'accepted', 'rejected', 'postponed'];

/** Offers with their lines and totals; each offer's status menu offers what the workflow allows. */
export function OffersSection({ offers, statusPermission, canRenegotiate, onStatus, onRenegotiate }: {
  offers: LeadOffer[]; statusPermission(offerId: string, status: string): Permission; canRenegotiate(offer: LeadOffer): Permission;
  onStatus(offer: LeadOffer, status: string): void; onRenegotiate(offer: LeadOffer): void;
}) {
  const newestFirst = [...offers].sort((a, b) => b.version - a.version);
  return (
    <Section title="Offers" count={offers.length} testId="lead-offers">
      {offers.length === 0 ? <Text size="sm" c="dimmed">No offer yet.</Text> : (
        <Stack gap="md">
          {newestFirst.map((o) => (
            <div key={o.id} data-testid={`offer-${o.version}`}>
              <Group justify="space-between" mb={4}>
                <Group gap={6}>
                  <Text fw={600} size="sm">Offer v{o.version}</Text>
                  <Badge variant="light" color={offerColor[o.status] ?? 'gray'} data-testid="offer-status">{humanize(o.status)}</Badge>
                  {o.rejectionReason && <Text size="xs" c="dimmed">({humanize(o.rejectionReason)})</Text>}
                </Group>
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target><Button size="compact-sm" variant="default" rightSection={<IconChevronDown size={14} />}>Set status</Button></Menu.Target>
                  <Menu.Dropdown>
                    {settable.filter((s) => s !== o.status).map((s) => {
                      const p = statusPermission(o.id, s);
                      return (
                        <Menu.Item key={s} disabled={!p.allowed} onClick={() => onStatus(o, s)} title={p.allowed ? undefined : p.reason}>
                          <Text size="sm">{humanize(s)}</Text>
                          {!p.allowed && p.reason && <Text size="xs" c="dimmed" maw={240}>{p.reason}</Text>}
                        </Menu.Item>
                      );
                    })}
                    <Menu.Divider />
                    {(() => {
                      const p = canRenegotiate(o);
                      return (
                        <Menu.Item disabled={!p.allowed} onClick={() => onRenegotiate(o)}>
                          <Text size="sm">Renegotiate (new version)</Text>
                          {!p.allowed && p.reason && <Text size="xs" c="dimmed" maw={240}>{p.reason}</Text>}
                        </Menu.Item>
                      );
                    })()}
                  </Menu.Dropdown>
                </Menu>
              </Group>
              <Table fz="sm" verticalSpacing={2} withRowBorders={false}>
                <Table.Tbody>
                  {o.lines.map((l, i) => (
                    <Table.Tr key={i}>
                      <Table.Td data-testid="offer-line">{l.productName ?? l.product}{l.options.length ? <Text span size="xs" c="dimmed"> · {(l.optionNames ?? l.options).join(', ')}</Text> : null}</Table.Td>
                      <Table.Td ta="right" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{l.quantity} × {formatMoney(l.unitPrice, o.currency)}</Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>{formatMoney(l.quantity * l.unitPrice, o.currency)}</Table.Td>
                    </Table.Tr>
                  ))}
                  <Table.Tr><Table.Td colSpan={2} ta="right" fw={600}>Total</Table.Td><Table.Td ta="right" fw={700}>{formatMoney(o.total, o.currency)}</Table.Td></Table.Tr>
                </Table.Tbody>
              </Table>
            </div>
          ))}
        </Stack>
      )}
    </Section>
  );
}

export function VisitsSection({ visits, label }: { visits: LeadVisit[]; label(category: string, code: unknown): string }) {
  const newest = [...visits].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  return (
    <Section title="Visits" count={visits.length} testId="lead-visits">
      {visits.length === 0 ? <Text size="sm" c="dimmed">No visit logged yet.</Text> : (
        <Stack gap={8}>
          {newest.map((v) => (
            <div key={v.id}>
              <Group gap={6}><Text size="sm" fw={500}>{label('visit_type', v.type)}</Text><Badge size="xs" variant="light">{label('visit_status', v.status)}</Badge></Group>
              <Text size="xs" c="dimmed">{formatDateTime(v.occurredAt)}{v.repName ? ` · ${v.repName}` : ''}</Text>
              {v.outcome && <Text size="sm">{v.outcome}</Text>}
              {v.notes && <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>{v.notes}</Text>}
            </div>
          ))}
        </Stack>
      )}
    </Section>
  );
}

export function OrdersSection({ orders }: { orders: LeadOrder[] }) {
  return (
    <Section title="Orders" count={orders.length} testId="lead-orders">
      {orders.length === 0 ? <Text size="sm" c="dimmed">No order yet.</Text> : (
        <Stack gap={6}>
          {orders.map((o) => (
            <Group key={o.id} justify="space-between" data-testid="order">
              <div><Anchor component={Link} to={`/orders/${encodeURIComponent(o.id)}`} size="sm" fw={500}>Order {o.id}</Anchor><Text size="xs" c="dimmed">{formatDate(o.createdAt)}</Text></div>
              <Text fw={700}>{formatMoney(o.total, o.currency)}</Text>
            </Group>
          ))}
        </Stack>
      )}
    </Section>
  );
}

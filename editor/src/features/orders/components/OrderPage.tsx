import { Alert, Anchor, Badge, Button, Card, Group, Loader, Stack, Table, Text, TextInput, Timeline } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { formatDateTime, formatMoney } from '../../../lib/format';
import { useSession } from '../../../lib/session';
import { useOrder, useSetOrderStatus } from '../api/orders';
import { orderMoves, orderStatusColor, orderStatusLabel } from './status';

/** One order: its lead and account, the lines of the accepted offer, its status (moved by managers and ops) and history. */
export function OrderPage() {
  const { id = '' } = useParams();
  const order = useOrder(id);
  const { user } = useSession();
  const setStatus = useSetOrderStatus(id);
  const [note, setNote] = useState('');
  const mayMove = user?.role === 'manager' || user?.role === 'ops' || user?.role === 'admin';
  if (order.isPending) return <div className="page"><Loader /></div>;
  if (order.error) return <div className="page"><Alert color="red" title="Order not found">{order.error.message}</Alert></div>;
  const o = order.data;
  return (
    <div className="page" data-testid="order-page">
      <PageHeader eyebrow={<Anchor component={Link} to="/orders" size="sm">Orders</Anchor>} title={`Order ${o.id}`}
        description={<>For <Anchor component={Link} to={`/leads/${encodeURIComponent(o.leadId)}`} size="sm">{o.leadName}</Anchor>
          {o.company && <> at {o.accountId ? <Anchor component={Link} to={`/accounts/${encodeURIComponent(o.accountId)}`} size="sm">{o.company}</Anchor> : o.company}</>}
          {o.offerVersion ? ` · from offer v${o.offerVersion}` : ''} · created {formatDateTime(o.createdAt)}</>}
        actions={<Badge size="lg" variant="light" color={orderStatusColor[o.status]} data-testid="order-status">{orderStatusLabel[o.status]}</Badge>} />
      <Stack gap="lg">
        <Card withBorder padding={0} radius="md">
          <Table data-testid="order-lines">
            <Table.Thead><Table.Tr><Table.Th>Product</Table.Th><Table.Th>Options</Table.Th><Table.Th ta="right">Quantity</Table.Th><Table.Th ta="right">Unit price</Table.Th><Table.Th ta="right">Total</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {o.lines.map((l, i) => (
                <Table.Tr key={i} data-testid="order-line">
                  <Table.Td>
                    <Group gap={6}><Text size="sm" fw={500}>{l.productName}</Text>{l.source && l.source !== 'catalog' && <Badge size="xs" variant="light" color="gray">{l.source === 'fee' ? 'rule fee' : `${l.source} price`}</Badge>}</Group>
                    {l.productId && <Text size="xs" c="dimmed">{l.productId}</Text>}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{l.optionNames.join(', ') || '—'}</Text>
                    {l.options.length > 0 && l.optionNames.join() !== l.options.join() && <Text size="xs" c="dimmed">{l.options.join(', ')}</Text>}
                  </Table.Td>
                  <Table.Td ta="right">{l.quantity.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{formatMoney(l.unitPrice, o.currency)}</Table.Td>
                  <Table.Td ta="right"><Text size="sm" fw={600}>{formatMoney(l.total, o.currency)}</Text></Table.Td>
                </Table.Tr>
              ))}
              {o.lines.length === 0 && <Table.Tr><Table.Td colSpan={5}><Text size="sm" c="dimmed">This order was made before orders kept their lines.</Text></Table.Td></Table.Tr>}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end" p="sm"><Text fw={700} data-testid="order-total">Total {formatMoney(o.total, o.currency)}</Text></Group>
        </Card>
        {mayMove && (
          <Card withBorder radius="md">
            <Text fw={600} mb="xs">Status</Text>
            <Group align="end">
              <TextInput label="Note (optional)" w={320} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={500} />
              {orderMoves[o.status]!.map((m) => (
                <Button key={m.to} variant={m.to === 'cancelled' ? 'light' : 'filled'} color={m.to === 'cancelled' ? 'red' : undefined} loading={setStatus.isPending}
                  onClick={() => setStatus.mutate({ status: m.to, ...(note.trim() ? { note: note.trim() } : {}) }, {
                    onSuccess: () => { setNote(''); notifications.show({ color: 'green', title: 'Done', message: `Order ${orderStatusLabel[m.to]!.toLowerCase()}` }); },
                  })}>{m.label}</Button>
              ))}
            </Group>
            {setStatus.error && <Text c="red" size="sm" mt="xs">{setStatus.error.message}</Text>}
          </Card>
        )}
        <Card withBorder radius="md" data-testid="order-history">
          <Text fw={600} mb="xs">History</Text>
          <Timeline bulletSize={14} lineWidth={2}>
            <Timeline.Item title="Confirmed"><Text size="xs" c="dimmed">{formatDateTime(o.createdAt)} · the lead was won</Text></Timeline.Item>
            {o.history.map((h, i) => (
              <Timeline.Item key={i} title={orderStatusLabel[h.to] ?? h.to}>
                <Text size="xs" c="dimmed">{formatDateTime(h.at)} · {h.actorName ?? 'system'}{h.note ? ` · ${h.note}` : ''}</Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Card>
      </Stack>
    </div>
  );
}

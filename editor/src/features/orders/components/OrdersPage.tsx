import { Alert, Anchor, Badge, Card, Group, Loader, Pagination, SegmentedControl, Table, Text } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { formatDate, formatMoney } from '../../../lib/format';
import { ORDERS_PAGE, useOrders } from '../api/orders';
import { orderStatusColor, orderStatusLabel } from './status';

/** Orders of the leads I may see (created when a lead is won with an accepted offer), by status. */
export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const orders = useOrders(status, page);
  const total = orders.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / ORDERS_PAGE));
  const set = (next: Record<string, string>) => setParams((p) => {
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    return p;
  }, { replace: true });
  return (
    <div className="page" data-testid="orders">
      <PageHeader title="Orders" description="Won leads' orders with the lines of the accepted offer; managers and ops move them to fulfilled or cancelled."
        actions={<SegmentedControl value={status} onChange={(v) => set({ status: v, page: '' })} aria-label="Order status"
          data={[{ value: '', label: 'All' }, { value: 'confirmed', label: 'Confirmed' }, { value: 'fulfilled', label: 'Fulfilled' }, { value: 'cancelled', label: 'Cancelled' }]} />} />
      {orders.error && <Alert color="red" title="Orders could not be loaded">{orders.error.message}</Alert>}
      <Card withBorder padding={0} radius="md">
        <Table.ScrollContainer minWidth={760}>
          <Table>
            <Table.Thead>
              <Table.Tr><Table.Th>Order</Table.Th><Table.Th>Lead</Table.Th><Table.Th>Owner</Table.Th><Table.Th>Status</Table.Th><Table.Th ta="right">Lines</Table.Th><Table.Th ta="right">Total</Table.Th><Table.Th>Created</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {orders.data?.items.map((o) => (
                <Table.Tr key={o.id} data-testid="order-row">
                  <Table.Td><Anchor component={Link} to={`/orders/${encodeURIComponent(o.id)}`} fw={600} size="sm">{o.id}</Anchor></Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/leads/${encodeURIComponent(o.leadId)}`} size="sm">{o.leadName}</Anchor>
                    {o.company && <Text size="xs" c="dimmed">{o.company}</Text>}
                  </Table.Td>
                  <Table.Td><Text size="sm">{o.ownerName ?? '—'}</Text></Table.Td>
                  <Table.Td><Badge variant="light" color={orderStatusColor[o.status]}>{orderStatusLabel[o.status]}</Badge></Table.Td>
                  <Table.Td ta="right"><Text size="sm">{o.lineCount}</Text></Table.Td>
                  <Table.Td ta="right"><Text size="sm" fw={600}>{formatMoney(o.total, o.currency)}</Text></Table.Td>
                  <Table.Td><Text size="sm" c="dimmed">{formatDate(o.createdAt)}</Text></Table.Td>
                </Table.Tr>
              ))}
              {orders.data && orders.data.items.length === 0 && (
                <Table.Tr><Table.Td colSpan={7}><Text c="dimmed" size="sm" ta="center" py="md">No orders{status ? ` that are ${status}` : ''} yet: an order is created when a lead is won with an accepted offer.</Text></Table.Td></Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {orders.isPending && <Group justify="center" p="md"><Loader size="sm" /></Group>}
      </Card>
      <Group justify="space-between" mt="md">
        <Text size="sm" c="dimmed">{total} order{total === 1 ? '' : 's'}</Text>
        {pages > 1 && <Pagination total={pages} value={page} onChange={(p) => set({ page: p === 1 ? '' : String(p) })} size="sm" />}
      </Group>
    </div>
  );
}

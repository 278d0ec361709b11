import { Alert, Badge, Button, Code, Group, Loader, Popover, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useDeliveries, useRedeliver, type WebhookDelivery, type WebhookSubscription } from '../api/webhooks';

const statusColor: Record<WebhookDelivery['status'], string> = { pending: 'blue', retrying: 'orange', delivered: 'green', failed: 'red' };

/** One subscription's deliveries, newest first: what went out, what the receiver answered, and a redeliver button. */
export function DeliveryLog({ subscription }: { subscription: WebhookSubscription }) {
  const log = useDeliveries(subscription.id);
  const redeliver = useRedeliver();
  const again = (d: WebhookDelivery) => redeliver.mutate({ id: subscription.id, deliveryId: d.id }, {
    onSuccess: () => notifications.show({ message: `${d.event} queued again as a new delivery` }),
    onError: (err) => notifications.show({ color: 'red', message: err.message }),
  });
  return (
    <Stack gap="xs" data-testid="webhook-log">
      <Group justify="space-between">
        <Title order={4}>Deliveries of “{subscription.name}”</Title>
        {log.isFetching && <Loader size="xs" />}
      </Group>
      {log.error && <Alert color="red">{log.error.message}</Alert>}
      {log.data?.length === 0 && <Text size="sm" c="dimmed">Nothing delivered yet. Send a test ping, or wait for the next lead event it subscribes to.</Text>}
      {!!log.data?.length && (
        <Table striped>
          <Table.Thead>
            <Table.Tr><Table.Th>Event</Table.Th><Table.Th>Status</Table.Th><Table.Th>Answer</Table.Th><Table.Th>Attempts</Table.Th><Table.Th>Duration</Table.Th><Table.Th>Queued</Table.Th><Table.Th /></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {log.data.map((d) => (
              <Table.Tr key={d.id} data-testid={`delivery-${d.event}`}>
                <Table.Td>
                  <Text size="sm" fw={600}>{d.event}</Text>
                  <Text size="xs" c="dimmed" ff="monospace" title="X-Leadflow-Delivery">{d.id}</Text>
                  {d.redeliveryOf && <Text size="xs" c="dimmed">redelivery</Text>}
                </Table.Td>
                <Table.Td><Badge color={statusColor[d.status]} variant="light" data-testid="delivery-status">{d.status}</Badge></Table.Td>
                <Table.Td>
                  <Text size="sm" data-testid="delivery-code">{d.responseCode ?? '—'}</Text>
                  {d.lastError && <Text size="xs" c="red">{d.lastError}</Text>}
                </Table.Td>
                <Table.Td><Text size="sm">{d.attempts}</Text></Table.Td>
                <Table.Td><Text size="sm">{d.durationMs === null ? '—' : `${d.durationMs} ms`}</Text></Table.Td>
                <Table.Td><Text size="sm" title={formatDateTime(d.createdAt)}>{formatRelative(d.createdAt)}</Text></Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Popover width={420} position="left" withArrow>
                      <Popover.Target><Button size="xs" variant="subtle">Body</Button></Popover.Target>
                      <Popover.Dropdown><Code block style={{ maxHeight: 300, overflow: 'auto' }}>{JSON.stringify(d.payload, null, 2)}</Code></Popover.Dropdown>
                    </Popover>
                    <Button size="xs" variant="subtle" onClick={() => again(d)} loading={redeliver.isPending && redeliver.variables?.deliveryId === d.id}>Redeliver</Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

import { Alert, Anchor, Drawer, Group, Loader, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDate, formatMoney, humanize } from '../../../lib/format';
import { useDashboardItems, type DashboardParams } from '../api/dashboard';

/** The leads behind the figure the user clicked, in a drawer beside the dashboard. */
export function DashboardDrill({ params, drill, onClose }: { params: DashboardParams; drill: string | null; onClose(): void }) {
  const items = useDashboardItems(params, drill);
  const data = items.data;
  return (
    <Drawer opened={!!drill} onClose={onClose} position="right" size="xl" closeButtonProps={{ 'aria-label': 'Close the list' }}
      title={<Text fw={600}>{data ? `${data.title} (${data.total})` : 'Loading the list…'}</Text>}>
      <div data-testid="dashboard-drill">
        {items.error && <Alert color="red" m="md" title="The list could not be loaded">{items.error.message}</Alert>}
        {drill && items.isPending && <Group justify="center" p="md"><Loader size="sm" /></Group>}
        {data && (
          <Table.ScrollContainer minWidth={620}>
            <Table>
              <Table.Thead>
                <Table.Tr><Table.Th>Lead</Table.Th><Table.Th>Rep</Table.Th><Table.Th>Stage</Table.Th><Table.Th>Date</Table.Th><Table.Th>Detail</Table.Th><Table.Th ta="right">Value</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((i) => (
                  <Table.Tr key={i.leadId} data-testid="dashboard-drill-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/leads/${encodeURIComponent(i.leadId)}`} size="sm">{i.name}</Anchor>
                      {i.company && <Text size="xs" c="dimmed">{i.company}</Text>}
                    </Table.Td>
                    <Table.Td><Text size="sm">{i.ownerName ?? 'Not assigned'}</Text></Table.Td>
                    <Table.Td><Text size="sm">{humanize(i.stage)}</Text></Table.Td>
                    <Table.Td><Text size="sm">{formatDate(i.at)}</Text></Table.Td>
                    <Table.Td><Text size="sm" c="dimmed">{i.detail ? humanize(i.detail) : '—'}</Text></Table.Td>
                    <Table.Td ta="right"><Text size="sm">{formatMoney(i.value)}</Text></Table.Td>
                  </Table.Tr>
                ))}
                {data.items.length === 0 && <Table.Tr><Table.Td colSpan={6}><Text size="sm" c="dimmed" ta="center" py="md">No leads behind this figure.</Text></Table.Td></Table.Tr>}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {data && data.total > data.items.length && <Text size="xs" c="dimmed" mt="xs">The first {data.items.length} of {data.total} are shown.</Text>}
      </div>
    </Drawer>
  );
}

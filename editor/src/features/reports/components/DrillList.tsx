import { Alert, Anchor, Button, Drawer, Group, Loader, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatDate, formatMoney, humanize } from '../../../lib/format';
import { exportHref, useReportItems, type ReportName, type ReportParams } from '../api/reports';

const linkOf = (i: { kind: string; leadId: string | null; accountId: string | null }) =>
  i.kind === 'account' && i.accountId ? `/accounts/${encodeURIComponent(i.accountId)}` : i.leadId ? `/leads/${encodeURIComponent(i.leadId)}` : null;

/** The leads, accounts, visits or offers behind the number the user clicked, in a drawer beside the report. */
export function DrillList({ report, params, drill, onClose }: { report: ReportName; params: ReportParams; drill: string | null; onClose(): void }) {
  const items = useReportItems(report, params, drill);
  return (
    <Drawer opened={!!drill} onClose={onClose} position="right" size="xl" closeButtonProps={{ 'aria-label': 'Close the list' }}
      title={<Text fw={600}>{items.data ? `${items.data.title} (${items.data.total})` : 'Loading the list…'}</Text>}>
      <div data-testid="report-drill">
      {drill && (
        <Group justify="flex-end" mb="sm">
          <Button component="a" href={exportHref(report, params, drill)} size="xs" variant="default" leftSection={<IconDownload size={14} />}>CSV of this list</Button>
        </Group>
      )}
      {items.error && <Alert color="red" m="md" title="The list could not be loaded">{items.error.message}</Alert>}
      {drill && items.isPending && <Group justify="center" p="md"><Loader size="sm" /></Group>}
      {items.data && (
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Rep</Table.Th><Table.Th>Date</Table.Th><Table.Th>Detail</Table.Th><Table.Th ta="right">Value</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {items.data.items.map((i) => {
                const to = linkOf(i);
                return (
                  <Table.Tr key={`${i.kind}-${i.id}`} data-testid="report-drill-row">
                    <Table.Td>{to ? <Anchor component={Link} to={to} size="sm">{i.label}</Anchor> : i.label}</Table.Td>
                    <Table.Td><Text size="sm">{i.repName ?? '—'}</Text></Table.Td>
                    <Table.Td><Text size="sm">{formatDate(i.at)}</Text></Table.Td>
                    <Table.Td><Text size="sm" c="dimmed">{i.detail ? humanize(i.detail) : '—'}</Text></Table.Td>
                    <Table.Td ta="right"><Text size="sm">{i.value === null ? '—' : formatMoney(i.value)}</Text></Table.Td>
                  </Table.Tr>
                );
              })}
              {items.data.items.length === 0 && <Table.Tr><Table.Td colSpan={5}><Text size="sm" c="dimmed" ta="center" py="md">Nothing behind this number.</Text></Table.Td></Table.Tr>}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      </div>
    </Drawer>
  );
}

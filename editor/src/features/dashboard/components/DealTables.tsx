import { Anchor, Badge, Button, Card, Group, Table, Text, Title, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { humanize } from '../../../lib/format';
import type { Dashboard } from '../api/dashboard';

const lead = (id: string, name: string) => <Anchor component={Link} to={`/leads/${encodeURIComponent(id)}`} size="sm">{name}</Anchor>;
const none = (text: string, cols: number) => <Table.Tr><Table.Td colSpan={cols}><Text size="sm" c="dimmed" ta="center" py="md">{text}</Text></Table.Td></Table.Tr>;

/** Open deals longer in their stage than 75 % of the team's past stays there. */
export function StalledTable({ data, onDrill }: { data: Dashboard['stalled']; onDrill(key: string): void }) {
  return (
    <Card withBorder radius="md" data-testid="dash-stalled">
      <Group justify="space-between" mb="xs">
        <div>
          <Title order={2} fz="md">Stalled deals</Title>
          <Text size="xs" c="dimmed">Open deals in their stage longer than 75 % of the team's past deals were (p75)</Text>
        </div>
        <Button size="compact-sm" variant="light" onClick={() => onDrill(data.drill)} disabled={data.total === 0}>All {data.total}</Button>
      </Group>
      <Table.ScrollContainer minWidth={520}>
        <Table striped>
          <Table.Thead><Table.Tr><Table.Th>Deal</Table.Th><Table.Th>Owner</Table.Th><Table.Th>Stage</Table.Th><Table.Th ta="right">Days in stage</Table.Th><Table.Th ta="right">Usual (p75)</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {data.items.map((d) => (
              <Table.Tr key={d.leadId} data-testid="stalled-row">
                <Table.Td>{lead(d.leadId, d.name)}</Table.Td>
                <Table.Td><Text size="sm">{d.ownerName ?? 'Not assigned'}</Text></Table.Td>
                <Table.Td><Text size="sm">{humanize(d.stage)}</Text></Table.Td>
                <Table.Td ta="right"><Text size="sm" fw={600} c="red.7">{d.daysInStage}</Text></Table.Td>
                <Table.Td ta="right"><Tooltip label={`From ${d.sample} past stays in this stage`}><Text size="sm">{d.p75Days}</Text></Tooltip></Table.Td>
              </Table.Tr>
            ))}
            {data.items.length === 0 && none('No open deal is stuck: every one is within its stage\'s usual time.', 5)}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

/** The expected time to close of each open deal, from the team's closed deals at the same stage and segment. */
export function TimeToCloseTable({ data }: { data: Dashboard['timeToClose'] }) {
  return (
    <Card withBorder radius="md" data-testid="dash-ttc">
      <Title order={2} fz="md">Time to close</Title>
      <Text size="xs" c="dimmed" mb="xs">
        Median days from entering the stage to closing among the team's closed deals of the same stage and company size; a small segment falls back to the whole team.
        {data.total > data.items.length && ` The ${data.items.length} closest of ${data.total} open deals.`}
      </Text>
      <Table.ScrollContainer minWidth={620}>
        <Table striped>
          <Table.Thead>
            <Table.Tr><Table.Th>Deal</Table.Th><Table.Th>Owner</Table.Th><Table.Th>Stage</Table.Th><Table.Th ta="right">In stage</Table.Th><Table.Th ta="right">Expected in</Table.Th><Table.Th>Based on</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((d) => (
              <Table.Tr key={d.leadId} data-testid="ttc-row">
                <Table.Td>{lead(d.leadId, d.name)}</Table.Td>
                <Table.Td><Text size="sm">{d.ownerName ?? 'Not assigned'}</Text></Table.Td>
                <Table.Td><Text size="sm">{humanize(d.stage)}</Text></Table.Td>
                <Table.Td ta="right"><Text size="sm">{d.daysInStage} d</Text></Table.Td>
                <Table.Td ta="right"><Text size="sm" fw={600}>{d.remainingDays === null ? '—' : d.remainingDays === 0 ? 'overdue' : `${d.remainingDays} d`}</Text></Table.Td>
                <Table.Td>
                  {d.basis === 'none' ? <Text size="xs" c="dimmed">no closed deals yet</Text> : (
                    <Group gap={4} wrap="nowrap">
                      <Text size="xs">{d.sample} closed</Text>
                      <Badge size="xs" variant="light" color={d.basis === 'segment' ? 'blue' : 'yellow'}>
                        {d.basis === 'segment' ? `${humanize(d.segment)} companies` : 'whole team (segment too small)'}
                      </Badge>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {data.items.length === 0 && none('No open deals.', 6)}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

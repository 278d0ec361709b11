import { Alert, Anchor, Badge, Button, Card, Group, Loader, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconLayoutKanban, IconListSearch } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { useUser } from '../../../lib/session';
import { formatMoney, formatRelative, humanize } from '../../../lib/format';
import { TaskList, useTasks } from '../../inbox';
import { leadsPerRep, useReps, useTeamBoard, useUnassignedLeads } from '../api/team';

function Stat({ label, value, color, to }: { label: string; value: number | string; color?: string; to?: string }) {
  const body = (
    <Card withBorder radius="md" padding="sm" className="stage-tile">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text>
      <Text fz={26} fw={700} c={color}>{value}</Text>
    </Card>
  );
  return to ? <Link to={to} style={{ textDecoration: 'none', color: 'inherit' }}>{body}</Link> : body;
}

/** A manager's landing: the team's tasks, leads nobody owns, and how many open leads each rep carries. */
export function TeamPage() {
  const [params, setParams] = useSearchParams();
  const owner = params.get('owner') ?? '';
  const reps = useReps();
  const user = useUser();
  const board = useTeamBoard(user.role === 'manager' ? 'team' : 'all');
  const unassigned = useUnassignedLeads();
  const tasks = useTasks({ owner: owner || undefined, done: 'false' });
  const now = useMemo(() => new Date(tasks.dataUpdatedAt || Date.now()), [tasks.dataUpdatedAt]);
  const perRep = leadsPerRep(board.data);
  const stages = (board.data?.columns ?? []).map((c) => ({ stage: c.stage, label: c.label }));
  const repId = new Map((reps.data ?? []).map((r) => [r.name, r.id]));
  // Reps without open leads belong in the table too: they are the ones with room.
  const rows = [...perRep, ...(reps.data ?? []).filter((r) => !perRep.some((p) => p.ownerName === r.name)).map((r) => ({ ownerName: r.name, open: 0, byStage: {} as Record<string, number>, offerValue: 0 }))];
  const capacity = new Map((reps.data ?? []).map((r) => [r.name, r.capacity]));
  const openTotal = (board.data?.columns ?? []).reduce((n, c) => n + c.count, 0);
  const overdue = (tasks.data ?? []).filter((t) => t.overdue || t.bucket === 'overdue').length;
  return (
    <div className="page page-wide" data-testid="team">
      <PageHeader title="Team" description="Your teams' work today: tasks, leads waiting for an owner, and each rep's load."
        actions={<>
          <Button component={Link} to="/leads?scope=team" variant="default" leftSection={<IconListSearch size={16} />}>Team's leads</Button>
          <Button component={Link} to="/board" variant="default" leftSection={<IconLayoutKanban size={16} />}>Board</Button>
        </>} />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Stat label="Open leads" value={board.data ? openTotal : '…'} to="/board" />
          <Stat label="Unassigned" value={unassigned.data ? unassigned.data.total : '…'} color={unassigned.data?.total ? 'orange' : undefined} to="/leads?owner=unassigned" />
          <Stat label="Overdue tasks" value={tasks.data ? overdue : '…'} color={overdue ? 'red' : undefined} />
          <Stat label="Reps" value={reps.data ? reps.data.length : '…'} />
        </SimpleGrid>

        <Card withBorder padding={0} radius="md" data-testid="per-rep">
          <Group px="md" py="xs" justify="space-between"><Title order={4} fz="sm">Open leads per rep</Title>{board.isPending && <Loader size="xs" />}</Group>
          {board.error && <Alert color="red" m="md">{board.error.message}</Alert>}
          {board.data && (
            <Table.ScrollContainer minWidth={640}>
              <Table>
                <Table.Thead><Table.Tr><Table.Th>Rep</Table.Th><Table.Th ta="right">Open</Table.Th>{stages.map((s) => <Table.Th key={s.stage} ta="right">{s.label}</Table.Th>)}<Table.Th ta="right">In offers</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {rows.map((r) => {
                    const id = repId.get(r.ownerName);
                    const cap = capacity.get(r.ownerName);
                    return (
                      <Table.Tr key={r.ownerName}>
                        <Table.Td>{id ? <Anchor component={Link} to={`/leads?owner=${encodeURIComponent(id)}`} size="sm" fw={600}>{r.ownerName}</Anchor> : <Text size="sm" fw={600}>{r.ownerName}</Text>}</Table.Td>
                        <Table.Td ta="right"><Badge variant="light" color={cap && r.open >= cap ? 'red' : 'indigo'}>{r.open}{cap ? ` / ${cap}` : ''}</Badge></Table.Td>
                        {stages.map((s) => <Table.Td key={s.stage} ta="right"><Text size="sm">{r.byStage[s.stage] ?? 0}</Text></Table.Td>)}
                        <Table.Td ta="right"><Text size="sm">{r.offerValue ? formatMoney(r.offerValue) : '—'}</Text></Table.Td>
                      </Table.Tr>
                    );
                  })}
                  {rows.length === 0 && <Table.Tr><Table.Td colSpan={stages.length + 3}><Text size="sm" c="dimmed" ta="center" py="sm">No reps in your teams yet.</Text></Table.Td></Table.Tr>}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>

        <Card withBorder padding={0} radius="md" data-testid="unassigned">
          <Group px="md" py="xs" justify="space-between">
            <Group gap="xs"><Title order={4} fz="sm">Waiting for an owner</Title><Badge color={unassigned.data?.total ? 'orange' : 'gray'} variant="light">{unassigned.data?.total ?? 0}</Badge></Group>
            <Anchor component={Link} to="/leads?owner=unassigned" size="xs">All unassigned leads</Anchor>
          </Group>
          {unassigned.error && <Alert color="red" m="md">{unassigned.error.message}</Alert>}
          {unassigned.data && unassigned.data.items.length === 0 && <Text px="md" pb="sm" size="sm" c="dimmed">Every lead has an owner.</Text>}
          {!!unassigned.data?.items.length && (
            <Table>
              <Table.Thead><Table.Tr><Table.Th>Lead</Table.Th><Table.Th>Company</Table.Th><Table.Th>Stage</Table.Th><Table.Th ta="right">Score</Table.Th><Table.Th>Captured</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{unassigned.data.items.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td><Anchor component={Link} to={`/leads/${encodeURIComponent(l.id)}`} size="sm" fw={600}>{l.name}</Anchor></Table.Td>
                  <Table.Td><Text size="sm">{l.company ?? '—'}</Text></Table.Td><Table.Td><Text size="sm">{humanize(l.stage)}</Text></Table.Td>
                  <Table.Td ta="right"><Text size="sm">{l.score ?? '—'}{l.grade ? ` · ${l.grade}` : ''}</Text></Table.Td>
                  <Table.Td><Text size="sm" c="dimmed">{formatRelative(l.createdAt)}</Text></Table.Td>
                </Table.Tr>
              ))}</Table.Tbody>
            </Table>
          )}
        </Card>

        <div>
          <Group justify="space-between" align="flex-end" mb="xs">
            <Title order={3}>Team inbox</Title>
            <Select placeholder="Every rep" clearable searchable w={220} data={(reps.data ?? []).map((r) => ({ value: r.id, label: r.name }))} value={owner || null}
              onChange={(v) => setParams(v ? { owner: v } : {}, { replace: true })} aria-label="filter tasks by rep" />
          </Group>
          {tasks.isPending && <Loader size="sm" />}
          {tasks.error && <Alert color="red">{tasks.error.message}</Alert>}
          {tasks.data && <TaskList tasks={tasks.data} now={now} showOwner compact />}
        </div>
      </Stack>
    </div>
  );
}

import { Alert, Anchor, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconLayoutKanban, IconListSearch } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { formatMoney } from '../../../lib/format';
import { useUser } from '../../../lib/session';
import { useMyStageCounts } from '../api/stages';
import { useTasks } from '../api/tasks';
import { groupTasks } from '../buckets';
import { TaskList } from './TaskList';

/** A rep's landing page: today's tasks first, then my open leads per stage. */
export function MyWorkPage() {
  const user = useUser();
  const tasks = useTasks({ owner: user.id, done: 'false' });
  const stages = useMyStageCounts();
  const now = useMemo(() => new Date(tasks.dataUpdatedAt || Date.now()), [tasks.dataUpdatedAt]);
  const groups = groupTasks(tasks.data ?? [], now);
  const first = user.name.split(/\s+/)[0];
  return (
    <Stack gap="md" className="page" data-testid="my-work">
      <PageHeader title="My work"
        description={tasks.data ? `Hello ${first}: ${groups.overdue.length} overdue, ${groups.today.length} due today, ${groups.upcoming.length} coming up.` : `Hello ${first}.`}
        actions={<>
          <Button component={Link} to="/leads" variant="default" leftSection={<IconListSearch size={16} />}>Find leads</Button>
          <Button component={Link} to="/board" variant="default" leftSection={<IconLayoutKanban size={16} />}>Board</Button>
        </>} />

      <Card withBorder radius="md" padding="sm" data-testid="stage-strip">
        <Group justify="space-between" mb={6}>
          <Text fw={600} size="sm">My open leads by stage</Text>
          <Anchor component={Link} to="/board" size="xs">Open the board</Anchor>
        </Group>
        {stages.isPending && <Loader size="xs" />}
        {stages.error && <Text size="sm" c="red">{stages.error.message}</Text>}
        {stages.data && stages.data.length === 0 && <Text size="sm" c="dimmed">No open leads.</Text>}
        <SimpleGrid cols={{ base: 2, sm: Math.max(2, Math.min(6, stages.data?.length ?? 1)) }} spacing="xs">
          {stages.data?.map((s) => (
            <Card key={s.stage} component={Link} to={`/leads?stage=${encodeURIComponent(s.stage)}`} withBorder padding="xs" radius="sm" className="stage-tile" data-testid={`stage-tile-${s.stage}`}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{s.label}</Text>
              <Group gap={6} align="baseline">
                <Text fz={22} fw={700} lh={1.2}>{s.count}</Text>
                {!!s.offerValue && <Badge variant="light" size="sm">{formatMoney(s.offerValue)}</Badge>}
              </Group>
            </Card>
          ))}
        </SimpleGrid>
      </Card>

      <div>
        <Group justify="space-between" mb="xs">
          <Title order={3}>My tasks</Title>
          <Anchor component={Link} to="/inbox" size="sm">All tasks and filters</Anchor>
        </Group>
        {tasks.isPending && <Loader size="sm" />}
        {tasks.error && <Alert color="red" title="Tasks could not be loaded">{tasks.error.message}</Alert>}
        {tasks.data && <TaskList tasks={tasks.data} now={now} />}
      </div>
    </Stack>
  );
}

import { ActionIcon, Anchor, Badge, Card, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck } from '@tabler/icons-react';
import { Link } from 'react-router';
import { ApiError } from '../../../lib/api';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useMarkTaskDone, useSnoozeTask, type Task, type TaskBucket } from '../api/tasks';
import { bucketLabel, bucketOrder, groupTasks } from '../buckets';
import { SnoozeButton } from './SnoozeButton';
import './inbox.css';

const bucketColor: Record<TaskBucket, string> = { overdue: 'red', today: 'orange', upcoming: 'indigo', someday: 'gray' };
const kindLabel = (k: string) => k.replace(/_/g, ' ');

const reason = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

/** Open tasks grouped overdue / today / upcoming, each opening its lead; done and snooze in the row. */
export function TaskList({ tasks, showOwner, now, compact }: { tasks: Task[]; showOwner?: boolean; now: Date; compact?: boolean }) {
  const done = useMarkTaskDone();
  const snooze = useSnoozeTask();
  const groups = groupTasks(tasks, now);
  const markDone = (t: Task) =>
    done.mutate({ id: t.id }, {
      onSuccess: () => notifications.show({ color: 'green', message: `Done: ${t.title}` }),
      onError: (err) => notifications.show({ color: 'red', title: 'Not marked done', message: reason(err) }),
    });
  const moveDue = (t: Task, dueAt: string) =>
    snooze.mutate({ id: t.id, dueAt }, {
      onSuccess: () => notifications.show({ message: `Snoozed until ${formatDateTime(dueAt)}` }),
      onError: (err) => notifications.show({ color: 'red', title: 'Not snoozed', message: reason(err) }),
    });
  const shown = bucketOrder.filter((b) => groups[b].length > 0 || b !== 'someday');
  return (
    <Stack gap="md">
      {shown.map((b) => (
        <Card key={b} withBorder padding={0} radius="md" data-testid={`bucket-${b}`}>
          <Group px="md" py="xs" justify="space-between" className="task-bucket-head">
            <Group gap="xs">
              <Title order={4} fz="sm">{bucketLabel[b]}</Title>
              <Badge color={bucketColor[b]} variant={b === 'overdue' && groups[b].length ? 'filled' : 'light'} data-testid={`bucket-count-${b}`}>{groups[b].length}</Badge>
            </Group>
          </Group>
          {groups[b].length === 0 ? (
            <Text px="md" pb="sm" size="sm" c="dimmed">{b === 'overdue' ? 'Nothing overdue.' : b === 'today' ? 'Nothing due today.' : 'Nothing coming up.'}</Text>
          ) : (
            <Table verticalSpacing={compact ? 4 : 'xs'}>
              <Table.Tbody>
                {groups[b].map((t) => (
                  <Table.Tr key={t.id} data-testid="task-row" data-task-id={t.id}>
                    <Table.Td w={44}>
                      <Tooltip label="Mark done">
                        <ActionIcon variant="light" color="green" radius="xl" aria-label={`Mark "${t.title}" done`} onClick={() => markDone(t)}>
                          <IconCheck size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={600}>{t.title}</Text>
                      {t.leadId ? (
                        <Anchor component={Link} to={`/leads/${encodeURIComponent(t.leadId)}`} size="xs">{t.leadName ?? t.leadId}</Anchor>
                      ) : <Text size="xs" c="dimmed">no lead</Text>}
                    </Table.Td>
                    <Table.Td w={130}><Badge variant="light" color="gray" size="sm">{kindLabel(t.kind)}</Badge></Table.Td>
                    {showOwner && <Table.Td w={150}><Text size="sm">{t.ownerName ?? (t.ownerId ? t.ownerId : 'unassigned')}</Text></Table.Td>}
                    <Table.Td w={150}>
                      {t.dueAt ? (
                        <Tooltip label={formatDateTime(t.dueAt)}>
                          <Text size="sm" c={b === 'overdue' ? 'red' : undefined}>{formatRelative(t.dueAt, now.getTime())}</Text>
                        </Tooltip>
                      ) : <Text size="sm" c="dimmed">—</Text>}
                    </Table.Td>
                    <Table.Td w={48}><SnoozeButton title={t.title} onSnooze={(dueAt) => moveDue(t, dueAt)} /></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      ))}
    </Stack>
  );
}

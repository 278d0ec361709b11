import { Alert, Badge, Button, Code, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { formatDateTime } from '../../../lib/format';
import { useActivityTypeUsage, useActivityTypes, useRetireActivityType, type ActivityType } from '../api/queries';

function WorkerStatus({ t }: { t: ActivityType }) {
  if (t.source === 'builtin') return <Badge variant="light" color="gray">built in</Badge>;
  return (
    <Stack gap={0}>
      <Badge variant="light" color={t.online ? 'green' : 'orange'}>{t.online ? 'online' : 'offline'}</Badge>
      <Text size="xs" c="dimmed">{t.lastSeenAt ? `last seen ${formatDateTime(t.lastSeenAt)}` : 'never seen'}</Text>
    </Stack>
  );
}

/** Asks before retiring: names the pipelines that still call the version (they cannot be published again with it). */
function RetireDialog({ target, onClose }: { target: ActivityType | null; onClose: () => void }) {
  const usage = useActivityTypeUsage(target);
  const retire = useRetireActivityType();
  const uses = usage.data?.pipelines ?? [];
  return (
    <Modal opened={!!target} onClose={onClose} title={target ? `Retire ${target.label} (${target.name} v${target.version})?` : ''}>
      {usage.isLoading ? <Loader size="sm" /> : (
        <Stack gap="sm">
          {uses.length ? (
            <Alert color="yellow" variant="light" title={`${uses.length} pipeline(s) still call it`} data-testid="retire-warning">
              {uses.map((p) => <Text key={p.id} size="sm">“{p.name}” — nodes {p.nodeIds.join(', ')} ({p.where.join(' and ')})</Text>)}
              <Text size="sm" mt="xs">They cannot be published again until those nodes change; leads already running keep calling it.</Text>
            </Alert>
          ) : <Text size="sm">No pipeline calls this version. New publishes will refuse it.</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Keep it</Button>
            <Button color="red" loading={retire.isPending} onClick={() => target && retire.mutate(target, {
              onSuccess: (r) => { notifications.show({ color: r.warning ? 'yellow' : 'green', title: `${target.name} v${target.version} retired`, message: r.warning ?? 'No pipeline calls it.' }); onClose(); },
              onError: (err) => notifications.show({ color: 'red', title: 'Not retired', message: err.message }),
            })}>Retire</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Ops: the activity types workers registered, whether their workers are online, and retiring a version. */
export function ActivityTypesPage() {
  const types = useActivityTypes();
  const [target, setTarget] = useState<ActivityType | null>(null);
  return (
    <Stack p="md" gap="md">
      <Title order={2}>Activities</Title>
      <Text size="sm" c="dimmed">Activity types the custom pipeline nodes call, registered by the workers that serve them (see “Adding an activity worker” in the README).</Text>
      {types.error && <Alert color="red">{types.error.message}</Alert>}
      {types.isLoading ? <Loader /> : (
        <Table striped data-testid="activity-types">
          <Table.Thead>
            <Table.Tr><Table.Th>Activity</Table.Th><Table.Th>Owner</Table.Th><Table.Th>Task queue</Table.Th><Table.Th>Worker</Table.Th><Table.Th>Facts for decisions</Table.Th><Table.Th /></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(types.data?.items ?? []).map((t) => (
              <Table.Tr key={`${t.name}@${t.version}`} data-testid={`activity-${t.name}-${t.version}`}>
                <Table.Td>
                  <Text size="sm" fw={600}>{t.label}</Text>
                  <Text size="xs" c="dimmed">{t.name} v{t.version}{t.retiredAt ? ` · retired ${formatDateTime(t.retiredAt)}` : ''}</Text>
                </Table.Td>
                <Table.Td><Text size="sm">{t.owner}</Text></Table.Td>
                <Table.Td><Code>{t.taskQueue}</Code></Table.Td>
                <Table.Td><WorkerStatus t={t} /></Table.Td>
                <Table.Td>{t.outputFacts.map((f) => <Text key={f.name} size="xs"><Code>{f.name}</Code> {f.type}{f.values ? ` (${f.values.join(', ')})` : ''}</Text>)}</Table.Td>
                <Table.Td>{!t.retiredAt && t.source === 'developer' && <Button size="xs" variant="light" color="red" onClick={() => setTarget(t)}>Retire…</Button>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <RetireDialog target={target} onClose={() => setTarget(null)} />
    </Stack>
  );
}

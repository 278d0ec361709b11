import { Alert, Stack, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';
import { leadKeys } from '../api/keys';

interface Waiting { activity: string; version: number; label: string; taskQueue: string; lastSeenAt: string | null; since: string | null }

/**
 * A step of this lead waits for a developer's activity worker that is offline: not a failure, the lead goes on by
 * itself when the worker is back. Polled while the page is open.
 */
export function WaitingForWorker({ leadId }: { leadId: string }) {
  const waiting = useQuery({
    queryKey: [...leadKeys.detail(leadId), 'waiting'] as const,
    queryFn: ({ signal }) => api<{ items: Waiting[] }>(`/api/leads/${encodeURIComponent(leadId)}/waiting`, { signal }),
    refetchInterval: 10_000,
  });
  const items = waiting.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Alert color="yellow" variant="light" mb="md" icon={<IconPlugConnectedX size={18} />} title={`Waiting for worker ${items.map((w) => w.label).join(', ')}`} data-testid="waiting-for-worker">
      <Stack gap={2}>
        {items.map((w) => (
          <Text key={`${w.activity}@${w.version}`} size="sm">
            {w.label} ({w.activity} v{w.version}, task queue {w.taskQueue}) is offline{w.lastSeenAt ? `, last seen ${formatDateTime(w.lastSeenAt)}` : ''}.
            {' '}The lead continues by itself when the worker is back.
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

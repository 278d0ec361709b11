import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, post } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';
import { leadKeys } from '../api/keys';

interface Step {
  activityId: string; activityType: string; attempt: number; failing: boolean; lastFailure: string | null;
  lastAttemptAt: string | null; nextAttemptAt: string | null; cancellable: boolean;
}

const enc = encodeURIComponent;

/**
 * For ops and admins: the steps of this lead's process that keep failing, with their attempts and last failure, and
 * the two ways out (retry now, or cancel the step a rep action waits on). Polled while the page is open.
 */
export function FailingSteps({ leadId }: { leadId: string }) {
  const qc = useQueryClient();
  const key = [...leadKeys.detail(leadId), 'failures'] as const;
  const steps = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<{ items: Step[] }>(`/api/leads/${enc(leadId)}/failures`, { signal }),
    refetchInterval: 10_000,
  });
  const act = useMutation({
    mutationFn: (a: { step: Step; verb: 'retry' | 'cancel' }) => post(`/api/leads/${enc(leadId)}/failures/${enc(a.step.activityId)}/${a.verb}`),
    onSuccess: (_r, a) => notifications.show({ color: 'green', title: 'Done', message: a.verb === 'retry' ? `${a.step.activityType}: retrying now` : `${a.step.activityType}: cancelled` }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not done', message: err.message }),
    onSettled: () => qc.invalidateQueries({ queryKey: leadKeys.all }),
  });
  const failing = (steps.data?.items ?? []).filter((s) => s.failing);
  if (!failing.length) return null;
  return (
    <Alert color="red" variant="light" mb="md" title="A step of this lead's process keeps failing" data-testid="failing-steps">
      <Stack gap="xs">
        {failing.map((s) => (
          <Group key={s.activityId} justify="space-between" wrap="nowrap" align="flex-start">
            <div>
              <Text size="sm" fw={600}>{s.activityType} — attempt {s.attempt}</Text>
              {s.lastFailure && <Text size="sm">{s.lastFailure}</Text>}
              <Text size="xs" c="dimmed">
                {s.lastAttemptAt ? `last try ${formatDateTime(s.lastAttemptAt)}` : ''}{s.nextAttemptAt ? ` · next try ${formatDateTime(s.nextAttemptAt)}` : ''}
              </Text>
            </div>
            <Group gap="xs" wrap="nowrap">
              <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} loading={act.isPending && act.variables?.step.activityId === s.activityId && act.variables.verb === 'retry'}
                onClick={() => act.mutate({ step: s, verb: 'retry' })}>Retry now</Button>
              {s.cancellable && (
                <Button size="xs" variant="light" color="red" leftSection={<IconX size={14} />} loading={act.isPending && act.variables?.step.activityId === s.activityId && act.variables.verb === 'cancel'}
                  onClick={() => act.mutate({ step: s, verb: 'cancel' })}>Cancel step</Button>
              )}
            </Group>
          </Group>
        ))}
      </Stack>
    </Alert>
  );
}

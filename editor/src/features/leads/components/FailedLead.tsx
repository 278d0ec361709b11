import { Alert, Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { post } from '../../../lib/api';
import { formatDateTime } from '../../../lib/format';
import { leadKeys } from '../api/keys';

export interface LeadFailure { reason: string; at: string; nodeId: string | null }

/**
 * A lead whose process failed: the reason and where, and (for ops and admins) Retry, which restarts it at that
 * step once the cause is fixed (a rule set published, a pipeline corrected).
 */
export function FailedLead({ leadId, failure, canRetry }: { leadId: string; failure: LeadFailure; canRetry: boolean }) {
  const qc = useQueryClient();
  const retry = useMutation({
    mutationFn: () => post<{ nodeId: string; version: number }>(`/api/leads/${encodeURIComponent(leadId)}/retry`),
    onSuccess: (r) => notifications.show({ color: 'green', title: 'Restarted', message: `The lead resumes at "${r.nodeId}" on version ${r.version}.` }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not restarted', message: err.message }),
    onSettled: () => qc.invalidateQueries({ queryKey: leadKeys.all }),
  });
  return (
    <Alert color="red" variant="light" mb="md" title="This lead's process failed" data-testid="lead-failed">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div>
          <Text size="sm">{failure.reason}</Text>
          <Text size="xs" c="dimmed">
            {failure.nodeId ? <>At step “{failure.nodeId}”, </> : null}{formatDateTime(failure.at)}. {canRetry ? 'Fix the cause, then retry: the lead resumes at this step.' : 'Sales ops can restart it once the cause is fixed.'}
          </Text>
        </div>
        {canRetry && <Button size="xs" leftSection={<IconPlayerPlay size={14} />} loading={retry.isPending} onClick={() => retry.mutate()}>Retry</Button>}
      </Group>
    </Alert>
  );
}

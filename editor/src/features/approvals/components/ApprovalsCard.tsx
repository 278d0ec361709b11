import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconDiscount } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../../lib/api';
import { formatDateTime, formatMoney } from '../../../lib/format';
import { useDecideApproval, usePendingApprovals, type Approval } from '../api/approvals';

function ApprovalRow({ a }: { a: Approval }) {
  const decide = useDecideApproval();
  const [comment, setComment] = useState('');
  const [rejecting, setRejecting] = useState(false);
  return (
    <Paper withBorder p="sm" radius="sm" data-testid="approval-row">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Group gap={6}>
            <Anchor component={Link} to={`/leads/${encodeURIComponent(a.leadId)}`} fw={600} size="sm">{a.leadName}</Anchor>
            <Text size="sm">offer v{a.offerVersion} · {formatMoney(a.offerTotal, a.currency)}</Text>
            <Badge color="orange" variant="light">{a.discountPct}% discount</Badge>
            {a.level > 1 && <Badge color="red" variant="light">escalated</Badge>}
          </Group>
          <Text size="xs" c="dimmed">Above the {a.thresholdPct}% threshold · asked by {a.requestedByName ?? '—'} {formatDateTime(a.createdAt)}{a.canDecide ? '' : ` · waiting for ${a.approverName ?? 'an approver'}`}</Text>
        </div>
        {a.canDecide && !rejecting && (
          <Group gap="xs" wrap="nowrap">
            <Button size="compact-sm" color="green" loading={decide.isPending} onClick={() => decide.mutate({ id: a.id, approve: true, comment })} data-testid="approve">Approve</Button>
            <Button size="compact-sm" variant="default" color="red" onClick={() => setRejecting(true)} data-testid="reject">Reject…</Button>
          </Group>
        )}
      </Group>
      {a.canDecide && (
        <Stack gap={6} mt="xs">
          <Textarea size="xs" placeholder={rejecting ? 'Why (the rep sees this)' : 'Comment for the rep (optional)'} value={comment} onChange={(e) => setComment(e.currentTarget.value)} autosize minRows={1} maxRows={4}
            error={decide.error instanceof ApiError ? decide.error.fieldErrors.comment : undefined} data-testid="approval-comment" />
          {rejecting && (
            <Group gap="xs">
              <Button size="compact-sm" color="red" loading={decide.isPending} disabled={!comment.trim()} onClick={() => decide.mutate({ id: a.id, approve: false, comment })} data-testid="confirm-reject">Reject discount</Button>
              <Button size="compact-sm" variant="subtle" onClick={() => setRejecting(false)}>Cancel</Button>
            </Group>
          )}
        </Stack>
      )}
      {decide.error && <Alert color="red" mt="xs">{decide.error.message}</Alert>}
    </Paper>
  );
}

/** Discount approvals waiting (mine to decide first); shown in the inbox only when there are some. */
export function ApprovalsCard() {
  const q = usePendingApprovals();
  const items = q.data?.items ?? [];
  if (!items.length) return null;
  const mine = items.filter((a) => a.canDecide).length;
  return (
    <Paper withBorder p="md" radius="md" data-testid="approvals">
      <Group gap={6} mb="sm"><IconDiscount size={18} /><Title order={3} fz="md">Discount approvals</Title><Badge variant="light" color={mine ? 'orange' : 'gray'}>{mine ? `${mine} to decide` : items.length}</Badge></Group>
      <Stack gap="xs">{items.map((a) => <ApprovalRow key={a.id} a={a} />)}</Stack>
    </Paper>
  );
}

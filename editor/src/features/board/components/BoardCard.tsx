import { Anchor, Badge, Card, Group, Text, Tooltip } from '@mantine/core';
import { useDraggable } from '@dnd-kit/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { BoardCard as Lead } from '../api/board';
import { formatDateTime, formatMoney, formatRelative } from '../../../lib/format';

const gradeColor: Record<string, string> = { A: 'green', B: 'yellow', C: 'gray' };

/** One lead on the board: drag it to another column (or onto Won / Lost); click its name to open it. */
export function BoardCard({ lead, stage, showOwner, refusal, overlay }: { lead: Lead; stage: string; showOwner: boolean; refusal?: string; overlay?: boolean }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: lead.id, data: { stage }, disabled: overlay });
  const due = lead.nextDeadline ? new Date(lead.nextDeadline) : null;
  const late = due ? due.getTime() < Date.now() : false;
  return (
    <Card ref={overlay ? undefined : setNodeRef} {...(overlay ? {} : listeners)} {...(overlay ? {} : attributes)} withBorder padding="xs" radius="md"
      className={`board-card${isDragging ? ' is-dragging' : ''}${overlay ? ' is-overlay' : ''}${refusal ? ' is-refused' : ''}`}
      data-testid={overlay ? 'board-card-overlay' : `board-card-${lead.id}`} data-stage={stage} aria-label={`${lead.name}, drag to move`}>
      <Group justify="space-between" wrap="nowrap" gap={6}>
        <Anchor component={Link} to={`/leads/${encodeURIComponent(lead.id)}`} size="sm" fw={600} lineClamp={1} onPointerDown={(e) => e.stopPropagation()}>{lead.name}</Anchor>
        {lead.grade && <Badge size="sm" color={gradeColor[lead.grade] ?? 'gray'} variant="light">{lead.grade}</Badge>}
      </Group>
      <Text size="xs" c="dimmed" lineClamp={1}>{lead.company ?? '—'}</Text>
      <Group gap={6} mt={4} wrap="nowrap">
        {lead.score !== null && <Text size="xs">{lead.score} pts</Text>}
        {!!lead.offerValue && <Badge size="xs" variant="light" color="indigo">{formatMoney(lead.offerValue)}</Badge>}
        {showOwner && <Text size="xs" c="dimmed" lineClamp={1}>{lead.ownerName ?? 'unassigned'}</Text>}
      </Group>
      {due && (
        <Tooltip label={`Next deadline ${formatDateTime(lead.nextDeadline)}`}>
          <Text size="xs" c={late ? 'red' : 'dimmed'} mt={2}>due {formatRelative(lead.nextDeadline)}</Text>
        </Tooltip>
      )}
      {refusal && (
        <Group gap={4} mt={4} wrap="nowrap" align="flex-start" className="card-refusal" data-testid="card-refusal">
          <IconAlertTriangle size={14} color="var(--mantine-color-red-6)" style={{ flex: 'none', marginTop: 2 }} />
          <Text size="xs" c="red.7">{refusal}</Text>
        </Group>
      )}
    </Card>
  );
}

import { Paper, Text, Timeline, Title, UnstyledButton, Collapse, Group } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDateTime } from '../../../lib/format';
import type { LeadEvent } from '../api/types';
import { DecisionDetails } from './DecisionDetails';
import { eventColor, eventTitle, pointsText } from './event-text';

function EventItem({ e, leadId, name, label }: { e: LeadEvent; leadId: string; name(id: unknown): string; label(category: string, code: unknown): string }) {
  const [open, setOpen] = useState(false);
  const who = e.actorName ?? (e.actor ? name(e.actor) : null);
  return (
    <div data-testid="timeline-event">
      <Text size="sm" fw={500}>{eventTitle(e, name, label)}</Text>
      <Text size="xs" c="dimmed">{formatDateTime(e.at)}{who ? ` · ${who}` : ''}</Text>
      {e.type === 'scored' && e.context?.rescore === true && pointsText(e.context.points) && (
        <Text size="xs" data-testid="score-why">Rules that fired: {pointsText(e.context.points)}</Text>
      )}
      {e.cause && (
        <>
          <UnstyledButton onClick={() => setOpen((o) => !o)} aria-expanded={open} mt={2}>
            <Group gap={2}><IconChevronRight size={13} style={{ transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }} />
              <Text size="xs" c="indigo">Why? {e.cause.ruleSetName ?? (e.cause.ruleSetId.startsWith('pipeline:') ? 'branch conditions' : e.cause.ruleSetId)}{e.cause.version ? ` v${e.cause.version}` : ''}</Text></Group>
          </UnstyledButton>
          <Collapse expanded={open}><Paper bg="gray.0" p="xs" mt={4} radius="sm"><DecisionDetails cause={e.cause} leadId={leadId} /></Paper></Collapse>
        </>
      )}
    </div>
  );
}

/** Everything that happened to the lead, newest first. */
export function LeadTimeline({ events, leadId, name, label }: { events: LeadEvent[]; leadId: string; name(id: unknown): string; label(category: string, code: unknown): string }) {
  const newest = [...events].reverse();
  return (
    <Paper withBorder p="md" radius="md" data-testid="timeline">
      <Title order={3} fz="md" mb="md">Timeline</Title>
      {newest.length === 0 ? <Text c="dimmed" size="sm">Nothing happened yet.</Text> : (
        <Timeline bulletSize={12} lineWidth={2}>
          {newest.map((e) => <Timeline.Item key={e.id} color={eventColor(e.type)}><EventItem e={e} leadId={leadId} name={name} label={label} /></Timeline.Item>)}
        </Timeline>
      )}
    </Paper>
  );
}

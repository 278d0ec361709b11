import { Alert, Anchor, Badge, Button, Group, Loader, Stack, Text, Timeline, Title } from '@mantine/core';
import { IconArrowLeft, IconExternalLink } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatDateTime, humanize } from '../lib/format';
import { useApi } from '../lib/session';

interface Cause { ruleSetId: string; ruleSetName?: string; version: number; matched?: unknown }
interface LeadEvent { type: string; at: string; actor: string | null; actorName?: string | null; stage: string | null; context: Record<string, unknown> | null; cause: Cause | null }
interface LeadDetail { lead: { id: string; name: string; company?: string | null; stage?: string; score?: number; grade?: string | null; email?: string | null }; events: LeadEvent[] }

const gradeColor: Record<string, string> = { A: 'green', B: 'yellow', C: 'red' };
const matchedNames = (m: unknown): string => (Array.isArray(m) ? m.map((x) => (typeof x === 'string' ? x : (x as { rule?: string }).rule ?? JSON.stringify(x))).join(', ') : '');

/** Every event on a lead, newest last, with the rule set and version behind each decision. */
export function LeadTimeline({ leadId, onBack }: { leadId: string; onBack(): void }) {
  const { data, error, loading } = useApi<LeadDetail>(`/api/leads/${encodeURIComponent(leadId)}`);
  const leadPath = `/leads/${encodeURIComponent(leadId)}`;
  return (
    <Stack gap="sm" p="md" data-testid="timeline">
      <Group justify="space-between">
        <Button variant="subtle" size="compact-sm" leftSection={<IconArrowLeft size={14} />} onClick={onBack}>Leads</Button>
        <Button component={Link} to={leadPath} variant="light" size="compact-sm" rightSection={<IconExternalLink size={14} />}>Open lead</Button>
      </Group>
      {loading && !data && <Loader size="sm" />}
      {error && <Alert color="red" py={6}>{error.status === 404 ? 'The lead timeline is not available.' : error.message}</Alert>}
      {data && (
        <>
          <div>
            <Title order={3} fz="md">{data.lead.name}</Title>
            <Text size="xs" c="dimmed">{data.lead.company ?? ''} {data.lead.email ? `· ${data.lead.email}` : ''}</Text>
          </div>
          <Group gap={6}>
            {data.lead.stage && <Badge variant="light" color="gray">{data.lead.stage}</Badge>}
            <Text size="sm">{data.lead.score ?? 0} pts</Text>
            {data.lead.grade && <Badge variant="light" color={gradeColor[data.lead.grade] ?? 'gray'}>{data.lead.grade}</Badge>}
          </Group>
          <Timeline bulletSize={12} lineWidth={2} mt="xs">
            {data.events.map((e, i) => (
              <Timeline.Item key={i} data-testid="timeline-event"
                title={<Group justify="space-between" gap={6} wrap="nowrap"><Text size="sm" fw={600}>{humanize(e.type)}</Text><Text size="xs" c="dimmed">{formatDateTime(e.at)}</Text></Group>}>
                <Text size="xs" c="dimmed">{e.stage ? `stage ${e.stage}` : ''}{e.actor ? ` · by ${e.actorName ?? e.actor}` : ''}</Text>
                {e.cause && (
                  <div className="tl-cause" data-testid="timeline-cause">
                    <Text size="xs">
                      rule set <b>{e.cause.ruleSetName ?? e.cause.ruleSetId}</b> v{e.cause.version}
                      {matchedNames(e.cause.matched) && <> · matched {matchedNames(e.cause.matched)}</>}
                    </Text>
                    <Anchor component={Link} size="xs" to={`/rules/${encodeURIComponent(e.cause.ruleSetId)}?simulateLead=${encodeURIComponent(leadId)}`}>Re-run in the simulator</Anchor>
                  </div>
                )}
                {e.context && Object.keys(e.context).length > 0 && (
                  <Text size="xs" className="tl-context" ff="monospace">{Object.entries(e.context).slice(0, 6).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ')}</Text>
                )}
              </Timeline.Item>
            ))}
          </Timeline>
        </>
      )}
    </Stack>
  );
}

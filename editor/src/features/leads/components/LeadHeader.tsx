import { Anchor, Badge, Group, Paper, Popover, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { IconBuilding, IconMail, IconPhone } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDateTime, formatRelative, humanize } from '../../../lib/format';
import type { Lead, LeadScore } from '../api/types';
import { GradeBadge } from './GradeBadge';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return <div><Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text><div>{children}</div></div>;
}

function ScoreBreakdown({ lead, score }: { lead: Lead; score: LeadScore | null | undefined }) {
  return (
    <Popover width={380} position="bottom-start" shadow="md" withArrow>
      <Popover.Target>
        <UnstyledButton aria-label="Score details" data-testid="score">
          <Group gap={6}><Text fw={700} size="lg">{lead.score}</Text><Text size="sm" c="dimmed">pts</Text><GradeBadge grade={lead.grade} /></Group>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        {!score ? <Text size="sm" c="dimmed">No scoring decision yet.</Text> : (
          <Stack gap="xs">
            <Text size="sm">Scored by <strong>{score.ruleSetName ?? score.ruleSetId}</strong> v{score.version}: {score.points} points{score.grade ? `, grade ${score.grade}` : ''}.</Text>
            {score.rules.length === 0 ? <Text size="sm" c="dimmed">No rule gave points.</Text> : (
              <Table verticalSpacing={4} fz="sm">
                <Table.Tbody>
                  {score.rules.map((r, i) => (
                    <Table.Tr key={i}>
                      <Table.Td><Text size="sm" fw={500}>{r.name}</Text>{r.reason && <Text size="xs" c="dimmed">{r.reason}</Text>}</Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}><Text size="sm" fw={600} c={r.points < 0 ? 'red' : 'green'}>{r.points > 0 ? '+' : ''}{r.points}</Text></Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}

const statusColor: Record<string, string> = { open: 'blue', qualified: 'indigo', nurturing: 'grape', won: 'green', lost: 'red', disqualified: 'gray', failed: 'red' };

/** Who the lead is, whose it is, where it stands and what is due next. */
export function LeadHeader({ lead, score, nextDeadline }: { lead: Lead; score: LeadScore | null | undefined; nextDeadline: string | null | undefined }) {
  return (
    <Paper withBorder p="md" radius="md" mb="md">
      <Group justify="space-between" align="flex-start" mb="sm">
        <div>
          <Group gap="xs">
            <Title order={1} fz={24}>{lead.name}</Title>
            <Badge variant="light" color={statusColor[lead.status] ?? 'gray'}>{humanize(lead.status)}</Badge>
          </Group>
          <Group gap="md" mt={4}>
            {lead.email && <Anchor href={`mailto:${lead.email}`} size="sm"><Group gap={4}><IconMail size={14} />{lead.email}</Group></Anchor>}
            {lead.phone && <Anchor href={`tel:${lead.phone}`} size="sm"><Group gap={4}><IconPhone size={14} />{lead.phone}</Group></Anchor>}
          </Group>
        </div>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md">
        <Fact label="Company">
          <Group gap={4} wrap="nowrap"><IconBuilding size={14} />
            {lead.accountId ? <Anchor component={Link} to={`/accounts/${encodeURIComponent(lead.accountId)}`} size="sm" data-testid="account-link">{lead.accountName ?? lead.company}</Anchor> : <Text size="sm">{lead.company ?? '—'}</Text>}
          </Group>
          <Text size="xs" c="dimmed">{[lead.country, lead.industry, lead.companySize ? `${lead.companySize.toLocaleString()} employees` : null].filter(Boolean).join(' · ')}</Text>
        </Fact>
        <Fact label="Owner">{lead.ownerName ? <Text size="sm">{lead.ownerName}</Text> : <Text size="sm" c="dimmed" fs="italic">Unassigned</Text>}</Fact>
        <Fact label="Score"><ScoreBreakdown lead={lead} score={score} /></Fact>
        <Fact label="Stage"><Text size="sm" fw={600} data-testid="stage">{humanize(lead.stage)}</Text></Fact>
        <Fact label="Next deadline">
          {nextDeadline ? <Text size="sm" c={new Date(nextDeadline) < new Date() ? 'red' : undefined} title={formatDateTime(nextDeadline)}>{formatRelative(nextDeadline)}</Text> : <Text size="sm" c="dimmed">None</Text>}
        </Fact>
        <Fact label="Source"><Text size="sm">{humanize(lead.source)}{lead.productInterest ? ` · ${humanize(lead.productInterest)}` : ''}</Text></Fact>
      </SimpleGrid>
    </Paper>
  );
}

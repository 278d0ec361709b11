import { Alert, Anchor, Badge, Card, Code, Group, Loader, SimpleGrid, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { IconBolt, IconChecklist, IconFileText, IconHistory, IconKey, IconListDetails, IconMail, IconRoute, IconUsers, IconUsersGroup } from '@tabler/icons-react';
import type { ComponentType, ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDateTime, formatRelative, humanize } from '../../../lib/format';
import { useAudit, useTeams, useUsers } from '../api/admin';

interface Area { title: string; icon: ComponentType<{ size?: number }>; text: string; to?: string; api?: string }

const areas: Area[] = [
  { title: 'Users', icon: IconUsers, text: 'Create users, change roles, teams, capacity and territory, disable accounts, reset passwords.', to: '/admin/users' },
  { title: 'Teams', icon: IconUsersGroup, text: 'Teams, their managers and territories (used by routing).', to: '/admin/teams' },
  { title: 'API keys', icon: IconKey, text: 'Partner keys for lead capture; shown once, stored hashed, revoked here.', to: '/admin/api-keys' },
  { title: 'Constants', icon: IconListDetails, text: 'Visit types and statuses, loss, rejection and disqualification reasons, product interests.', to: '/admin/constants' },
  { title: 'Mail', icon: IconMail, text: 'Switch all outgoing e-mail on or off; see what was sent.', to: '/admin/mail' },
  { title: 'Audit log', icon: IconHistory, text: 'Who did what and when, filtered by action, person and time.', to: '/admin/audit' },
  { title: 'Pipelines', icon: IconRoute, text: 'Design, validate and publish the lead pipelines.', to: '/pipelines' },
  { title: 'Rules', icon: IconChecklist, text: 'Scoring, routing, reminder and configurator rule sets.', to: '/rules' },
  { title: 'Live', icon: IconBolt, text: 'Leads moving through a pipeline right now.', to: '/live' },
  { title: 'API reference', icon: IconFileText, text: 'Every endpoint with its schema (OpenAPI).', to: '/docs' },
];

function AreaCard({ a }: { a: Area }) {
  const title = a.to === '/docs' ? <Anchor href="/docs" fw={650}>{a.title}</Anchor> : a.to ? <Anchor component={Link} to={a.to} fw={650}>{a.title}</Anchor> : <Text fw={650}>{a.title}</Text>;
  return (
    <Card withBorder radius="md" padding="sm" data-testid={`admin-area-${a.title.toLowerCase().replace(/\s+/g, '-')}`}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" size={34} radius="md"><a.icon size={18} /></ThemeIcon>
        <div style={{ minWidth: 0 }}>
          <Group gap={6}>{title}</Group>
          <Text size="sm" c="dimmed">{a.text}</Text>
          {a.api && <Code fz={11} mt={4} display="block">{a.api}</Code>}
        </div>
      </Group>
    </Card>
  );
}

function Panel({ title, count, loading, error, children, testId }: { title: string; count?: number; loading: boolean; error: Error | null; children: ReactNode; testId: string }) {
  return (
    <Card withBorder padding={0} radius="md" data-testid={testId}>
      <Group px="md" py="xs" gap="xs"><Title order={4} fz="sm">{title}</Title>{count !== undefined && <Badge variant="light" color="gray">{count}</Badge>}{loading && <Loader size="xs" />}</Group>
      {error ? <Alert color="red" m="md">{error.message}</Alert> : children}
    </Card>
  );
}

/** The admin overview: the admin areas, the users and teams at a glance and the newest audit entries. */
export function AdminPage() {
  const users = useUsers();
  const teams = useTeams();
  const audit = useAudit(15);
  const teamName = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  return (
    <div data-testid="admin-overview">
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">{areas.map((a) => <AreaCard key={a.title} a={a} />)}</SimpleGrid>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          <Panel title="Users" count={users.data?.length} loading={users.isPending} error={users.error} testId="admin-users">
            <Table.ScrollContainer minWidth={480} mah={420}>
              <Table stickyHeader>
                <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Role</Table.Th><Table.Th>Team</Table.Th><Table.Th>Status</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>{(users.data ?? []).map((u) => (
                  <Table.Tr key={u.id}>
                    <Table.Td><Text size="sm" fw={600}>{u.name}</Text><Text size="xs" c="dimmed">{u.email}</Text></Table.Td>
                    <Table.Td><Badge variant="light">{u.role}</Badge></Table.Td>
                    <Table.Td><Text size="sm">{u.teamId ? (teamName.get(u.teamId) ?? u.teamId) : '—'}</Text></Table.Td>
                    <Table.Td>{u.active ? <Badge color="green" variant="dot">active</Badge> : <Badge color="gray" variant="dot">disabled</Badge>}</Table.Td>
                  </Table.Tr>
                ))}</Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Panel>
          <Panel title="Recent audit entries" loading={audit.isPending} error={audit.error} testId="admin-audit">
            {audit.data?.length === 0 && <Text px="md" pb="sm" size="sm" c="dimmed">Nothing audited yet.</Text>}
            {!!audit.data?.length && (
              <Table.ScrollContainer minWidth={480} mah={420}>
                <Table stickyHeader>
                  <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Who</Table.Th><Table.Th>What</Table.Th><Table.Th>Target</Table.Th></Table.Tr></Table.Thead>
                  <Table.Tbody>{audit.data.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td><Text size="sm" title={formatDateTime(e.at)}>{formatRelative(e.at)}</Text></Table.Td>
                      <Table.Td><Text size="sm">{e.actorId ? (userName.get(e.actorId) ?? e.actorId) : 'system'}</Text></Table.Td>
                      <Table.Td><Text size="sm">{humanize(e.action.replace(/\./g, ' '))}</Text></Table.Td>
                      <Table.Td>
                        {e.targetType === 'lead' && e.targetId
                          ? <Anchor component={Link} to={`/leads/${encodeURIComponent(e.targetId)}`} size="xs" ff="monospace">lead {e.targetId}</Anchor>
                          : <Text size="xs" c="dimmed" ff="monospace">{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</Text>}
                      </Table.Td>
                    </Table.Tr>
                  ))}</Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Panel>
        </SimpleGrid>
        <Panel title="Teams" count={teams.data?.length} loading={teams.isPending} error={teams.error} testId="admin-teams">
          {teams.data?.length === 0 && <Text px="md" pb="sm" size="sm" c="dimmed">No teams yet.</Text>}
          {!!teams.data?.length && (
            <Table>
              <Table.Thead><Table.Tr><Table.Th>Team</Table.Th><Table.Th>Manager</Table.Th><Table.Th>Territory</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>{teams.data.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td><Text size="sm" fw={600}>{t.name}</Text></Table.Td>
                  <Table.Td><Text size="sm">{t.managerId ? (userName.get(t.managerId) ?? t.managerId) : '—'}</Text></Table.Td>
                  <Table.Td><Group gap={4}>{t.territory.length ? t.territory.map((c) => <Badge key={c} size="sm" variant="outline">{c}</Badge>) : <Text size="sm" c="dimmed">everywhere</Text>}</Group></Table.Td>
                </Table.Tr>
              ))}</Table.Tbody>
            </Table>
          )}
        </Panel>
      </Stack>
    </div>
  );
}

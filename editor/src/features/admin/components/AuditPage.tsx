import { Alert, Anchor, Autocomplete, Button, Code, Group, Loader, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { formatDateTime, formatRelative, humanize } from '../../../lib/format';
import { useAudit, useUsers, type AuditEntry } from '../api/admin';

/** The actions the API writes (the filter suggests them; any other text is searched as typed). */
const knownActions = [
  'user.created', 'user.updated', 'user.role_changed', 'user.disabled', 'user.enabled', 'user.password_reset', 'user.password_changed', 'user.notifications_changed',
  'team.created', 'team.updated', 'api_key.created', 'api_key.revoked',
  'constant.created', 'constant.updated', 'constant.deactivated', 'constant.activated', 'constant.deleted', 'mail.enabled', 'mail.disabled',
  'pipeline.published', 'rule_set.published', 'lead.reassigned', 'lead.exported', 'lead.migrated',
  'pipeline.renamed', 'pipeline.duplicated', 'pipeline.archived', 'pipeline.restored', 'pipeline.rolled_back', 'pipeline.entry_rules_changed', 'lead.retried',
];

function Target({ e, userName }: { e: AuditEntry; userName: Map<string, string> }) {
  if (e.targetType === 'lead' && e.targetId) return <Anchor component={Link} to={`/leads/${encodeURIComponent(e.targetId)}`} size="xs" ff="monospace">lead {e.targetId}</Anchor>;
  // A user or a key by name (their ids mean nothing to a reader); the id stays on hover.
  const name = e.targetType === 'user' && e.targetId ? userName.get(e.targetId)
    : e.targetType === 'api_key' && typeof e.details.name === 'string' ? e.details.name : undefined;
  if (name) return <Text size="sm" title={`${e.targetType} ${e.targetId ?? ''}`}>{humanize(e.targetType)}: {name}</Text>;
  return <Text size="xs" c="dimmed" ff="monospace">{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</Text>;
}

/** Details as `key: value` lines (nested values compact). */
function Details({ d }: { d: Record<string, unknown> }) {
  const keys = Object.keys(d);
  if (!keys.length) return <Text size="xs" c="dimmed">—</Text>;
  return (
    <Code fz={11} block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {keys.map((k) => `${k}: ${typeof d[k] === 'string' ? d[k] : JSON.stringify(d[k])}`).join('\n')}
    </Code>
  );
}

/** `2026-01-31T09:00` (a datetime-local value, the viewer's time) as an ISO instant; '' when empty or invalid. */
const localToIso = (v: string) => {
  const d = new Date(v);
  return v && !Number.isNaN(d.getTime()) ? d.toISOString() : '';
};
const isoToLocal = (iso: string) => {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

/** The audit log, newest first, filtered by action, actor and a start time (kept in the URL). */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = { action: params.get('action') ?? '', actor: params.get('actor') ?? '', since: params.get('since') ?? '' };
  const set = (k: keyof typeof filters, v: string) => setParams((p) => {
    const next = new URLSearchParams(p);
    if (v) next.set(k, v);
    else next.delete(k);
    return next;
  }, { replace: true });
  const users = useUsers();
  const audit = useAudit(200, { action: filters.action || undefined, actor: filters.actor || undefined, since: filters.since || undefined });
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  return (
    <Stack data-testid="admin-audit-page">
      <Group align="flex-end">
        <Autocomplete label="Action" placeholder="Any action" data={knownActions} value={filters.action} onChange={(v) => set('action', v.trim())} w={240} />
        <Select label="Who" placeholder="Anyone" data={(users.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))} value={filters.actor || null}
          onChange={(v) => set('actor', v ?? '')} clearable searchable w={280} />
        <TextInput label="Since" type="datetime-local" value={isoToLocal(filters.since)} onChange={(e) => set('since', localToIso(e.currentTarget.value))} w={220} />
        {(filters.action || filters.actor || filters.since) && <Button variant="subtle" onClick={() => setParams(new URLSearchParams(), { replace: true })}>Clear filters</Button>}
        {audit.isFetching && <Loader size="xs" mb={10} />}
      </Group>
      {audit.error && <Alert color="red">{audit.error.message}</Alert>}
      {audit.data?.length === 0 && <Text size="sm" c="dimmed">No entry matches these filters.</Text>}
      {!!audit.data?.length && (
        <Table.ScrollContainer minWidth={800}>
          <Table striped>
            <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Who</Table.Th><Table.Th>What</Table.Th><Table.Th>Target</Table.Th><Table.Th>Details</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>{audit.data.map((e) => (
              <Table.Tr key={e.id} data-testid="audit-row">
                <Table.Td><Text size="sm" title={formatDateTime(e.at)}>{formatRelative(e.at)}</Text></Table.Td>
                <Table.Td><Text size="sm">{e.actorId ? (userName.get(e.actorId) ?? e.actorId) : 'system'}</Text></Table.Td>
                <Table.Td><Text size="sm" title={e.action}>{humanize(e.action.replace(/\./g, ' '))}</Text></Table.Td>
                <Table.Td><Target e={e} userName={userName} /></Table.Td>
                <Table.Td maw={420}><Details d={e.details} /></Table.Td>
              </Table.Tr>
            ))}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {audit.data?.length === 200 && <Text size="xs" c="dimmed">Showing the newest 200; narrow the filters to see older entries.</Text>}
    </Stack>
  );
}

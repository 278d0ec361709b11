import { Alert, Anchor, Badge, Button, Card, Group, Loader, NativeSelect, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { RuleSetKind } from '../../../rules/schema';
import { defaultEvent } from '../../model';
import { PageHeader } from '../components/PageHeader';
import { api } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { refreshRuleSets } from '../lib/rule-sets';
import { KindBadge } from './KindBadge';

interface Row { id: string; name: string; kind: RuleSetKind; latestVersion: number | null; publishedAt: string | null; draftUpdatedAt: string }
const kinds: RuleSetKind[] = ['scoring', 'routing', 'reminder', 'configurator'];

/** A new rule set of `kind` with one rule that matches everything, ready to edit. */
function starterDocument(name: string, kind: RuleSetKind) {
  const fact = kind === 'configurator' ? { fact: 'quantity', operator: 'greaterThan', value: 0 } : { fact: 'score', operator: 'greaterThanInclusive', value: 0 };
  const doc = { name, kind, rules: [{ name: 'First rule', priority: 1, conditions: { all: [fact] }, event: defaultEvent(kind) }], ...(kind === 'scoring' ? { settings: { grades: { A: 60, B: 30 } } } : {}) };
  if (kind === 'routing') doc.rules[0]!.event = { type: 'route', params: { strategy: { type: 'territory' } } };
  if (kind === 'configurator') doc.rules[0]!.event = { type: 'violation', params: { violation: 'describe the problem' } };
  return doc;
}

export function RuleSetList() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: ['rule-sets'], queryFn: ({ signal }) => api<{ items: Row[] }>('/api/rule-sets', { signal }) });
  const [name, setName] = useState('');
  const [kind, setKind] = useState<RuleSetKind>('scoring');
  const create = useMutation({
    mutationFn: () => api<{ id: string }>('/api/rule-sets', { method: 'POST', body: starterDocument(name, kind) }),
    onSuccess: async (r) => {
      refreshRuleSets();
      await qc.invalidateQueries({ queryKey: ['rule-sets'] });
      void navigate(`/rules/${encodeURIComponent(r.id)}`);
    },
  });
  return (
    <div className="page">
      <PageHeader title="Rule sets" description="Scoring, routing, reminders and configurator rules. Each decision records the rule set and version behind it."
        actions={
          <form className="inline-form" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
            <TextInput placeholder="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} aria-label="New rule set name" />
            <NativeSelect value={kind} onChange={(e) => setKind(e.currentTarget.value as RuleSetKind)} aria-label="Kind" data={kinds} />
            <Button type="submit" disabled={!name.trim()} loading={create.isPending} leftSection={<IconPlus size={16} />}>New rule set</Button>
          </form>
        } />
      {create.error && <Alert color="red" mb="md" title="Not created">{create.error.message}</Alert>}
      {list.error && <Alert color="red" mb="md">{list.error.message}</Alert>}
      <Card withBorder padding={0} radius="md">
        <Table>
          <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Kind</Table.Th><Table.Th>Published</Table.Th><Table.Th>Draft saved</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {list.data?.items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/rules/${encodeURIComponent(r.id)}`} fw={600} size="sm">{r.name}</Anchor>
                  <Text span size="xs" c="dimmed" ff="monospace" ml={8}>{r.id}</Text>
                </Table.Td>
                <Table.Td><KindBadge kind={r.kind} /></Table.Td>
                <Table.Td>{r.latestVersion ? <Badge color="green" variant="light">v{r.latestVersion}</Badge> : <Badge color="gray" variant="light">never</Badge>}</Table.Td>
                <Table.Td><Text size="sm" c="dimmed">{formatDateTime(r.draftUpdatedAt)}</Text></Table.Td>
              </Table.Tr>
            ))}
            {list.data?.items.length === 0 && <Table.Tr><Table.Td colSpan={4}><Text size="sm" c="dimmed" ta="center" py="md">No rule sets yet.</Text></Table.Td></Table.Tr>}
          </Table.Tbody>
        </Table>
        {list.isPending && <Group justify="center" p="md"><Loader size="sm" /></Group>}
      </Card>
    </div>
  );
}

import { Alert, Anchor, Badge, Button, Group, Table, Text, TextInput } from '@mantine/core';
import { IconBolt, IconDirectionSign, IconPencil, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../components/PageHeader';
import { api } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { useSession } from '../lib/session';
import { PipelineRowActions, type PipelineRow } from './PipelineRowActions';

const starterDraft = (id: string) => ({
  name: id, nodes: [{ id: 'capture', type: 'trigger', label: 'Lead captured', config: { sources: [] }, position: { x: 0, y: 120 } }], edges: [],
});

export function PipelineList() {
  const navigate = useNavigate();
  const { user } = useSession();
  const canEdit = user?.role === 'ops' || user?.role === 'admin';
  const { data, error, isPending } = useQuery({ queryKey: ['pipelines'], queryFn: ({ signal }) => api<{ items: PipelineRow[] }>('/api/pipelines', { signal }), staleTime: 0 });
  const [newId, setNewId] = useState('');
  const create = useMutation({
    mutationFn: (id: string) => api(`/api/pipelines/${encodeURIComponent(id)}/draft`, { method: 'PUT', body: starterDraft(id) }),
    onSuccess: (_r, id) => void navigate(`/pipelines/${encodeURIComponent(id)}`),
  });
  const validId = /^[A-Za-z0-9_-]+$/.test(newId.trim());
  return (
    <div className="page">
      <PageHeader
        title="Pipelines"
        description="The graphs leads walk through. Edit a draft, publish it as a new version; running leads stay on theirs. Entry rules choose the pipeline a new lead enters."
        actions={
          <form onSubmit={(e) => { e.preventDefault(); if (validId) create.mutate(newId.trim()); }}>
            <Group gap="xs">
              <Button component={Link} to="/entry-rules" variant="default" leftSection={<IconDirectionSign size={16} />}>Entry rules</Button>
              <TextInput placeholder="new-pipeline-id" value={newId} onChange={(e) => setNewId(e.currentTarget.value)} aria-label="New pipeline id"
                error={newId && !validId ? 'letters, digits, - and _' : undefined} />
              <Button type="submit" leftSection={<IconPlus size={16} />} disabled={!validId} loading={create.isPending}>New pipeline</Button>
            </Group>
          </form>
        }
      />
      {create.error && <Alert color="red" variant="light" mb="sm">{create.error.message}</Alert>}
      {error && <Alert color="red" variant="light" mb="sm">{error.message}</Alert>}
      <Table withTableBorder bg="white">
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Id</Table.Th><Table.Th>Published</Table.Th><Table.Th>Draft saved</Table.Th><Table.Th /></Table.Tr></Table.Thead>
        <Table.Tbody>
          {isPending && <Table.Tr><Table.Td colSpan={5}><Text c="dimmed" size="sm">Loading…</Text></Table.Td></Table.Tr>}
          {data?.items.map((p) => (
            <Table.Tr key={p.id} data-testid={`pipeline-row-${p.id}`} style={p.archivedAt ? { opacity: 0.65 } : undefined}>
              <Table.Td>
                <Group gap={6}>
                  <Anchor component={Link} to={`/pipelines/${encodeURIComponent(p.id)}`} fw={600}>{p.name}</Anchor>
                  {p.archivedAt && <Badge variant="light" color="gray" title={`Archived ${formatDateTime(p.archivedAt)}: receives no new leads`}>archived</Badge>}
                </Group>
              </Table.Td>
              <Table.Td><Text ff="monospace" size="sm">{p.id}</Text></Table.Td>
              <Table.Td>
                <Group gap={6}>
                  {p.latestVersion ? <Badge variant="light" color="green">v{p.latestVersion}</Badge> : <Badge variant="light" color="gray">never</Badge>}
                  {p.publishedAt && <Text size="xs" c="dimmed">{formatDateTime(p.publishedAt)}</Text>}
                </Group>
              </Table.Td>
              <Table.Td><Text size="xs" c="dimmed">{formatDateTime(p.draftUpdatedAt)}</Text></Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end">
                  <Button component={Link} to={`/pipelines/${encodeURIComponent(p.id)}`} size="compact-sm" variant="default" leftSection={<IconPencil size={14} />}>Edit</Button>
                  <Button component={Link} to={`/live/${encodeURIComponent(p.id)}`} size="compact-sm" variant="default" leftSection={<IconBolt size={14} />}>Live</Button>
                  {canEdit && <PipelineRowActions pipeline={p} />}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

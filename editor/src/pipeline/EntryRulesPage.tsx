import { ActionIcon, Alert, Badge, Button, Card, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconDeviceFloppy, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Condition } from '../../../rules/schema';
import { PageHeader } from '../components/PageHeader';
import { api, ApiError, type ApiProblem } from '../lib/api';
import { useSession } from '../lib/session';
import { ConditionTree, newLeaf } from '../rules/ConditionTree';
import type { FactCatalog } from '../rules/types';

interface EntryRule { id?: string; name: string; pipelineId: string; conditions: Condition }
interface EntryRulesResponse { rules: EntryRule[]; defaultPipelineId: string; catalog: FactCatalog }
interface PipelineRow { id: string; name: string; latestVersion: number | null; archivedAt: string | null }

/**
 * Entry rules: which published pipeline a captured lead enters. Tried in order; the first rule whose conditions
 * match wins, the default pipeline takes the rest. Saved as a whole list (the server checks every rule).
 */
export function EntryRulesPage() {
  const { user } = useSession();
  const canEdit = user?.role === 'ops' || user?.role === 'admin';
  const qc = useQueryClient();
  const entry = useQuery({ queryKey: ['entry-rules'], queryFn: ({ signal }) => api<EntryRulesResponse>('/api/entry-rules', { signal }) });
  const pipelines = useQuery({ queryKey: ['pipelines'], queryFn: ({ signal }) => api<{ items: PipelineRow[] }>('/api/pipelines', { signal }) });
  // The list being edited (not on the server yet); reset whenever the server's list changes.
  const [rules, setRules] = useState<EntryRule[]>();
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (entry.data) setRules(entry.data.rules.map((r) => ({ id: r.id, name: r.name, pipelineId: r.pipelineId, conditions: r.conditions })));
  }, [entry.data]);

  const save = useMutation({
    mutationFn: (list: EntryRule[]) => api<EntryRulesResponse>('/api/entry-rules', { method: 'PUT', body: { rules: list } }),
    onSuccess: (r) => {
      setProblems([]);
      setSaved(true);
      qc.setQueryData(['entry-rules'], r);
    },
    onError: (e) => setProblems(e instanceof ApiError ? e.problems : []),
  });

  const catalog = entry.data?.catalog;
  const open = (pipelines.data?.items ?? []).filter((p) => p.latestVersion !== null && !p.archivedAt);
  const name = (id: string) => pipelines.data?.items.find((p) => p.id === id)?.name ?? id;
  const edit = (next: EntryRule[]) => {
    setRules(next);
    setSaved(false);
  };
  const set = (i: number, patch: Partial<EntryRule>) => edit(rules!.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...rules!];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    edit(next);
  };
  const add = () => edit([...rules!, { name: `Rule ${rules!.length + 1}`, pipelineId: open.find((p) => p.id !== entry.data?.defaultPipelineId)?.id ?? open[0]?.id ?? '', conditions: { all: [newLeaf(catalog!)] } }]);
  const at = (i: number, field: string) => problems.filter((p) => p.path === `rules[${i}].${field}` || p.path === `body.rules.${i}.${field}`);

  return (
    <div className="page">
      <PageHeader
        title="Entry rules"
        description="Which pipeline a captured lead enters. Rules are tried from the top; the first that matches wins. Leads no rule takes enter the default pipeline."
        actions={canEdit && rules ? (
          <Group gap="xs">
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={add} disabled={!catalog || open.length === 0}>Add rule</Button>
            <Button leftSection={<IconDeviceFloppy size={16} />} loading={save.isPending} onClick={() => save.mutate(rules)}>Save entry rules</Button>
          </Group>
        ) : undefined}
      />
      {entry.error && <Alert color="red" variant="light" mb="sm">{entry.error.message}</Alert>}
      {save.error && <Alert color="red" variant="light" mb="sm" data-testid="entry-error">{save.error.message}</Alert>}
      {saved && <Alert color="green" variant="light" mb="sm">Entry rules saved: new captures follow them now.</Alert>}
      {rules && catalog && (
        <Stack gap="sm">
          {rules.length === 0 && <Text c="dimmed" size="sm">No entry rules: every lead enters the default pipeline.</Text>}
          {rules.map((r, i) => (
            <Card key={r.id ?? `new-${i}`} withBorder padding="sm" data-testid="entry-rule">
              <Group justify="space-between" align="flex-end" mb="xs" wrap="nowrap">
                <Group gap="xs" align="flex-end" wrap="nowrap">
                  <Badge variant="light" color="gray" mb={6}>{i + 1}</Badge>
                  <TextInput label="Rule name" value={r.name} readOnly={!canEdit} onChange={(e) => set(i, { name: e.currentTarget.value })} error={at(i, 'name')[0]?.message} w={260} />
                  <NativeSelect label="Enters pipeline" value={r.pipelineId} disabled={!canEdit} onChange={(e) => set(i, { pipelineId: e.currentTarget.value })}
                    error={at(i, 'pipelineId')[0]?.message} w={260}
                    data={[...(open.some((p) => p.id === r.pipelineId) ? [] : [{ value: r.pipelineId, label: `${name(r.pipelineId)} (cannot receive leads)` }]), ...open.map((p) => ({ value: p.id, label: p.name }))]} />
                </Group>
                {canEdit && (
                  <Group gap={4} wrap="nowrap">
                    <ActionIcon variant="subtle" color="gray" disabled={i === 0} onClick={() => move(i, -1)} aria-label="Move up"><IconArrowUp size={16} /></ActionIcon>
                    <ActionIcon variant="subtle" color="gray" disabled={i === rules.length - 1} onClick={() => move(i, 1)} aria-label="Move down"><IconArrowDown size={16} /></ActionIcon>
                    <ActionIcon variant="subtle" color="red" onClick={() => edit(rules.filter((_, j) => j !== i))} aria-label="Remove rule"><IconTrash size={16} /></ActionIcon>
                  </Group>
                )}
              </Group>
              <Text size="xs" c="dimmed" mb={4}>When the captured lead matches</Text>
              <ConditionTree root={r.conditions} catalog={catalog} docPath={['rules', i, 'conditions']} problems={problems} readOnly={!canEdit} onChange={(conditions) => set(i, { conditions })} />
            </Card>
          ))}
          <Text size="sm" c="dimmed">Otherwise: the default pipeline ({name(entry.data?.defaultPipelineId ?? 'default')}).</Text>
        </Stack>
      )}
    </div>
  );
}

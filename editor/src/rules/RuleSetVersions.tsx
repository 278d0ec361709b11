import { Alert, Button, Card, Group, Loader, Modal, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useState } from 'react';
import { api, post } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { refreshRuleSets } from '../lib/rule-sets';
import { RuleDiff, type RuleSetDiffView } from './RuleDiff';
import type { EditableRuleSet, FactCatalog } from './types';

export interface VersionInfo { version: number; note: string; publishedBy: string | null; publishedAt: string }
type Ref = number | 'draft';

export const ruleSetKeys = {
  versions: (id: string) => ['rule-sets', id, 'versions'] as const,
  doc: (id: string, ref: Ref) => ['rule-sets', id, 'doc', ref] as const,
  diff: (id: string, from: Ref, to: Ref) => ['rule-sets', id, 'diff', from, to] as const,
};

/** A published version's document, or the stored draft. */
function useDocument(id: string, ref: Ref | undefined) {
  const base = `/api/rule-sets/${encodeURIComponent(id)}`;
  return useQuery({
    queryKey: ruleSetKeys.doc(id, ref ?? 0),
    enabled: ref !== undefined,
    queryFn: ({ signal }) => (ref === 'draft'
      ? api<{ draft: EditableRuleSet }>(base, { signal }).then((d) => d.draft)
      : api<{ document: EditableRuleSet }>(`${base}/versions/${ref}`, { signal }).then((d) => d.document)),
  });
}

/**
 * Published versions with their notes, a diff between any two (or a version and the draft), and rollback:
 * publishing an earlier version's rules again as a new version, with a note (audited like any publish).
 */
export function RuleSetVersions({ ruleSetId, catalog, canEdit, onPublished }: { ruleSetId: string; catalog: FactCatalog; canEdit: boolean; onPublished(): void }) {
  const qc = useQueryClient();
  const base = `/api/rule-sets/${encodeURIComponent(ruleSetId)}`;
  const versions = useQuery({ queryKey: ruleSetKeys.versions(ruleSetId), queryFn: ({ signal }) => api<{ items: VersionInfo[] }>(`${base}/versions`, { signal }).then((r) => r.items) });
  const items = versions.data ?? [];
  const [pick, setPick] = useState<{ from?: Ref; to?: Ref }>({});
  const from: Ref | undefined = pick.from ?? items[1]?.version ?? items[0]?.version;
  const to: Ref | undefined = pick.to ?? (items[1] ? items[0]?.version : 'draft');
  const diff = useQuery({
    queryKey: ruleSetKeys.diff(ruleSetId, from ?? 0, to ?? 0),
    enabled: from !== undefined && to !== undefined,
    queryFn: ({ signal }) => api<RuleSetDiffView>(`${base}/diff?from=${from}&to=${to}`, { signal }),
  });
  const fromDoc = useDocument(ruleSetId, from);
  const toDoc = useDocument(ruleSetId, to);
  const [rollbackTo, setRollbackTo] = useState<number>();
  const [note, setNote] = useState('');
  const rollback = useMutation({
    mutationFn: (b: { version: number; note: string }) => post<{ version: number; rolledBackTo: number }>(`${base}/rollback`, { version: b.version, note: b.note.trim() || undefined }),
    onSuccess: async () => {
      refreshRuleSets();
      setRollbackTo(undefined);
      setPick({});
      await qc.invalidateQueries({ queryKey: ['rule-sets', ruleSetId] });
      onPublished();
    },
  });
  const refOptions = [...items.map((v) => ({ value: String(v.version), label: `v${v.version}${v.note ? ` — ${v.note.slice(0, 40)}` : ''}` })), { value: 'draft', label: 'Draft (unpublished)' }];
  const parseRef = (s: string): Ref => (s === 'draft' ? 'draft' : Number(s));

  if (versions.isPending) return <Loader size="sm" />;
  if (versions.error) return <Alert color="red">{versions.error.message}</Alert>;
  return (
    <Stack gap="md" data-testid="rule-versions">
      <Card withBorder radius="md" padding={0}>
        <Table verticalSpacing={6} fz="sm">
          <Table.Thead><Table.Tr><Table.Th w={70}>Version</Table.Th><Table.Th>Note</Table.Th><Table.Th w={170}>Published</Table.Th><Table.Th w={120}>By</Table.Th><Table.Th w={230} /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {items.map((v, i) => (
              <Table.Tr key={v.version} data-testid={`version-${v.version}`}>
                <Table.Td fw={600}>v{v.version}{i === 0 && <Text span size="xs" c="green" ml={6}>live</Text>}</Table.Td>
                <Table.Td>{v.note || <Text span c="dimmed" size="sm">no note</Text>}</Table.Td>
                <Table.Td><Text size="sm" c="dimmed">{formatDateTime(v.publishedAt)}</Text></Table.Td>
                <Table.Td><Text size="sm" c="dimmed">{v.publishedBy ?? 'system'}</Text></Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {items[i + 1] && <Button size="compact-xs" variant="subtle" onClick={() => setPick({ from: items[i + 1]!.version, to: v.version })}>Changes in v{v.version}</Button>}
                    {canEdit && i > 0 && (
                      <Button size="compact-xs" variant="light" color="orange" leftSection={<IconArrowBackUp size={14} />} onClick={() => { setNote(`Roll back to v${v.version}`); setRollbackTo(v.version); }}>
                        Roll back to v{v.version}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
            {items.length === 0 && <Table.Tr><Table.Td colSpan={5}><Text size="sm" c="dimmed" ta="center" py="sm">Not published yet.</Text></Table.Td></Table.Tr>}
          </Table.Tbody>
        </Table>
      </Card>
      {items.length > 0 && (
        <Card withBorder radius="md" padding="sm">
          <Group align="flex-end" gap="sm" mb="sm">
            <Title order={3} fz="sm" mr="auto">Compare</Title>
            <NativeSelect size="xs" w={240} label="From" aria-label="compare from" value={String(from)} data={refOptions} onChange={(e) => setPick({ from: parseRef(e.currentTarget.value), to })} />
            <NativeSelect size="xs" w={240} label="To" aria-label="compare to" value={String(to)} data={refOptions} onChange={(e) => setPick({ from, to: parseRef(e.currentTarget.value) })} />
          </Group>
          {diff.error && <Alert color="red">{diff.error.message}</Alert>}
          {diff.isFetching && !diff.data && <Loader size="sm" />}
          {diff.data && <RuleDiff diff={diff.data} from={fromDoc.data} to={toDoc.data} catalog={catalog} />}
        </Card>
      )}
      <Modal opened={rollbackTo !== undefined} onClose={() => setRollbackTo(undefined)} title={`Roll back to v${rollbackTo}`} centered>
        <Stack gap="sm">
          <Text size="sm">The rules of v{rollbackTo} are published again as v{(items[0]?.version ?? 0) + 1}. New decisions use them at once; the draft stays as it is.</Text>
          <TextInput label="Note" description="Why — shown in the version list and the audit log" value={note} onChange={(e) => setNote(e.currentTarget.value)} data-autofocus />
          {rollback.error && <Alert color="red">{rollback.error.message}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRollbackTo(undefined)}>Cancel</Button>
            <Button color="orange" loading={rollback.isPending} onClick={() => rollbackTo && rollback.mutate({ version: rollbackTo, note })}>Roll back</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

import { Alert, Button, Group, Loader, Modal, SimpleGrid, Stack, Table, Text, Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { RuleSetKind } from '../../../rules/schema';
import { ApiError, post } from '../lib/api';

interface Backtest {
  leads: number; changed: number; counts: Record<string, number>; published: { version: number };
  sample: { leadId: string; before: Record<string, unknown>; after: Record<string, unknown> }[];
}

const countLabels: Record<RuleSetKind, [string, string][]> = {
  scoring: [['grade', 'change grade'], ['score', 'change score'], ['scoreUp', 'score higher'], ['scoreDown', 'score lower']],
  routing: [['rule', 'match another routing rule'], ['strategy', 'are routed differently']],
  reminder: [['reminders', 'get different reminders']],
  configurator: [],
};
const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Confirmation before publishing: the draft (already saved) is compared with the live version on recent leads
 * (the backtest), so ops see how many leads would change grade or route before they confirm.
 */
export function PublishDialog({ ruleSetId, kind, nextVersion, opened, onClose, onConfirm }: {
  ruleSetId: string; kind: RuleSetKind; nextVersion: number; opened: boolean; onClose(): void; onConfirm(note: string): Promise<void>;
}) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const bt = useQuery({
    queryKey: ['rule-sets', ruleSetId, 'backtest-before-publish'],
    enabled: opened && kind !== 'configurator',
    gcTime: 0,
    retry: false,
    queryFn: () => post<Backtest>(`/api/rule-sets/${encodeURIComponent(ruleSetId)}/backtest`, { limit: 1000 }),
  });
  const firstVersion = bt.error instanceof ApiError && bt.error.status === 409;
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(note.trim());
      setNote('');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Publish v${nextVersion}`} size="lg" centered>
      <Stack gap="sm" data-testid="publish-dialog">
        {kind === 'configurator' && <Text size="sm" c="dimmed">Configurator rules check offers, not leads; there is nothing to backtest.</Text>}
        {bt.isFetching && <Group gap="xs"><Loader size="xs" /><Text size="sm">Comparing the draft with the live version on recent leads…</Text></Group>}
        {firstVersion && <Text size="sm">This is the first version: there is no live version to compare with.</Text>}
        {bt.error && !firstVersion && <Alert color="yellow" title="The backtest did not run">{bt.error.message}</Alert>}
        {bt.data && (
          <>
            <Text size="sm" data-testid="backtest-summary">
              On the <b>{bt.data.leads}</b> most recent leads, <b>{bt.data.changed}</b> would get a different decision than with v{bt.data.published.version}.
            </Text>
            <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
              {countLabels[kind].map(([key, label]) => (
                <div key={key} data-testid={`backtest-${key}`}>
                  <Text fw={700} fz="lg">{bt.data.counts[key] ?? 0}</Text>
                  <Text size="xs" c="dimmed">leads would {label}</Text>
                </div>
              ))}
            </SimpleGrid>
            {bt.data.sample.length > 0 && (
              <Table fz="xs" verticalSpacing={2}>
                <Table.Thead><Table.Tr><Table.Th>Lead</Table.Th><Table.Th>Now</Table.Th><Table.Th>After publishing</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {bt.data.sample.slice(0, 5).map((s) => (
                    <Table.Tr key={s.leadId}>
                      <Table.Td ff="monospace">{s.leadId.slice(0, 12)}</Table.Td>
                      <Table.Td>{Object.entries(s.before).map(([k, v]) => `${k} ${show(v)}`).join(', ')}</Table.Td>
                      <Table.Td>{Object.entries(s.after).map(([k, v]) => `${k} ${show(v)}`).join(', ')}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        )}
        <Textarea label="Note" description="What changed and why — shown in the version list" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button loading={busy} disabled={bt.isFetching} onClick={() => void confirm()}>Publish v{nextVersion}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

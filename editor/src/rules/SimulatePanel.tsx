import { Alert, Badge, Box, Button, Card, Checkbox, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { RuleSetKind } from '../../../rules/schema';
import { api, ApiError } from '../lib/api';

interface Trace { path: string; fact: string; operator: string; expected: unknown; actual: unknown; negated?: boolean }
interface SimResult {
  ruleSet: { version: number | null; draft: boolean };
  decision: Record<string, unknown>;
  explanation: { matched?: { rule: string; conditions: Trace[] }[] };
}
interface Backtest { leads: number; changed: number; counts: Record<string, number>; sample: { leadId: string; before: Record<string, unknown>; after: Record<string, unknown> }[]; published: { version: number } }

const sampleLead = { source: 'web', country: 'DE', companySize: 250, industry: 'software', jobTitle: 'Head of Sales', hasPhone: true, formSubmissions: 1, tags: [] as string[] };
const sampleConfig = { product: 'crm-pro', options: ['sso'], quantity: 25, contractMonths: 12, storageGb: 100, listPrice: 12000 };
const show = (v: unknown) => (v === undefined ? 'missing' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
const mono = { fontFamily: 'var(--mantine-font-family-monospace)' } as const;

/**
 * Runs the draft (or the published version) on a stored or sample lead, with the explanation; backtests the draft.
 * With `initialLeadId` (a lead page's "re-run this decision") the stored lead is preloaded and run once.
 */
export function SimulatePanel({ ruleSetId, kind, dirty, canBacktest, initialLeadId }: { ruleSetId: string; kind: RuleSetKind; dirty: boolean; canBacktest: boolean; initialLeadId?: string }) {
  const base = `/api/rule-sets/${encodeURIComponent(ruleSetId)}`;
  const preload = kind !== 'configurator' && initialLeadId ? initialLeadId : undefined;
  const [mode, setMode] = useState<'sample' | 'stored'>(preload ? 'stored' : 'sample');
  const [leadId, setLeadId] = useState(preload ?? '');
  const [text, setText] = useState(JSON.stringify(kind === 'configurator' ? sampleConfig : sampleLead, null, 2));
  // A re-run of a recorded decision compares against what was published; an editor's own run tries the draft.
  const [useDraft, setUseDraft] = useState(!preload);
  const [result, setResult] = useState<SimResult>();
  const [bt, setBt] = useState<Backtest>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<'sim' | 'bt'>();

  const simulate = async (override?: { leadId: string; useDraft: boolean }) => {
    setError(undefined);
    setBusy('sim');
    try {
      const stored = override ?? (mode === 'stored' ? { leadId, useDraft } : undefined);
      const facts = stored ? undefined : JSON.parse(text) as Record<string, unknown>;
      const body = stored ?? (kind === 'configurator' ? { configuration: facts, useDraft } : { lead: facts, useDraft });
      setResult(await api<SimResult>(`${base}/simulate`, { method: 'POST', body }));
    } catch (err) {
      setResult(undefined);
      setError(err instanceof ApiError ? err.message : (err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  const ran = useRef(false);
  useEffect(() => {
    if (preload && !ran.current) {
      ran.current = true;
      void simulate({ leadId: preload, useDraft: false });
    }
  });
  const backtest = async () => {
    setError(undefined);
    setBusy('bt');
    try {
      setBt(await api<Backtest>(`${base}/backtest`, { method: 'POST', body: { limit: 1000 } }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(undefined);
    }
  };
  const matched = result?.explanation.matched ?? [];
  const unmatched = (result?.decision.unmatched ?? []) as { rule: string; failed: Trace | null }[];
  const { matched: _m, unmatched: _u, ...decision } = result?.decision ?? {};
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Card withBorder radius="md" padding="md">
        <Stack gap="sm">
          <Title order={3} fz="md">Simulate</Title>
          {dirty && useDraft && <Alert color="yellow" py={6}>The simulation uses the saved draft: save your changes first.</Alert>}
          {kind !== 'configurator' && (
            <SegmentedControl size="xs" value={mode} onChange={(v) => setMode(v as 'sample' | 'stored')} data={[{ value: 'sample', label: 'Sample lead' }, { value: 'stored', label: 'Stored lead' }]} />
          )}
          {mode === 'sample'
            ? <Textarea autosize minRows={10} styles={{ input: { ...mono, fontSize: 12 } }} value={text} onChange={(e) => setText(e.currentTarget.value)} aria-label="sample facts" />
            : <TextInput placeholder="lead id" value={leadId} onChange={(e) => setLeadId(e.currentTarget.value)} aria-label="lead id" />}
          <Group justify="space-between">
            <Checkbox checked={useDraft} onChange={(e) => setUseDraft(e.currentTarget.checked)} label="Use the draft (else the newest published version)" size="sm" />
            <Button onClick={() => void simulate()} loading={busy === 'sim'}>Run</Button>
          </Group>
          {error && <Alert color="red" py={6}>{error}</Alert>}
          {result && (
            <Box data-testid="sim-result">
              <Text size="xs" fw={700} tt="uppercase" c="dimmed" mt="xs">Decision <Text span size="xs" c="dimmed" tt="none">({result.ruleSet.draft ? 'draft' : `v${result.ruleSet.version}`}{mode === 'stored' ? ` · lead ${leadId}` : ''})</Text></Text>
              <Table withRowBorders={false} verticalSpacing={2} mb="xs">
                <Table.Tbody>{Object.entries(decision).map(([k, v]) => <Table.Tr key={k}><Table.Td w={140}><Text size="sm" c="dimmed">{k}</Text></Table.Td><Table.Td><Text size="sm" style={mono}>{show(v)}</Text></Table.Td></Table.Tr>)}</Table.Tbody>
              </Table>
              <Text size="xs" fw={700} tt="uppercase" c="dimmed">Matched rules</Text>
              {matched.length === 0 && <Text size="sm" c="dimmed">None.</Text>}
              {matched.map((m) => (
                <div key={m.rule} className="explain ok">
                  <Text size="sm" fw={600}>✓ {m.rule}</Text>
                  {m.conditions.map((c) => <Text key={c.path} size="xs" style={mono}>{c.negated ? 'not ' : ''}{c.fact} {c.operator} {show(c.expected)} <Text span size="xs" c="dimmed">(was {show(c.actual)})</Text></Text>)}
                </div>
              ))}
              {unmatched.length > 0 && <Text size="xs" fw={700} tt="uppercase" c="dimmed" mt="xs">Not matched</Text>}
              {unmatched.map((u) => (
                <div key={u.rule} className="explain no">
                  <Text size="sm" fw={600}>✗ {u.rule}</Text>
                  {u.failed && <Text size="xs" style={mono}>failed: {u.failed.fact} {u.failed.operator} {show(u.failed.expected)} <Text span size="xs" c="dimmed">(was {show(u.failed.actual)}) at {u.failed.path}</Text></Text>}
                </div>
              ))}
            </Box>
          )}
        </Stack>
      </Card>
      <Card withBorder radius="md" padding="md">
        <Stack gap="sm">
          <Title order={3} fz="md">Backtest</Title>
          <Text size="sm" c="dimmed">Runs the saved draft and the newest published version over the newest stored leads and counts what would change.</Text>
          <Button variant="default" style={{ alignSelf: 'flex-start' }} disabled={!canBacktest} loading={busy === 'bt'} onClick={() => void backtest()}>Run backtest</Button>
          {bt && (
            <div data-testid="backtest-result">
              <Text size="sm"><Badge color={bt.changed ? 'orange' : 'green'} variant="light" mr={6}>{bt.changed}</Badge>of {bt.leads} leads would change (vs v{bt.published.version}).</Text>
              <Table mt="xs" verticalSpacing={2}><Table.Tbody>{Object.entries(bt.counts).map(([k, v]) => <Table.Tr key={k}><Table.Td><Text size="sm">{k}</Text></Table.Td><Table.Td ta="right"><Text size="sm">{v}</Text></Table.Td></Table.Tr>)}</Table.Tbody></Table>
              {bt.sample.length > 0 && <Text size="xs" fw={700} tt="uppercase" c="dimmed" mt="sm">Sample changes</Text>}
              <Table verticalSpacing={2}>
                <Table.Tbody>{bt.sample.slice(0, 20).map((s) => (
                  <Table.Tr key={s.leadId}><Table.Td><Text size="xs" style={mono}>{s.leadId}</Text></Table.Td><Table.Td><Text size="xs" style={mono}>{show(s.before)}</Text></Table.Td><Table.Td>→</Table.Td><Table.Td><Text size="xs" style={mono}>{show(s.after)}</Text></Table.Td></Table.Tr>
                ))}</Table.Tbody>
              </Table>
            </div>
          )}
        </Stack>
      </Card>
    </SimpleGrid>
  );
}

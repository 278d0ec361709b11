import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Loader, Modal, NativeSelect, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconArrowRight, IconBolt } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { stageOrder } from '../../../../model';
import { PageHeader } from '../../../components/PageHeader';
import { ApiError } from '../../../lib/api';
import { humanize } from '../../../lib/format';
import { useMovePreview, usePipelineVersions, useRunMove, useVersionDocument, type MoveJobView, type MovePlan, type MovePreview } from '../api/moves';

const ruleColor: Record<string, string> = { 'same node': 'green', 'same stage': 'teal', 'same type': 'yellow', chosen: 'indigo' };
const statusColor: Record<string, string> = { moved: 'green', refused: 'red', pending: 'yellow' };
const LEAVE = '';

/** Ops move live leads to another published version: choose, preview the node mapping, adjust it, confirm, see each lead's result. */
export function MoveLeadsPage() {
  const { id = 'default' } = useParams();
  const [search] = useSearchParams();
  const pipeline = usePipelineVersions(id);
  const versions = pipeline.data?.versions ?? [];
  const latest = versions[0]?.version;
  const [toVersion, setToVersion] = useState<number | undefined>(search.get('to') ? Number(search.get('to')) : undefined);
  const target = toVersion ?? latest;
  const [fromVersion, setFromVersion] = useState<number | undefined>(search.get('from') ? Number(search.get('from')) : undefined);
  const source = fromVersion ?? versions.find((v) => v.version !== target)?.version;
  const [stage, setStage] = useState(search.get('stage') ?? '');
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [left, setLeft] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [job, setJob] = useState<MoveJobView>();
  const [names, setNames] = useState<Record<string, string>>({});
  const sourceDoc = useVersionDocument(id, source);
  const stages = useMemo(() => (sourceDoc.data ? stageOrder(sourceDoc.data.document) : []), [sourceDoc.data]);

  const plan: MovePlan | null = target && source ? { toVersion: target, fromVersion: source, ...(stage ? { stage } : {}), mapping } : null;
  const preview = useMovePreview(id, job ? null : plan);
  const run = useRunMove(id);
  const p = preview.data;
  const chosen = p ? p.leads.filter((l) => l.movable && !left.has(l.id)) : [];

  const reset = () => { setMapping({}); setLeft(new Set()); setJob(undefined); };
  const versionOptions = versions.map((v) => ({ value: String(v.version), label: `v${v.version}${v.note ? ` — ${v.note}` : ''}` }));

  const execute = async () => {
    if (!plan) return;
    const moveId = `mv-${crypto.randomUUID()}`;
    const result = await run.mutateAsync({ ...plan, leadIds: chosen.map((l) => l.id), moveId });
    setConfirming(false);
    if (p) setNames(Object.fromEntries([...p.sources.map((s) => [s.nodeId, s.label]), ...p.targets.map((t) => [t.nodeId, t.label])]));
    setJob(result);
  };

  return (
    <div className="page page-wide">
      <PageHeader
        eyebrow={<Anchor component={Link} to={`/pipelines/${encodeURIComponent(id)}`} size="sm">{pipeline.data?.name ?? id}</Anchor>}
        title="Move leads to another version"
        description="Leads keep running on the version they started with until you move them. Each lead moves at its next step boundary, keeps its open tasks, and its timeline records the move."
        actions={<Button component={Link} to={`/live/${encodeURIComponent(id)}`} variant="default" leftSection={<IconBolt size={16} />}>Live view</Button>}
      />
      {pipeline.error && <Alert color="red" mb="md">{pipeline.error.message}</Alert>}
      {pipeline.isLoading && <Loader size="sm" />}
      {pipeline.data && versions.length < 2 && <Alert color="gray" mb="md">This pipeline has {versions.length} published version{versions.length === 1 ? '' : 's'}; publish a new version to move leads to it.</Alert>}

      {versions.length >= 2 && !job && (
        <Card withBorder radius="md" mb="md">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NativeSelect label="Leads now on" data={versionOptions} value={source ? String(source) : ''} data-testid="move-from"
              onChange={(e) => { setFromVersion(Number(e.currentTarget.value)); setStage(''); reset(); }} />
            <NativeSelect label="In stage" data={[{ value: '', label: 'every stage' }, ...stages.map((s) => ({ value: s, label: humanize(s) }))]} value={stage} data-testid="move-stage"
              onChange={(e) => { setStage(e.currentTarget.value); reset(); }} />
            <NativeSelect label="Move to" data={versionOptions} value={target ? String(target) : ''} data-testid="move-to"
              onChange={(e) => { setToVersion(Number(e.currentTarget.value)); reset(); }} />
          </SimpleGrid>
        </Card>
      )}

      {!job && preview.error && <Alert color="red" mb="md">{preview.error instanceof ApiError ? preview.error.message : String(preview.error)}</Alert>}
      {!job && p && <PreviewView preview={p} mapping={mapping} setMapping={setMapping} left={left} setLeft={setLeft} busy={preview.isFetching} />}

      {!job && p && (
        <Group justify="flex-end" mt="md">
          <Text size="sm" c="dimmed">{chosen.length} of {p.leads.length} lead{p.leads.length === 1 ? '' : 's'} will move to v{p.toVersion}</Text>
          <Button disabled={!chosen.length || preview.isFetching} onClick={() => setConfirming(true)} rightSection={<IconArrowRight size={16} />}>
            Move {chosen.length} lead{chosen.length === 1 ? '' : 's'}…
          </Button>
        </Group>
      )}

      <Modal opened={confirming} onClose={() => setConfirming(false)} title={`Move ${chosen.length} lead${chosen.length === 1 ? '' : 's'} to v${target}?`}>
        <Stack>
          <Text size="sm">Each lead continues on v{target} from its mapped node. This is recorded on every lead's timeline and in the audit log, and cannot be undone here (move them back with another move).</Text>
          {run.error && <Alert color="red">{run.error instanceof ApiError ? run.error.message : String(run.error)}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>Cancel</Button>
            <Button loading={run.isPending} onClick={() => void execute().catch(() => undefined)}>Move leads</Button>
          </Group>
        </Stack>
      </Modal>

      {job && <JobView job={job} names={names} onAgain={reset} />}
    </div>
  );
}

function PreviewView({ preview, mapping, setMapping, left, setLeft, busy }: {
  preview: MovePreview; mapping: Record<string, string>; setMapping(m: Record<string, string>): void; left: Set<string>; setLeft(s: Set<string>): void; busy: boolean;
}) {
  const targetOptions = [
    { value: LEAVE, label: '— leave these leads where they are —' },
    ...preview.targets.map((t) => ({ value: t.nodeId, label: `${t.label} (${humanize(t.type).toLowerCase()}${t.stage ? ` · ${t.stage}` : ''})` })),
  ];
  const label = (nodeId: string | null) => (nodeId ? (preview.targets.find((t) => t.nodeId === nodeId)?.label ?? nodeId) : '—');
  const sourceLabel = (nodeId: string | null) => (nodeId ? (preview.sources.find((s) => s.nodeId === nodeId)?.label ?? nodeId) : '—');
  return (
    <Stack gap="md">
      <Card withBorder radius="md" padding={0} data-testid="move-mapping">
        <Group justify="space-between" px="md" pt="sm" pb={4}>
          <Text fw={600}>Node mapping</Text>
          {busy && <Loader size="xs" />}
        </Group>
        {preview.sources.length === 0 && <Text size="sm" c="dimmed" px="md" pb="sm">No movable lead matches these choices.</Text>}
        {preview.sources.length > 0 && (
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Where the leads are</Table.Th><Table.Th ta="right">Leads</Table.Th><Table.Th>Node on v{preview.toVersion}</Table.Th><Table.Th>Why</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {preview.sources.map((s) => (
                <Table.Tr key={s.nodeId} data-testid={`mapping-${s.nodeId}`}>
                  <Table.Td><Text size="sm" fw={500}>{s.label}</Text><Text size="xs" c="dimmed">{humanize(s.type)}{s.stage ? ` · ${s.stage}` : ''} · v{s.versions.join(', v')}</Text></Table.Td>
                  <Table.Td ta="right">{s.leads}</Table.Td>
                  <Table.Td>
                    <NativeSelect size="xs" aria-label={`target for ${s.label}`} data={targetOptions} value={s.target ?? LEAVE}
                      onChange={(e) => {
                        const v = e.currentTarget.value;
                        const next = { ...mapping };
                        if (v === (s.defaultTarget ?? LEAVE) && s.defaultTarget) delete next[s.nodeId]; else next[s.nodeId] = v;
                        setMapping(next);
                      }} />
                  </Table.Td>
                  <Table.Td>{s.rule ? <Badge variant="light" color={ruleColor[s.rule] ?? 'gray'}>{s.rule}</Badge> : <Badge variant="light" color="red">no target</Badge>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Card withBorder radius="md" padding={0} data-testid="move-leads">
        <Text fw={600} px="md" pt="sm" pb={4}>Leads ({preview.movable} can move, {preview.refused} cannot)</Text>
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead><Table.Tr><Table.Th w={40} /><Table.Th>Lead</Table.Th><Table.Th>Now</Table.Th><Table.Th>After the move</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {preview.leads.map((l) => (
                <Table.Tr key={l.id} data-testid={`move-lead-${l.id}`}>
                  <Table.Td>
                    <Checkbox aria-label={`move ${l.name}`} disabled={!l.movable} checked={l.movable && !left.has(l.id)}
                      onChange={(e) => { const n = new Set(left); if (e.currentTarget.checked) n.delete(l.id); else n.add(l.id); setLeft(n); }} />
                  </Table.Td>
                  <Table.Td><Text size="sm" fw={500}>{l.name}</Text><Text size="xs" c="dimmed">{l.company ?? ''}</Text></Table.Td>
                  <Table.Td><Text size="sm">v{l.fromVersion} · {sourceLabel(l.fromNodeId)}</Text><Text size="xs" c="dimmed">{l.stage} · {l.status}</Text></Table.Td>
                  <Table.Td>
                    {l.movable
                      ? <Text size="sm" c={left.has(l.id) ? 'dimmed' : undefined}>{left.has(l.id) ? 'left out' : `v${preview.toVersion} · ${label(l.toNodeId)}`}</Text>
                      : <Text size="sm" c="red">{l.reason}</Text>}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}

function JobView({ job, names, onAgain }: { job: MoveJobView; names: Record<string, string>; onAgain(): void }) {
  const name = (nodeId: string | null) => (nodeId ? (names[nodeId] ?? nodeId) : '—');
  return (
    <Card withBorder radius="md" padding={0} data-testid="move-result">
      <Group justify="space-between" px="md" pt="sm" pb={4}>
        <Text fw={600}>Moved to v{job.toVersion}: {job.counts.moved} moved · {job.counts.refused} refused{job.counts.pending ? ` · ${job.counts.pending} pending` : ''}</Text>
        <Button size="xs" variant="default" onClick={onAgain}>Move more leads</Button>
      </Group>
      {job.counts.pending > 0 && <Text size="xs" c="dimmed" px="md">A pending lead is busy with a step; it moves when the step ends.</Text>}
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Lead</Table.Th><Table.Th>From</Table.Th><Table.Th>To</Table.Th><Table.Th>Result</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {job.items.map((i) => (
            <Table.Tr key={i.leadId} data-testid={`move-result-${i.leadId}`}>
              <Table.Td><Anchor component={Link} to={`/leads/${encodeURIComponent(i.leadId)}`} size="sm">{i.name}</Anchor></Table.Td>
              <Table.Td><Text size="sm">v{i.fromVersion} · {name(i.fromNodeId)}</Text></Table.Td>
              <Table.Td><Text size="sm">{i.toNodeId ? `v${job.toVersion} · ${name(i.toNodeId)}` : '—'}</Text></Table.Td>
              <Table.Td><Badge variant="light" color={statusColor[i.status] ?? 'gray'}>{i.status}</Badge>{i.reason && <Text size="xs" c="dimmed">{i.reason}</Text>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useNodesInitialized, useReactFlow } from '@xyflow/react';
import { Alert, Badge, Button, Group, NativeSelect, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconBolt } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { designerKey, stageOrder, stagesInOrder, type DraftDocument, type FlowEdge, type FlowNode } from '../../model';
import { api, ApiError } from '../lib/api';
import { useApi, useSession } from '../lib/session';
import { fitReadable } from '../pipeline/fit';
import '../pipeline/designer.css';
import { nodeTypes } from '../pipeline/FlowNodes';
import { typeInfo } from '../pipeline/palette';
import { usePipelineStore } from '../pipeline/store';
import { LeadTimeline } from './LeadTimeline';
import { WaitingForWorkers } from './WaitingForWorkers';
import './live.css';

const gradeColor: Record<string, string> = { A: 'green', B: 'yellow', C: 'red' };

interface Counts { open: number; closed: number; failed?: number }
interface Live { pipelineId: string; version: number | null; nodes: (Counts & { nodeId: string })[]; stages: (Counts & { stage: string })[]; total: Counts; at: string }
interface LeadRow { id: string; name: string; company: string | null; ownerName: string | null; score: number; grade: string | null; stage: string; status: string; pipelineVersion: number; updatedAt: string }

/** Keeps the counts current: server-sent events, falling back to a 2 s poll if the stream fails. */
function useLiveCounts(pipelineId: string): { live?: Live; mode: string } {
  const [live, setLive] = useState<Live>();
  const [mode, setMode] = useState('connecting');
  useEffect(() => {
    const base = `/api/pipelines/${encodeURIComponent(pipelineId)}/live`;
    let timer: ReturnType<typeof setInterval> | undefined;
    const es = new EventSource(`${base}/stream`);
    es.addEventListener('counts', (e) => {
      setLive(JSON.parse((e as MessageEvent<string>).data) as Live);
      setMode('live');
    });
    es.onerror = () => {
      es.close();
      setMode('polling');
      const poll = () => void api<Live>(base).then(setLive).catch(() => undefined);
      poll();
      timer = setInterval(poll, 2000);
    };
    return () => {
      es.close();
      if (timer) clearInterval(timer);
    };
  }, [pipelineId]);
  return { live, mode };
}

const noNodes: FlowNode[] = [];
const noEdges: FlowEdge[] = [];

export function LiveView({ pipelineId }: { pipelineId: string }) {
  return (
    <ReactFlowProvider>
      <LiveInner pipelineId={pipelineId} />
    </ReactFlowProvider>
  );
}

function LiveInner({ pipelineId }: { pipelineId: string }) {
  const base = `/api/pipelines/${encodeURIComponent(pipelineId)}`;
  const [version, setVersion] = useState<number | null>();
  const [order, setOrder] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [selection, setSelection] = useState<{ kind: 'node' | 'stage'; id: string }>();
  const [leadId, setLeadId] = useState<string>();
  const { live, mode } = useLiveCounts(pipelineId);
  const key = designerKey(pipelineId, 'live');
  // The store holds one graph: until this pipeline's published version is in it, show nothing (not another screen's graph).
  const shown = usePipelineStore((s) => s.key === key);
  const storeNodes = usePipelineStore((s) => s.nodes);
  const storeEdges = usePipelineStore((s) => s.edges);
  const nodes = shown ? storeNodes : noNodes;
  const edges = shown ? storeEdges : noEdges;
  const onNodesChange = usePipelineStore((s) => s.onNodesChange);
  const flow = useReactFlow();
  const fitted = useRef(false);
  const canvasRef = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  const canMove = ['ops', 'admin'].includes(useSession().user?.role ?? '');
  const pipelines = useApi<{ items: { id: string; name: string; latestVersion: number | null }[] }>('/api/pipelines');

  useEffect(() => {
    let gone = false;
    if (usePipelineStore.getState().key !== key) usePipelineStore.getState().clear();
    (async () => {
      const p = await api<{ versions: { version: number }[] }>(base);
      const latest = p.versions[0]?.version ?? null;
      if (gone) return;
      if (latest) {
        const v = await api<{ document: DraftDocument }>(`${base}/versions/${latest}`);
        if (gone) return;
        usePipelineStore.getState().load(key, v.document, { readOnly: true });
        setOrder(stageOrder(v.document));
        fitted.current = false;
      }
      setVersion(latest);
    })().catch((err: unknown) => { if (!gone) setError(err instanceof ApiError ? err.message : String(err)); });
    return () => {
      gone = true;
    };
  }, [base, key]);

  // Counts go on the nodes whenever either arrives: the first counts often come before the graph has loaded.
  useEffect(() => {
    if (!live || !shown) return;
    usePipelineStore.getState().setCounts(new Map(live.nodes.map((n) => [n.nodeId, { open: n.open, closed: n.closed }])));
  }, [live, shown, version]);

  const measured = useNodesInitialized();
  useEffect(() => {
    if (!fitted.current && nodes.length && measured) {
      fitted.current = true;
      requestAnimationFrame(() => fitReadable(flow, canvasRef.current));
    }
  }, [nodes.length, measured, flow]);

  const stages = useMemo(() => (live ? stagesInOrder(live.stages, order) : []), [live, order]);
  const leadsPath = selection ? `${base}/${selection.kind === 'node' ? 'nodes' : 'stages'}/${encodeURIComponent(selection.id)}/leads?t=${live?.at ?? ''}` : null;
  const leads = useApi<{ items: LeadRow[] }>(leadsPath);
  const selectedNode = selection?.kind === 'node' ? nodes.find((n) => n.id === selection.id) : undefined;

  return (
    <div className="designer">
      <Group className="toolbar" gap="md" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <IconBolt size={18} color="var(--mantine-color-indigo-6)" />
          <Title order={2} fz={16}>Live</Title>
          <NativeSelect size="xs" aria-label="pipeline" value={pipelineId} onChange={(e) => void navigate(`/live/${encodeURIComponent(e.currentTarget.value)}`)}
            data={(pipelines.data?.items ?? [{ id: pipelineId, name: pipelineId, latestVersion: null }]).map((p) => ({ value: p.id, label: p.name }))} />
          {version ? <Badge color="green" variant="light">v{version}</Badge> : <Badge color="gray" variant="light">not published</Badge>}
        </Group>
        <Group gap={6} justify="flex-end" className="live-totals" data-testid="live-totals" wrap="nowrap">
          <span className={`dot dot-${mode}`} /><Text size="sm" c="dimmed">{mode === 'live' ? 'live' : mode}</Text>
          {live && <Text size="sm" c="dimmed">· <b>{live.total.open}</b> open · <b>{live.total.closed}</b> closed</Text>}
          {live && (live.total.failed ?? 0) > 0 && <Text size="sm" c="red" data-testid="live-failed">· <b>{live.total.failed}</b> failed</Text>}
        </Group>
        {canMove && <Button component={Link} to={`/pipelines/${encodeURIComponent(pipelineId)}/moves`} variant="default" size="xs">Move leads to this version…</Button>}
        <Button component={Link} to={`/pipelines/${encodeURIComponent(pipelineId)}`} variant="default" size="xs">Open designer</Button>
      </Group>
      <div className="stage-strip" data-testid="stage-strip">
        {!live && <Text size="sm" c="dimmed">Loading counts…</Text>}
        {stages.map((s) => {
          const active = selection?.kind === 'stage' && selection.id === s.stage;
          return (
            <UnstyledButton key={s.stage} className={`stage-chip${active ? ' active' : ''}`} data-testid={`stage-${s.stage}`} aria-pressed={active}
              onClick={() => { setSelection({ kind: 'stage', id: s.stage }); setLeadId(undefined); }}>
              <span className="stage-name">{s.stage}</span><span className="stage-count">{s.open}</span>{s.closed > 0 && <span className="stage-closed">+{s.closed} closed</span>}{(s.failed ?? 0) > 0 && <span className="stage-closed" style={{ color: 'var(--mantine-color-red-7)' }}>{s.failed} failed</span>}
            </UnstyledButton>
          );
        })}
        {live && stages.length === 0 && <Text size="sm" c="dimmed">No leads on this pipeline yet.</Text>}
      </div>
      {error && <Alert color="red" m="sm">{error}</Alert>}
      <WaitingForWorkers pipelineId={pipelineId} at={live?.at} />
      <div className="designer-body">
        <div className="canvas" ref={canvasRef}>
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange}
            nodesDraggable={false} nodesConnectable={false} deleteKeyCode={null} defaultEdgeOptions={{ type: 'smoothstep' }}
            onNodeClick={(_, n) => { setSelection({ kind: 'node', id: n.id }); setLeadId(undefined); }} minZoom={0.05} proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} size={1} color="#d6dbe3" />
            <MiniMap pannable zoomable nodeColor={(n) => typeInfo[(n as FlowNode).data.nodeType].accent} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <aside className="side-panel">
          {leadId ? <LeadTimeline leadId={leadId} onBack={() => setLeadId(undefined)} /> : (
            <Stack gap="xs" p="md" data-testid="lead-list">
              {!selection && <Text size="sm" c="dimmed">Click a node or a stage to list its leads.</Text>}
              {selection && <Title order={3} fz="md">{selection.kind === 'node' ? (selectedNode?.data.label ?? selection.id) : `Stage: ${selection.id}`}</Title>}
              {leads.data && leads.data.items.length === 0 && <Text size="sm" c="dimmed">No leads here right now.</Text>}
              {leads.data?.items.map((l) => (
                <UnstyledButton key={l.id} className="lead-row" onClick={() => setLeadId(l.id)} data-testid={`lead-${l.id}`}>
                  <Group justify="space-between" wrap="nowrap" gap="xs">
                    <div style={{ minWidth: 0 }}>
                      <Text size="sm" fw={600} truncate>{l.name}</Text>
                      <Text size="xs" c="dimmed" truncate>{l.company ?? '—'} · v{l.pipelineVersion}</Text>
                    </div>
                    <Stack gap={2} align="flex-end">
                      <Group gap={4} wrap="nowrap">
                        <Badge size="sm" variant="light" color={gradeColor[l.grade ?? ''] ?? 'gray'}>{l.grade ?? '–'}</Badge>
                        <Text size="xs">{l.score} pts</Text>
                      </Group>
                      <Text size="xs" c="dimmed">{l.ownerName ?? 'unassigned'}</Text>
                    </Stack>
                  </Group>
                </UnstyledButton>
              ))}
            </Stack>
          )}
        </aside>
      </div>
    </div>
  );
}

import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';
import type { DraftDocument, FlowEdge, FlowNode } from '../../model';
import { api, ApiError } from '../lib/api';
import { Link } from '../lib/router';
import { useApi } from '../lib/session';
import { nodeTypes } from '../pipeline/FlowNodes';
import { typeInfo } from '../pipeline/palette';
import { usePipelineStore } from '../pipeline/store';
import { LeadTimeline } from './LeadTimeline';

interface Counts { open: number; closed: number }
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
  const [error, setError] = useState<string>();
  const [selection, setSelection] = useState<{ kind: 'node' | 'stage'; id: string }>();
  const [leadId, setLeadId] = useState<string>();
  const { live, mode } = useLiveCounts(pipelineId);
  const nodes = usePipelineStore((s) => s.nodes);
  const edges = usePipelineStore((s) => s.edges);
  const onNodesChange = usePipelineStore((s) => s.onNodesChange);
  const flow = useReactFlow();
  const fitted = useRef(false);
  const pipelines = useApi<{ items: { id: string; name: string; latestVersion: number | null }[] }>('/api/pipelines');

  useEffect(() => {
    (async () => {
      const p = await api<{ versions: { version: number }[] }>(base);
      const latest = p.versions[0]?.version ?? null;
      setVersion(latest);
      if (latest) {
        const v = await api<{ document: DraftDocument }>(`${base}/versions/${latest}`);
        usePipelineStore.getState().load(v.document, { readOnly: true });
        fitted.current = false;
      }
    })().catch((err: unknown) => setError(err instanceof ApiError ? err.message : String(err)));
  }, [base]);

  useEffect(() => {
    if (!live) return;
    usePipelineStore.getState().setCounts(new Map(live.nodes.map((n) => [n.nodeId, { open: n.open, closed: n.closed }])));
  }, [live, version]);

  useEffect(() => {
    if (!fitted.current && nodes.length) {
      fitted.current = true;
      requestAnimationFrame(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }));
    }
  }, [nodes.length, flow]);

  const leadsPath = selection ? `${base}/${selection.kind === 'node' ? 'nodes' : 'stages'}/${encodeURIComponent(selection.id)}/leads?t=${live?.at ?? ''}` : null;
  const leads = useApi<{ items: LeadRow[] }>(leadsPath);
  const selectedNode = selection?.kind === 'node' ? nodes.find((n) => n.id === selection.id) : undefined;

  return (
    <div className="designer">
      <div className="toolbar">
        <div className="toolbar-title">
          <strong>Live</strong>
          <select aria-label="pipeline" value={pipelineId} onChange={(e) => { history.pushState(null, '', `/live/${encodeURIComponent(e.target.value)}`); dispatchEvent(new PopStateEvent('popstate')); }}>
            {(pipelines.data?.items ?? [{ id: pipelineId, name: pipelineId, latestVersion: null }]).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
          {version ? <span className="pill pill-green">v{version}</span> : <span className="pill">not published</span>}
        </div>
        <div className="live-totals" data-testid="live-totals">
          <span className={`dot dot-${mode}`} /> {mode === 'live' ? 'live' : mode}
          {live && <> · <strong>{live.total.open}</strong> open · <strong>{live.total.closed}</strong> closed</>}
        </div>
        <div className="toolbar-actions"><Link to={`/pipelines/${encodeURIComponent(pipelineId)}`} className="btn">Open designer</Link></div>
      </div>
      <div className="stage-strip" data-testid="stage-strip">
        {(live?.stages ?? []).map((s) => (
          <button key={s.stage} className={`stage-chip${selection?.kind === 'stage' && selection.id === s.stage ? ' active' : ''}`} data-testid={`stage-${s.stage}`}
            onClick={() => { setSelection({ kind: 'stage', id: s.stage }); setLeadId(undefined); }}>
            <span className="stage-name">{s.stage}</span><span className="stage-count">{s.open}</span>{s.closed > 0 && <span className="stage-closed">+{s.closed} closed</span>}
          </button>
        ))}
        {live && live.stages.length === 0 && <span className="muted small">No leads on this pipeline yet.</span>}
      </div>
      {error && <div className="alert alert-error">{error}</div>}
      <div className="designer-body">
        <div className="canvas">
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
            <div className="panel-body" data-testid="lead-list">
              {!selection && <p className="muted small">Click a node or a stage to list its leads.</p>}
              {selection && <h3>{selection.kind === 'node' ? (selectedNode?.data.label ?? selection.id) : `Stage: ${selection.id}`}</h3>}
              {leads.data && leads.data.items.length === 0 && <p className="muted small">No leads here right now.</p>}
              <ul className="lead-list">
                {leads.data?.items.map((l) => (
                  <li key={l.id}>
                    <button className="lead-row" onClick={() => setLeadId(l.id)} data-testid={`lead-${l.id}`}>
                      <span className="lead-main"><strong>{l.name}</strong><span className="muted small">{l.company ?? '—'}</span></span>
                      <span className="lead-meta">
                        <span className={`grade grade-${l.grade ?? 'none'}`}>{l.grade ?? '–'}</span>
                        <span className="small">{l.score} pts</span>
                        <span className="muted small">{l.ownerName ?? 'unassigned'}</span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}

import { Button, Group } from '@mantine/core';
import { IconArrowBackUp, IconArrowForwardUp, IconChecks, IconDeviceFloppy, IconLayoutDistributeHorizontal, IconRocket } from '@tabler/icons-react';
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type OnBeforeDelete } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { clearDraft, loadDraft, problemsIntroducedByDelete, storeDraft, type DraftDocument, type FlowEdge, type FlowNode, type Problem } from '../../model';
import { api, ApiError } from '../lib/api';
import { Link, navigate } from '../lib/router';
import { useSession } from '../lib/session';
import { nodeTypes } from './FlowNodes';
import { Inspector } from './Inspector';
import { typeInfo, type PaletteItem } from './palette';
import { usePipelineStore } from './store';
import { VersionsPanel, type VersionInfo } from './VersionsPanel';

interface PipelineResponse { id: string; name: string; draft: DraftDocument; draftUpdatedAt: string; problems: Problem[]; versions: VersionInfo[] }
type Status = { kind: 'idle' | 'saved' | 'local' | 'busy' | 'error' | 'published'; text: string };

const storage = () => window.localStorage;
const DND_TYPE = 'application/leadflow-node';

/** The pipeline designer (or, with `version`, a read-only view of a published version). */
export function PipelineDesigner({ pipelineId, version }: { pipelineId: string; version?: number }) {
  return (
    <ReactFlowProvider>
      <Designer pipelineId={pipelineId} version={version} />
    </ReactFlowProvider>
  );
}

function Designer({ pipelineId, version }: { pipelineId: string; version?: number }) {
  const { user } = useSession();
  const canEdit = !version && (user?.role === 'ops' || user?.role === 'admin');
  const [palette, setPalette] = useState<PaletteItem[]>([]);
  const [versions, setVersions] = useState<VersionInfo[]>([]);
  const [status, setStatus] = useState<Status>({ kind: 'idle', text: '' });
  const [restored, setRestored] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const [side, setSide] = useState<'inspect' | 'versions'>('inspect');
  const [loaded, setLoaded] = useState(false);
  const store = usePipelineStore;
  const flow = useReactFlow();
  const revision = usePipelineStore((s) => s.revision);
  const base = `/api/pipelines/${encodeURIComponent(pipelineId)}`;

  const loadAll = useCallback(async () => {
    try {
      const [p, pal] = await Promise.all([api<PipelineResponse>(base), api<{ items: PaletteItem[] }>('/api/palette')]);
      setPalette(pal.items);
      setVersions(p.versions);
      if (version) {
        const v = await api<{ document: DraftDocument }>(`${base}/versions/${version}`);
        store.getState().load(v.document, { readOnly: true });
      } else {
        const local = loadDraft<DraftDocument>(storage(), 'pipeline', pipelineId);
        if (local) {
          store.getState().load(local.doc, { readOnly: !canEdit });
          setRestored(local.changedAt);
          setStatus({ kind: 'local', text: 'Unsaved changes restored from this browser' });
        } else {
          store.getState().load({ ...p.draft, id: pipelineId }, { readOnly: !canEdit, problems: p.problems });
        }
      }
      setLoaded(true);
    } catch (err) {
      setLoadError(err instanceof ApiError ? err.message : String(err));
    }
  }, [base, canEdit, pipelineId, store, version]);

  useEffect(() => {
    void loadAll();
  }, [loadAll]);

  // Every edit is kept in localStorage until the server confirms a save.
  useEffect(() => {
    if (!loaded || version || revision === 0) return;
    storeDraft(storage(), 'pipeline', pipelineId, store.getState().document());
    setStatus({ kind: 'local', text: 'Unsaved changes (kept in this browser)' });
  }, [revision, loaded, pipelineId, store, version]);

  const save = useCallback(async (): Promise<boolean> => {
    setStatus({ kind: 'busy', text: 'Saving…' });
    const doc = store.getState().document();
    try {
      const r = await api<{ savedAt: string; problems: Problem[] }>(`${base}/draft`, { method: 'PUT', body: doc });
      clearDraft(storage(), 'pipeline', pipelineId);
      setRestored(undefined);
      store.getState().setProblems(r.problems);
      setStatus({ kind: 'saved', text: r.problems.length ? `Draft saved · ${r.problems.length} problem(s) to fix before publishing` : 'Draft saved · no problems' });
      return true;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err));
      if (e.problems.length) store.getState().setProblems(e.problems);
      setStatus({ kind: 'error', text: `Not saved: ${e.message} — your changes are kept in this browser` });
      return false;
    }
  }, [base, pipelineId, store]);

  const validate = useCallback(async () => {
    setStatus({ kind: 'busy', text: 'Checking…' });
    try {
      const r = await api<{ ok: boolean; problems: Problem[] }>(`${base}/validate`, { method: 'POST', body: store.getState().document() });
      store.getState().setProblems(r.problems);
      setStatus({ kind: r.ok ? 'saved' : 'error', text: r.ok ? 'No problems: ready to publish' : `${r.problems.length} problem(s) found` });
    } catch (err) {
      setStatus({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    }
  }, [base, store]);

  const publish = useCallback(async () => {
    if (!(await save())) return;
    const note = window.prompt('Note for this version (optional)', '') ?? '';
    setStatus({ kind: 'busy', text: 'Publishing…' });
    try {
      const r = await api<{ version: number }>(`${base}/publish`, { method: 'POST', body: { note } });
      store.getState().setProblems([]);
      setStatus({ kind: 'published', text: `Published version ${r.version}` });
      const p = await api<PipelineResponse>(base);
      setVersions(p.versions);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err));
      if (e.problems.length) store.getState().setProblems(e.problems);
      setStatus({ kind: 'error', text: `Publish refused: ${e.message}` });
    }
  }, [base, save, store]);

  const discardLocal = async () => {
    clearDraft(storage(), 'pipeline', pipelineId);
    setRestored(undefined);
    setStatus({ kind: 'idle', text: '' });
    await loadAll();
  };

  useShortcuts(!!canEdit);

  if (loadError) return <div className="page"><div className="alert alert-error">{loadError}</div><Link to="/pipelines">Back to pipelines</Link></div>;

  return (
    <div className="designer">
      <div className="toolbar">
        <div className="toolbar-title">
          <Link to="/pipelines" className="muted">Pipelines</Link><span className="muted">/</span>
          <strong>{store.getState().meta.name || pipelineId}</strong>
          {version ? <span className="pill pill-amber">v{version} · read-only</span> : <span className="pill">draft</span>}
        </div>
        <div className={`status status-${status.kind}`} data-testid="status" role="status" title={status.text}>{status.text}</div>
        <Group className="toolbar-actions" gap={6} wrap="nowrap">
          {version ? (
            <Button variant="default" size="xs" leftSection={<IconArrowBackUp size={14} />} onClick={() => navigate(`/pipelines/${encodeURIComponent(pipelineId)}`)}>Back to draft</Button>
          ) : (
            <>
              <Button variant="subtle" color="gray" size="xs" title="Undo (Ctrl+Z)" disabled={!canEdit} leftSection={<IconArrowBackUp size={14} />} onClick={() => store.getState().undo()}>Undo</Button>
              <Button variant="subtle" color="gray" size="xs" title="Redo (Ctrl+Shift+Z)" disabled={!canEdit} leftSection={<IconArrowForwardUp size={14} />} onClick={() => store.getState().redo()}>Redo</Button>
              <Button variant="subtle" color="gray" size="xs" disabled={!canEdit} leftSection={<IconLayoutDistributeHorizontal size={14} />} onClick={() => { store.getState().layout(); requestAnimationFrame(() => void flow.fitView({ padding: 0.15, maxZoom: 1 })); }}>Auto layout</Button>
              <Button variant="default" size="xs" leftSection={<IconChecks size={14} />} onClick={() => void validate()}>Validate</Button>
              <Button variant="default" size="xs" leftSection={<IconDeviceFloppy size={14} />} disabled={!canEdit} onClick={() => void save()}>Save draft</Button>
              <Button size="xs" leftSection={<IconRocket size={14} />} disabled={!canEdit} onClick={() => void publish()}>Publish</Button>
            </>
          )}
        </Group>
      </div>
      {restored && (
        <div className="banner">
          Restored unsaved changes from {new Date(restored).toLocaleString()}. <button className="link" onClick={() => void save()}>Save them</button> or{' '}
          <button className="link" onClick={() => void discardLocal()}>discard them</button>.
        </div>
      )}
      <div className="designer-body">
        {!version && canEdit && <Palette items={palette} />}
        <Canvas readOnly={!canEdit} />
        <aside className="side-panel">
          <div className="tabs">
            <button className={side === 'inspect' ? 'active' : ''} onClick={() => setSide('inspect')}>Inspector</button>
            <button className={side === 'versions' ? 'active' : ''} onClick={() => setSide('versions')}>Versions ({versions.length})</button>
          </div>
          {side === 'inspect' ? <Inspector palette={palette} /> : <VersionsPanel pipelineId={pipelineId} versions={versions} />}
        </aside>
      </div>
    </div>
  );
}

function Palette({ items }: { items: PaletteItem[] }) {
  const addNode = usePipelineStore((s) => s.addNode);
  const onDragStart = (e: DragEvent, i: number) => {
    e.dataTransfer.setData(DND_TYPE, String(i));
    e.dataTransfer.effectAllowed = 'move';
  };
  return (
    <aside className="palette" data-testid="palette">
      <div className="palette-title">Palette</div>
      {items.map((item, i) => {
        const info = typeInfo[item.type];
        return (
          <div
            key={`${item.type}-${item.activity ?? ''}`} className="palette-item" draggable onDragStart={(e) => onDragStart(e, i)}
            data-testid={`palette-${item.activity ?? item.type}`} title={item.description ?? item.label}
            onDoubleClick={() => addNode(item.type, { x: 80 + Math.random() * 200, y: 80 + Math.random() * 200 }, structuredClone(item.defaults), item.kind === 'custom' ? item.label : undefined)}
          >
            <span className="palette-icon" style={{ background: info.accent }}>{info.icon}</span>
            <span>
              <span className="palette-name">{item.kind === 'custom' ? item.label : info.name}</span>
              <span className="palette-desc">{item.kind === 'custom' ? 'custom activity' : item.label}</span>
            </span>
          </div>
        );
      })}
      <PaletteRef items={items} />
    </aside>
  );
}

/** Keeps the palette reachable from the drop handler without threading props through React Flow. */
function PaletteRef({ items }: { items: PaletteItem[] }) {
  paletteRef.current = items;
  return null;
}
const paletteRef: { current: PaletteItem[] } = { current: [] };

function Canvas({ readOnly }: { readOnly: boolean }) {
  const nodes = usePipelineStore((s) => s.nodes);
  const edges = usePipelineStore((s) => s.edges);
  const onNodesChange = usePipelineStore((s) => s.onNodesChange);
  const onEdgesChange = usePipelineStore((s) => s.onEdgesChange);
  const connect = usePipelineStore((s) => s.connect);
  const addNode = usePipelineStore((s) => s.addNode);
  const flow = useReactFlow();
  const fitted = useRef(false);

  useEffect(() => {
    if (!fitted.current && nodes.length) {
      fitted.current = true;
      requestAnimationFrame(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }));
    }
  }, [nodes.length, flow]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const i = e.dataTransfer.getData(DND_TYPE);
    const item = paletteRef.current[Number(i)];
    if (!item) return;
    const pos = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    addNode(item.type, { x: pos.x - 90, y: pos.y - 30 }, structuredClone(item.defaults), item.kind === 'custom' ? item.label : undefined);
  };

  const onBeforeDelete: OnBeforeDelete<FlowNode, FlowEdge> = async ({ nodes: goneNodes, edges: goneEdges }) => {
    if (readOnly) return false;
    const s = usePipelineStore.getState();
    const introduced = problemsIntroducedByDelete(s.meta, s.nodes, s.edges, goneNodes.map((n) => n.id), goneEdges.map((e) => e.id));
    if (!introduced.length) return true;
    const list = introduced.slice(0, 5).map((p) => `• ${p.message}`).join('\n');
    return window.confirm(`Deleting this breaks the pipeline:\n${list}${introduced.length > 5 ? `\n… and ${introduced.length - 5} more` : ''}\n\nDelete anyway?`);
  };

  return (
    <div className="canvas" onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes} edges={edges} nodeTypes={nodeTypes}
        onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} onConnect={connect} onBeforeDelete={onBeforeDelete}
        nodesDraggable={!readOnly} nodesConnectable={!readOnly} edgesReconnectable={false}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']} multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        defaultEdgeOptions={{ type: 'smoothstep' }} minZoom={0.05} maxZoom={2} proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} color="#d6dbe3" />
        <MiniMap pannable zoomable nodeColor={(n) => typeInfo[(n as FlowNode).data.nodeType].accent} nodeStrokeColor={(n) => ((n as FlowNode).data.problems.length ? '#dc2626' : 'transparent')} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

function useShortcuts(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const s = usePipelineStore.getState();
      const k = e.key.toLowerCase();
      if (k === 'z' && e.shiftKey) s.redo();
      else if (k === 'z') s.undo();
      else if (k === 'y') s.redo();
      else if (k === 'c') s.copy();
      else if (k === 'v') s.paste();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

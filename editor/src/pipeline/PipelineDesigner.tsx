import { Alert, Button, Center, Group, Kbd, Loader, Modal, Select, Stack, Table, Text, Textarea } from '@mantine/core';
import { IconArrowBackUp, IconArrowForwardUp, IconChecks, IconDeviceFloppy, IconKeyboard, IconLayoutDistributeHorizontal, IconLayoutSidebarLeftCollapse, IconLayoutSidebarLeftExpand, IconLayoutSidebarRightCollapse, IconLayoutSidebarRightExpand, IconPlus, IconRocket } from '@tabler/icons-react';
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useNodesInitialized, useReactFlow, type OnBeforeDelete } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  clearDraft, designerKey, loadDraft, problemsInWords, problemsIntroducedByDelete, storeDraft, whyNotWritable, type DraftDocument, type FlowEdge, type FlowNode, type Problem,
} from '../../model';
import { api, ApiError } from '../lib/api';
import { Link, navigate } from '../lib/router';
import { useSession } from '../lib/session';
import { nodeTypes } from './FlowNodes';
import { Inspector } from './Inspector';
import { typeInfo, type PaletteItem } from './palette';
import { usePipelineStore } from './store';
import { RollbackButton } from './RollbackButton';
import { VersionsPanel, type VersionInfo } from './VersionsPanel';
import { fitReadable } from './fit';
import './designer.css';

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
  const [loading, setLoading] = useState(true);
  const [publishOpen, setPublishOpen] = useState(false);
  const [note, setNote] = useState('');
  const [helpOpen, setHelpOpen] = useState(false);
  const [showPalette, setShowPalette] = useState(true);
  const [showSide, setShowSide] = useState(true);
  // The problems bar opens when the user asks for a check (save, validate, publish); on load they are in the inspector.
  const [checked, setChecked] = useState(false);
  const store = usePipelineStore;
  const flow = useReactFlow();
  const revision = usePipelineStore((s) => s.revision);
  const shownKey = usePipelineStore((s) => s.key);
  const shownDocId = usePipelineStore((s) => s.meta.id);
  const base = `/api/pipelines/${encodeURIComponent(pipelineId)}`;
  // What this screen shows: the pipeline's draft or one published version. The store only ever holds one graph.
  const key = designerKey(pipelineId, version ?? 'draft');
  const ready = !loading && shownKey === key;
  const blocker = whyNotWritable({ shownKey, wantedKey: key, loading, readOnly: !canEdit, shownDocId, pipelineId });
  // Loads that finished after the user moved on (or a newer load started) must not replace the graph.
  const loadSeq = useRef(0);
  const loadingRef = useRef(true);

  /** Checked at the moment of a save or publish, from the store itself (not from the last render). */
  const writeBlocker = useCallback(() => {
    const s = store.getState();
    return whyNotWritable({ shownKey: s.key, wantedKey: key, loading: loadingRef.current, readOnly: !canEdit || s.readOnly, shownDocId: s.meta.id, pipelineId });
  }, [canEdit, key, pipelineId, store]);

  const loadAll = useCallback(async () => {
    const seq = ++loadSeq.current;
    const current = () => seq === loadSeq.current;
    loadingRef.current = true;
    setLoading(true);
    // Never show (or let anyone edit) another pipeline's graph while this one loads.
    if (store.getState().key !== key) store.getState().clear();
    try {
      const [p, pal] = await Promise.all([api<PipelineResponse>(base), api<{ items: PaletteItem[] }>('/api/palette')]);
      if (!current()) return;
      setPalette(pal.items);
      setVersions(p.versions);
      if (version) {
        const v = await api<{ document: DraftDocument }>(`${base}/versions/${version}`);
        if (!current()) return;
        store.getState().load(key, { ...v.document, id: pipelineId }, { readOnly: true });
      } else {
        const local = loadDraft<DraftDocument>(storage(), 'pipeline', pipelineId);
        if (local) {
          store.getState().load(key, { ...local.doc, id: pipelineId }, { readOnly: !canEdit });
          setRestored(local.changedAt);
          setStatus({ kind: 'local', text: 'Unsaved changes restored from this browser' });
        } else {
          store.getState().load(key, { ...p.draft, id: pipelineId }, { readOnly: !canEdit, problems: p.problems });
        }
      }
      loadingRef.current = false;
      setLoading(false);
    } catch (err) {
      if (current()) setLoadError(err instanceof ApiError ? err.message : String(err));
    }
  }, [base, canEdit, key, pipelineId, store, version]);

  useEffect(() => {
    void loadAll();
    return () => {
      loadSeq.current++;
    };
  }, [loadAll]);

  // Every edit is kept in localStorage until the server confirms a save (only this pipeline's graph, under its key).
  useEffect(() => {
    if (!ready || version || revision === 0) return;
    const s = store.getState();
    if (s.key !== key || s.meta.id !== pipelineId) return;
    storeDraft(storage(), 'pipeline', pipelineId, s.document());
    setStatus({ kind: 'local', text: 'Unsaved changes (kept in this browser)' });
  }, [revision, ready, key, pipelineId, store, version]);

  const save = useCallback(async (): Promise<boolean> => {
    const why = writeBlocker();
    if (why) {
      setStatus({ kind: 'error', text: `Not saved: ${why}` });
      return false;
    }
    setStatus({ kind: 'busy', text: 'Saving…' });
    const doc = store.getState().document();
    try {
      const r = await api<{ savedAt: string; problems: Problem[] }>(`${base}/draft`, { method: 'PUT', body: doc });
      clearDraft(storage(), 'pipeline', pipelineId);
      setRestored(undefined);
      store.getState().setProblems(r.problems);
      setChecked(true);
      setStatus({ kind: 'saved', text: r.problems.length ? `Draft saved · ${r.problems.length} problem(s) to fix before publishing` : 'Draft saved · no problems' });
      return true;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err));
      if (e.problems.length) {
        store.getState().setProblems(e.problems);
        setChecked(true);
      }
      setStatus({ kind: 'error', text: `Not saved: ${e.message} — your changes are kept in this browser` });
      return false;
    }
  }, [base, pipelineId, store, writeBlocker]);

  const validate = useCallback(async () => {
    if (store.getState().key !== key) return;
    setStatus({ kind: 'busy', text: 'Checking…' });
    try {
      const r = await api<{ ok: boolean; problems: Problem[] }>(`${base}/validate`, { method: 'POST', body: store.getState().document() });
      store.getState().setProblems(r.problems);
      setChecked(true);
      setStatus({ kind: r.ok ? 'saved' : 'error', text: r.ok ? 'No problems: ready to publish' : `${r.problems.length} problem(s) found` });
    } catch (err) {
      setStatus({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    }
  }, [base, key, store]);

  /** Publish, step 1: check the graph as shown; a graph with problems is refused with all of them, else ask for a note. */
  const startPublish = useCallback(async () => {
    const why = writeBlocker();
    if (why) return setStatus({ kind: 'error', text: `Not published: ${why}` });
    setStatus({ kind: 'busy', text: 'Checking…' });
    try {
      const r = await api<{ ok: boolean; problems: Problem[] }>(`${base}/validate`, { method: 'POST', body: store.getState().document() });
      store.getState().setProblems(r.problems);
      setChecked(true);
      if (!r.ok || r.problems.length) {
        setStatus({ kind: 'error', text: `Publish refused: ${r.problems.length} problem(s) to fix first; nothing was published` });
        return;
      }
      setStatus({ kind: 'idle', text: '' });
      setNote('');
      setPublishOpen(true);
    } catch (err) {
      setStatus({ kind: 'error', text: `Publish refused: ${err instanceof ApiError ? err.message : String(err)}` });
    }
  }, [base, store, writeBlocker]);

  const cancelPublish = () => {
    setPublishOpen(false);
    setStatus({ kind: 'idle', text: 'Publish cancelled: nothing was published' });
  };

  /** Publish, step 2 (the dialog's Publish): save the graph shown, then publish it with the note. */
  const publish = useCallback(async () => {
    setPublishOpen(false);
    if (!(await save())) return;
    setStatus({ kind: 'busy', text: 'Publishing…' });
    try {
      const r = await api<{ version: number }>(`${base}/publish`, { method: 'POST', body: { note } });
      store.getState().setProblems([]);
      setStatus({ kind: 'published', text: `Published version ${r.version}` });
      const p = await api<PipelineResponse>(base);
      setVersions(p.versions);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err));
      if (e.problems.length) {
        store.getState().setProblems(e.problems);
        setChecked(true);
      }
      setStatus({ kind: 'error', text: `Publish refused: ${e.message}` });
    }
  }, [base, note, save, store]);

  const discardLocal = async () => {
    clearDraft(storage(), 'pipeline', pipelineId);
    setRestored(undefined);
    setStatus({ kind: 'idle', text: '' });
    await loadAll();
  };

  const [addOpen, setAddOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  const openAdd = useCallback(() => setAddOpen(true), []);
  useShortcuts(!!canEdit && ready && !version, openHelp, openAdd);

  /** Adds a palette item at the middle of the visible canvas and selects it (the keyboard way to add a node). */
  const addAtCenter = (item: PaletteItem) => {
    setAddOpen(false);
    const el = document.querySelector<HTMLElement>('[data-testid="canvas"]');
    if (!el) return;
    const r = el.getBoundingClientRect();
    const pos = flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    store.getState().addNode(item.type, { x: pos.x - 100, y: pos.y - 36 }, structuredClone(item.defaults), item.kind === 'custom' ? item.label : undefined);
  };

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
            <>
              <Button variant="default" size="xs" leftSection={<IconArrowBackUp size={14} />} onClick={() => navigate(`/pipelines/${encodeURIComponent(pipelineId)}`)}>Back to draft</Button>
              {canEdit && <RollbackButton pipelineId={pipelineId} version={version} latest={versions[0]?.version} />}
            </>
          ) : (
            <>
              <Button variant="subtle" color="gray" size="xs" px={6} aria-label="Add node" title="Add a node from the keyboard (N)" disabled={!canEdit || !ready} onClick={openAdd}><IconPlus size={16} /></Button>
              <Button variant="subtle" color="gray" size="xs" title="Undo (Ctrl+Z)" disabled={!canEdit || !ready} leftSection={<IconArrowBackUp size={14} />} onClick={() => store.getState().undo()}>Undo</Button>
              <Button variant="subtle" color="gray" size="xs" title="Redo (Ctrl+Shift+Z)" disabled={!canEdit || !ready} leftSection={<IconArrowForwardUp size={14} />} onClick={() => store.getState().redo()}>Redo</Button>
              <Button variant="subtle" color="gray" size="xs" disabled={!canEdit || !ready} leftSection={<IconLayoutDistributeHorizontal size={14} />} onClick={() => { store.getState().layout(); requestAnimationFrame(() => fitReadable(flow, document.querySelector<HTMLElement>('[data-testid="canvas"]'))); }}>Auto layout</Button>
              <Button variant="default" size="xs" leftSection={<IconChecks size={14} />} disabled={!ready} onClick={() => void validate()}>Validate</Button>
              <Button variant="default" size="xs" leftSection={<IconDeviceFloppy size={14} />} disabled={!!blocker} title={blocker ? `Cannot save: ${blocker}` : 'Save the draft'} onClick={() => void save()}>Save draft</Button>
              <Button size="xs" leftSection={<IconRocket size={14} />} disabled={!!blocker} title={blocker ? `Cannot publish: ${blocker}` : 'Publish a new version'} onClick={() => void startPublish()}>Publish</Button>
            </>
          )}
          <Button variant="subtle" color="gray" size="xs" px={6} aria-label={showPalette ? 'Hide palette' : 'Show palette'} title={showPalette ? 'Hide palette' : 'Show palette'} onClick={() => setShowPalette(!showPalette)}>
            {showPalette ? <IconLayoutSidebarLeftCollapse size={16} /> : <IconLayoutSidebarLeftExpand size={16} />}
          </Button>
          <Button variant="subtle" color="gray" size="xs" px={6} aria-label={showSide ? 'Hide side panel' : 'Show side panel'} title={showSide ? 'Hide side panel' : 'Show side panel'} onClick={() => setShowSide(!showSide)}>
            {showSide ? <IconLayoutSidebarRightCollapse size={16} /> : <IconLayoutSidebarRightExpand size={16} />}
          </Button>
          <Button variant="subtle" color="gray" size="xs" px={6} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setHelpOpen(true)}><IconKeyboard size={16} /></Button>
        </Group>
      </div>
      <Modal opened={publishOpen} onClose={cancelPublish} title={`Publish ${store.getState().meta.name || pipelineId}`} centered>
        <Stack gap="sm">
          <Text size="sm">Publishing makes the current draft a new immutable version. New leads enter it; running leads stay on theirs.</Text>
          <Textarea label="Note for this version" description="optional: what changed and why" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-autofocus />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={cancelPublish}>Cancel</Button>
            <Button leftSection={<IconRocket size={14} />} onClick={() => void publish()}>Publish version</Button>
          </Group>
        </Stack>
      </Modal>
      <ShortcutHelp opened={helpOpen} onClose={() => setHelpOpen(false)} />
      <AddNodeDialog opened={addOpen} items={palette} onClose={() => setAddOpen(false)} onPick={addAtCenter} />
      {restored && (
        <div className="banner">
          Restored unsaved changes from {new Date(restored).toLocaleString()}. <button className="link" onClick={() => void save()}>Save them</button> or{' '}
          <button className="link" onClick={() => void discardLocal()}>discard them</button>.
        </div>
      )}
      <div className="designer-body">
        {!version && canEdit && showPalette && <Palette items={palette} />}
        {ready ? <Canvas readOnly={!canEdit || !!version} /> : (
          <Center className="canvas" data-testid="canvas-loading"><Stack align="center" gap="xs"><Loader size="sm" /><Text size="sm" c="dimmed">Loading pipeline {pipelineId}…</Text></Stack></Center>
        )}
        {showSide && <aside className="side-panel">
          {ready && checked && <ProblemsPanel />}
          <div className="tabs">
            <button className={side === 'inspect' ? 'active' : ''} onClick={() => setSide('inspect')}>Inspector</button>
            <button className={side === 'versions' ? 'active' : ''} onClick={() => setSide('versions')}>Versions ({versions.length})</button>
          </div>
          {side === 'inspect' ? <Inspector palette={palette} /> : <VersionsPanel pipelineId={pipelineId} versions={versions} />}
        </aside>}
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
              <span className="palette-desc">{item.kind === 'custom' ? `custom activity${item.online === false ? ' · worker offline' : ''}` : item.label}</span>
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
  // A connection with a problem says it in words on the canvas, next to its branch name.
  const shownEdges = useMemo(() => edges.map((e) => (e.data?.problems.length
    ? { ...e, label: `${e.data.branch ? `${e.data.branch}: ` : ''}${e.data.problems.join('; ')}`, labelStyle: { fill: '#b91c1c', fontWeight: 600 } }
    : e)), [edges]);
  const box = useRef<HTMLDivElement>(null);

  // Fit once the nodes have their measured sizes (bounds of unmeasured nodes would cut the last ones off).
  const measured = useNodesInitialized();
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    if (!fitted.current && nodes.length && measured) {
      fitted.current = true;
      requestAnimationFrame(() => {
        fitReadable(flow, box.current);
        setSettled(true);
      });
    }
  }, [nodes.length, measured, flow]);

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
    <div className="canvas" onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} onDrop={onDrop} data-testid="canvas" ref={box} data-fitted={settled ? 'true' : undefined}>
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes} edges={shownEdges} nodeTypes={nodeTypes}
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

function useShortcuts(enabled: boolean, showHelp: () => void, addNode: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        return showHelp();
      }
      if (enabled && e.key.toLowerCase() === 'n' && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        return addNode();
      }
      if (!enabled || !(e.ctrlKey || e.metaKey)) return;
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
  }, [enabled, showHelp, addNode]);
}

const shortcuts: [string[], string][] = [
  [['?'], 'Show this help'],
  [['N'], 'Add a node (type to search, Enter adds it in the middle of the canvas)'],
  [['Tab'], 'Move the focus between nodes; Enter selects'],
  [['Ctrl', 'Z'], 'Undo'],
  [['Ctrl', 'Shift', 'Z'], 'Redo (also Ctrl+Y)'],
  [['Ctrl', 'C'], 'Copy the selected nodes'],
  [['Ctrl', 'V'], 'Paste them (again: offset again)'],
  [['Delete'], 'Remove the selection (warns when it breaks the pipeline)'],
  [['Shift', 'click'], 'Add to the selection'],
  [['Ctrl', 'K'], 'Go to a page or a lead'],
];

/** Keyboard add-node: search the palette by name, Enter adds the node in the middle of the visible canvas. */
function AddNodeDialog({ opened, items, onClose, onPick }: { opened: boolean; items: PaletteItem[]; onClose: () => void; onPick: (item: PaletteItem) => void }) {
  const data = items.map((item, i) => ({
    value: String(i),
    label: item.kind === 'custom' ? `${item.label} (custom activity)` : `${typeInfo[item.type].name} — ${item.label}`,
  }));
  return (
    <Modal opened={opened} onClose={onClose} title="Add a node" centered>
      <Select
        label="Node" placeholder="Type to search the palette" data={data} searchable defaultDropdownOpened data-autofocus
        value={null} onChange={(v) => { const item = v === null ? undefined : items[Number(v)]; if (item) onPick(item); }}
        maxDropdownHeight={260}
      />
    </Modal>
  );
}

/** The designer's keyboard shortcuts (opened with "?" or the keyboard button). */
function ShortcutHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" centered>
      <Table data-testid="shortcut-help">
        <Table.Tbody>
          {shortcuts.map(([keys, what]) => (
            <Table.Tr key={what}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{keys.map((k, i) => <span key={k}>{i > 0 && ' + '}<Kbd>{k}</Kbd></span>)}</Table.Td>
              <Table.Td>{what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="xs">Drag a palette item onto the canvas (or double-click it) to add a node; drag from a node's right handle to another node to connect.</Text>
    </Modal>
  );
}

/** Every problem of the last check at once, each with the node or connection it is on; clicking one selects it. */
function ProblemsPanel() {
  const problems = usePipelineStore((s) => s.problems);
  const nodes = usePipelineStore((s) => s.nodes);
  const edges = usePipelineStore((s) => s.edges);
  const [open, setOpen] = useState(true);
  if (!problems.length) return null;
  const items = problemsInWords(problems, nodes, edges);
  const focus = (nodeId?: string, edgeId?: string) => usePipelineStore.setState((s) => ({
    nodes: s.nodes.map((n) => ({ ...n, selected: n.id === nodeId }) as FlowNode),
    edges: s.edges.map((e) => ({ ...e, selected: e.id === edgeId })),
  }));
  return (
    <Alert color="red" variant="light" radius={0} py={6} data-testid="problems"
      title={<button className="link" onClick={() => setOpen(!open)} aria-expanded={open}>{items.length} problem(s) to fix {open ? '▾' : '▸'}</button>}>
      {open && (
        <ul className="problem-list" style={{ maxHeight: 220, overflow: 'auto', margin: 0, paddingLeft: 16 }}>
          {items.map((p, i) => (
            <li key={i}>
              {p.nodeId || p.edgeId ? <button className="link" onClick={() => focus(p.nodeId, p.edgeId)}><b>{p.where}</b></button> : <b>{p.where}</b>}: {p.what}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

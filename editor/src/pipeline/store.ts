import { addEdge, applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import { create } from 'zustand';
import {
  applyProblems, autoLayout, copySelection, emptyHistory, makeFlowNode, outputHandles, pasteClipboard, record, redo as redoStep,
  toDocument, toFlow, undo as undoStep, uniqueId, NEXT, type Clipboard, type DraftDocument, type FlowEdge, type FlowNode, type History,
  type PipelineMeta, type Problem, type StepData,
} from '../../model';
import type { NodeType } from '../../../engine/pipeline/schema';

interface Snapshot { meta: PipelineMeta; nodes: FlowNode[]; edges: FlowEdge[] }

export interface PipelineState extends Snapshot {
  history: History<Snapshot>;
  /** Set when a drag starts, recorded once when it ends (one undo step per drag, not per pixel). */
  dragStart?: Snapshot;
  clipboard?: Clipboard;
  problems: Problem[];
  generalProblems: Problem[];
  /** Bumped on every edit; the designer persists the draft locally when it changes. */
  revision: number;
  readOnly: boolean;
  /** Whose graph this is (`designerKey`): a screen writes only when it is the one its URL names. */
  key: string | undefined;

  /** Replaces the graph with `doc`, the document of `key`. */
  load(key: string, doc: DraftDocument, opts?: { readOnly?: boolean; problems?: Problem[] }): void;
  /** Forgets the graph (a screen showing another pipeline is about to load its own). */
  clear(): void;
  onNodesChange(changes: NodeChange<FlowNode>[]): void;
  onEdgesChange(changes: EdgeChange<FlowEdge>[]): void;
  connect(c: Connection): void;
  addNode(type: NodeType, position: { x: number; y: number }, config: Record<string, unknown>, label?: string): string;
  updateNodeData(id: string, patch: Partial<Pick<StepData, 'label' | 'config'>>): void;
  renameNode(id: string, next: string): boolean;
  setMeta(patch: Partial<PipelineMeta>): void;
  removeElements(nodeIds: string[], edgeIds: string[]): void;
  copy(): void;
  paste(): void;
  undo(): void;
  redo(): void;
  layout(): void;
  setProblems(problems: Problem[]): void;
  /** Live view: lead counts per node id (display only, not part of the document or history). */
  setCounts(counts: Map<string, { open: number; closed: number }>): void;
  document(): DraftDocument;
}

const snapshot = (s: Snapshot): Snapshot => ({ meta: s.meta, nodes: s.nodes, edges: s.edges });

/**
 * The designer store: graph, history, clipboard and the problems shown on the canvas, for the one pipeline (draft,
 * version or live view) named by `key`. Screens check `key` before they save, publish or keep a local draft.
 */
export const usePipelineStore = create<PipelineState>()((set, get) => {
  /** Applies an edit as one undo step. */
  const commit = (next: Partial<Snapshot>) => {
    const s = get();
    if (s.readOnly) return;
    set({ ...next, history: record(s.history, snapshot(s)), revision: s.revision + 1 });
  };
  const withProblems = (nodes: FlowNode[], edges: FlowEdge[], problems: Problem[]) => {
    const r = applyProblems(nodes, edges, problems);
    return { nodes: r.nodes, edges: r.edges, generalProblems: r.general, problems };
  };

  return {
    meta: { id: '', name: '' }, nodes: [], edges: [], history: emptyHistory(), problems: [], generalProblems: [], revision: 0, readOnly: false, key: undefined,

    load(key, doc, opts = {}) {
      const flow = toFlow(doc);
      set({
        key, meta: { id: doc.id, name: doc.name, description: doc.description }, ...withProblems(flow.nodes, flow.edges, opts.problems ?? []),
        history: emptyHistory(), dragStart: undefined, readOnly: opts.readOnly ?? false, revision: 0, clipboard: get().clipboard,
      });
    },

    clear() {
      set({ key: undefined, meta: { id: '', name: '' }, nodes: [], edges: [], problems: [], generalProblems: [], history: emptyHistory(), dragStart: undefined, revision: 0, readOnly: true });
    },

    onNodesChange(changes) {
      const s = get();
      const meaningful = changes.filter((c) => c.type !== 'select' && c.type !== 'dimensions');
      if (s.readOnly && meaningful.length) {
        set({ nodes: applyNodeChanges(changes.filter((c) => c.type === 'select' || c.type === 'dimensions'), s.nodes) });
        return;
      }
      const removals = changes.filter((c) => c.type === 'remove');
      if (removals.length) return get().removeElements(removals.map((c) => c.id), []);
      const drag = changes.find((c) => c.type === 'position');
      const nodes = applyNodeChanges(changes, s.nodes);
      if (drag && drag.type === 'position') {
        if (drag.dragging && !s.dragStart) return set({ nodes, dragStart: snapshot(s) });
        if (!drag.dragging && s.dragStart) return set({ nodes, dragStart: undefined, history: record(s.history, s.dragStart), revision: s.revision + 1 });
      }
      set({ nodes });
    },

    onEdgesChange(changes) {
      const s = get();
      const removals = changes.filter((c) => c.type === 'remove');
      if (removals.length) return get().removeElements([], removals.map((c) => c.id));
      if (s.readOnly) return set({ edges: applyEdgeChanges(changes.filter((c) => c.type === 'select'), s.edges) });
      set({ edges: applyEdgeChanges(changes, s.edges) });
    },

    connect(c) {
      const s = get();
      if (!c.source || !c.target || c.source === c.target) return;
      const handle = c.sourceHandle ?? NEXT;
      // One edge per output: reconnecting a branch replaces its old edge.
      const kept = s.edges.filter((e) => !(e.source === c.source && (e.sourceHandle ?? NEXT) === handle));
      const id = uniqueId('e', new Set(s.edges.map((e) => e.id)));
      const branch = handle === NEXT ? undefined : handle;
      const edges = addEdge<FlowEdge>({ ...c, id, sourceHandle: handle, label: branch, data: { branch, problems: [] } }, kept);
      commit({ edges });
    },

    addNode(type, position, config, label) {
      const s = get();
      const id = uniqueId(type.replace('_', '-'), new Set(s.nodes.map((n) => n.id)));
      const node = makeFlowNode({ id, type, config, position, label });
      commit({ nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), { ...node, selected: true }] });
      return id;
    },

    updateNodeData(id, patch) {
      const s = get();
      const nodes = s.nodes.map((n) => {
        if (n.id !== id) return n;
        const data = { ...n.data, ...patch };
        if (patch.config) data.outputs = outputHandles(n.data.nodeType, patch.config);
        return { ...n, data } as FlowNode;
      });
      const node = nodes.find((n) => n.id === id);
      // Edges of branches that no longer exist would dangle: drop them (the user sees the change, undo restores).
      const edges = node ? s.edges.filter((e) => e.source !== id || node.data.outputs.includes(e.sourceHandle ?? NEXT)) : s.edges;
      commit({ nodes, edges });
    },

    renameNode(id, next) {
      const s = get();
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(next) || s.nodes.some((n) => n.id === next)) return false;
      commit({
        nodes: s.nodes.map((n) => (n.id === id ? ({ ...n, id: next } as FlowNode) : n)),
        edges: s.edges.map((e) => ({ ...e, source: e.source === id ? next : e.source, target: e.target === id ? next : e.target })),
      });
      return true;
    },

    setMeta(patch) {
      commit({ meta: { ...get().meta, ...patch } });
    },

    removeElements(nodeIds, edgeIds) {
      const s = get();
      const gone = new Set(nodeIds);
      const goneEdges = new Set(edgeIds);
      commit({
        nodes: s.nodes.filter((n) => !gone.has(n.id)),
        edges: s.edges.filter((e) => !goneEdges.has(e.id) && !gone.has(e.source) && !gone.has(e.target)),
      });
    },

    copy() {
      const s = get();
      const clip = copySelection(s.nodes, s.edges);
      if (clip.nodes.length) set({ clipboard: clip });
    },

    paste() {
      const s = get();
      if (!s.clipboard) return;
      const pasted = pasteClipboard(s.clipboard, s.nodes.map((n) => n.id), s.edges.map((e) => e.id));
      commit({ nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted.nodes], edges: [...s.edges, ...pasted.edges] });
      // Paste again offsets again instead of stacking on the first copy.
      set({ clipboard: { nodes: pasted.nodes, edges: pasted.edges } });
    },

    undo() {
      const s = get();
      const step = undoStep(s.history, snapshot(s));
      if (step) set({ ...step.state, history: step.history, revision: s.revision + 1 });
    },

    redo() {
      const s = get();
      const step = redoStep(s.history, snapshot(s));
      if (step) set({ ...step.state, history: step.history, revision: s.revision + 1 });
    },

    layout() {
      const s = get();
      commit({ nodes: autoLayout(s.nodes, s.edges) });
    },

    setProblems(problems) {
      const s = get();
      set(withProblems(s.nodes, s.edges, problems));
    },

    setCounts(counts) {
      set((s) => ({
        nodes: s.nodes.map((n) => {
          const c = counts.get(n.id) ?? { open: 0, closed: 0 };
          const old = n.data.counts;
          return old && old.open === c.open && old.closed === c.closed ? n : ({ ...n, data: { ...n.data, counts: c } } as FlowNode);
        }),
      }));
    },

    document() {
      const s = get();
      return toDocument(s.meta, s.nodes, s.edges);
    },
  };
});

import { outputsOf } from '../../engine/pipeline/outputs';
import type { NodeType, PipelineNode } from '../../engine/pipeline/schema';
import { NEXT, type DraftDocument, type FlowEdge, type FlowNode, type FlowNodeKind, type PipelineMeta, type StepData } from './types';

/** The canvas kind of a pipeline node type. */
export function kindOf(type: NodeType): FlowNodeKind {
  if (type === 'trigger') return 'trigger';
  if (type === 'end_won' || type === 'end_lost') return 'end';
  if (type === 'decision' || type === 'wait' || type === 'configurator_check') return 'branch';
  return 'step';
}

/** Output handles of a node; tolerant of an unfinished config (a decision without branches still has "default"). */
export function outputHandles(type: NodeType, config: Record<string, unknown>): string[] {
  try {
    const cfg = type === 'decision' && !Array.isArray(config.branches) ? { ...config, branches: [] } : config;
    const out = outputsOf({ id: '_', type, config: cfg, position: { x: 0, y: 0 } } as PipelineNode);
    return out.map((o) => o ?? NEXT);
  } catch {
    return [NEXT];
  }
}

/** One canvas node from its parts (outputs derived from config). */
export function makeFlowNode(n: DraftDocument['nodes'][number], extra: Partial<StepData> = {}): FlowNode {
  const data: StepData = { nodeType: n.type, label: n.label, config: n.config ?? {}, outputs: outputHandles(n.type, n.config ?? {}), problems: [], ...extra };
  return { id: n.id, type: kindOf(n.type), position: { ...n.position }, data } as FlowNode;
}

/** Edge id → canvas edge (the branch is the source handle). */
export function makeFlowEdge(e: DraftDocument['edges'][number], problems: string[] = []): FlowEdge {
  return {
    id: e.id, source: e.source, target: e.target, sourceHandle: e.branch ?? NEXT, targetHandle: null,
    label: e.branch, data: { branch: e.branch, problems },
  };
}

/**
 * Pipeline document → React Flow nodes and edges.
 * @example const { nodes, edges } = toFlow(defaultPipeline)
 */
export function toFlow(doc: Pick<DraftDocument, 'nodes' | 'edges'>): { nodes: FlowNode[]; edges: FlowEdge[] } {
  return {
    nodes: doc.nodes.map((n) => makeFlowNode({ ...n, config: n.config ?? {}, position: n.position ?? { x: 0, y: 0 } })),
    edges: doc.edges.map((e) => makeFlowEdge(e)),
  };
}

/** React Flow nodes and edges → the draft document the API stores (problems and counts are display-only, dropped). */
export function toDocument(meta: PipelineMeta, nodes: FlowNode[], edges: FlowEdge[]): DraftDocument {
  return {
    id: meta.id,
    name: meta.name,
    ...(meta.description ? { description: meta.description } : {}),
    nodes: nodes.map((n) => ({
      id: n.id, type: n.data.nodeType, ...(n.data.label ? { label: n.data.label } : {}), config: n.data.config,
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
    })),
    edges: edges.map((e) => {
      const branch = e.sourceHandle && e.sourceHandle !== NEXT ? e.sourceHandle : undefined;
      return { id: e.id, source: e.source, target: e.target, ...(branch ? { branch } : {}) };
    }),
  };
}

/** An id not in `taken`, from a readable stem (`score`, `score-2`, …). */
export function uniqueId(stem: string, taken: ReadonlySet<string>): string {
  const base = stem.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'node';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

import { validatePipeline } from '../../engine/pipeline/validate';
import { toDocument } from './document';
import type { FlowEdge, FlowNode, PipelineMeta, Problem } from './types';

const key = (p: Problem) => `${p.nodeId ?? ''}|${p.edgeId ?? ''}|${p.message}`;

/**
 * The graph problems a deletion would introduce (those present after but not before), so the editor can ask
 * "this breaks a path — delete anyway?". Problems on the deleted items themselves do not count.
 * @example problemsIntroducedByDelete(meta, nodes, edges, ['route'], []) // [{ nodeId: 'score', message: '… no outgoing edge …' }]
 */
export function problemsIntroducedByDelete(meta: PipelineMeta, nodes: FlowNode[], edges: FlowEdge[], nodeIds: readonly string[], edgeIds: readonly string[]): Problem[] {
  const goneNodes = new Set(nodeIds);
  const goneEdges = new Set(edgeIds);
  const before = validatePipeline(toDocument(meta, nodes, edges)).problems;
  const keptNodes = nodes.filter((n) => !goneNodes.has(n.id));
  const keptEdges = edges.filter((e) => !goneEdges.has(e.id) && !goneNodes.has(e.source) && !goneNodes.has(e.target));
  if (keptNodes.length === 0) return [{ path: 'nodes', message: 'the pipeline would have no nodes left' }];
  const after = validatePipeline(toDocument(meta, keptNodes, keptEdges)).problems;
  const had = new Set(before.map(key));
  return after.filter((p) => !had.has(key(p)));
}

import type { FlowEdge, FlowNode, Problem } from './types';

export interface ProblemIndex {
  byNode: Map<string, string[]>;
  byEdge: Map<string, string[]>;
  /** Problems about the whole graph (e.g. "no trigger"), shown in the problems panel. */
  general: Problem[];
}

/** Groups problems by the node or edge they point at; a problem with neither is general. */
export function indexProblems(problems: readonly Problem[]): ProblemIndex {
  const byNode = new Map<string, string[]>();
  const byEdge = new Map<string, string[]>();
  const general: Problem[] = [];
  for (const p of problems) {
    if (p.edgeId) byEdge.set(p.edgeId, [...(byEdge.get(p.edgeId) ?? []), p.message]);
    else if (p.nodeId) byNode.set(p.nodeId, [...(byNode.get(p.nodeId) ?? []), p.message]);
    else general.push(p);
  }
  return { byNode, byEdge, general };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Puts each problem on its node / edge (`data.problems`) so they render with a red outline; objects whose problems
 * did not change keep their identity, so memoised nodes do not re-render.
 */
export function applyProblems(nodes: FlowNode[], edges: FlowEdge[], problems: readonly Problem[]): { nodes: FlowNode[]; edges: FlowEdge[]; general: Problem[] } {
  const idx = indexProblems(problems);
  return {
    nodes: nodes.map((n) => {
      const p = idx.byNode.get(n.id) ?? [];
      return same(p, n.data.problems) ? n : ({ ...n, data: { ...n.data, problems: p } } as FlowNode);
    }),
    edges: edges.map((e) => {
      const p = idx.byEdge.get(e.id) ?? [];
      const old = e.data?.problems ?? [];
      if (same(p, old)) return e;
      return { ...e, data: { ...e.data, problems: p }, className: p.length ? 'has-problem' : undefined };
    }),
    general: idx.general,
  };
}

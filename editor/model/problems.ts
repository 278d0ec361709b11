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

/** A problem said in words: where it is (a node by its label, a connection by its ends, or the pipeline) and what is wrong. */
export interface ProblemInWords { where: string; what: string; nodeId?: string; edgeId?: string }

const words = (field: string) => field.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();

/** Zod's shape messages in plain words ("Invalid input: expected string, received undefined" → "is missing"). */
function plain(message: string): string {
  if (/received undefined/.test(message) || /^Required$/.test(message)) return 'is missing';
  const small = /Too small: expected (?:string|array) to have >=?(\d+)/.exec(message);
  if (small) return small[1] === '1' ? 'must not be empty' : `needs at least ${small[1]}`;
  const wrong = /Invalid input: expected (\w+), received (\w+)/.exec(message);
  if (wrong) return `should be ${wrong[1] === 'string' ? 'text' : wrong[1]}, not ${wrong[2] === 'string' ? 'text' : wrong[2]}`;
  const option = /Invalid option: expected one of (.+)$/.exec(message);
  if (option) return `must be one of ${option[1]!.replace(/\|/g, ', ')}`;
  return message;
}

/**
 * Each problem with its place named as the user sees it on the canvas.
 * @example problemsInWords([{ path: 'nodes[1].config.ruleSetId', nodeId: 'score', message: 'Required' }], nodes, edges)
 *   // [{ where: 'Score lead (score)', what: 'rule set id is missing', nodeId: 'score' }]
 */
export function problemsInWords(
  problems: readonly Problem[],
  nodes: readonly { id: string; data: { label?: string } }[],
  edges: readonly { id: string; source: string; target: string; sourceHandle?: string | null }[],
): ProblemInWords[] {
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const edgeById = new Map(edges.map((e) => [e.id, e]));
  const nameOf = (id: string) => {
    const label = nodeById.get(id)?.data.label;
    return label && label !== id ? `${label} (${id})` : id;
  };
  return problems.map((p) => {
    const field = /\.config\.([A-Za-z0-9_]+)/.exec(p.path)?.[1];
    const what = field ? `${words(field)} ${plain(p.message)}` : plain(p.message);
    if (p.edgeId) {
      const e = edgeById.get(p.edgeId);
      const branch = e?.sourceHandle && e.sourceHandle !== 'next' ? ` (${e.sourceHandle})` : '';
      return { where: e ? `Connection ${nameOf(e.source)} → ${nameOf(e.target)}${branch}` : `Connection ${p.edgeId}`, what, edgeId: p.edgeId };
    }
    if (p.nodeId) return { where: nameOf(p.nodeId), what, nodeId: p.nodeId };
    return { where: 'Pipeline', what };
  });
}

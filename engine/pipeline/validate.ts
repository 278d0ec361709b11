import { isEnd, outputsOf } from './outputs';
import { pipelineDocumentSchema, type PipelineDocument } from './schema';

/** One graph problem, pointing at the node or edge the editor should highlight. */
export interface PipelineProblem {
  path: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
}

export type PipelineValidation = { ok: true; doc: PipelineDocument; problems: [] } | { ok: false; problems: PipelineProblem[] };

/**
 * Validates a pipeline document: the zod shape, then the graph checks of DESIGN.md — one trigger, no dangling
 * edges, every branch wired exactly once, every node reachable and able to reach an end, loops only through a wait.
 * @example const v = validatePipeline(json); if (!v.ok) console.log(v.problems[0].message);
 */
export function validatePipeline(input: unknown): PipelineValidation {
  const parsed = pipelineDocumentSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => {
        const nodeIdx = i.path[0] === 'nodes' && typeof i.path[1] === 'number' ? i.path[1] : undefined;
        const edgeIdx = i.path[0] === 'edges' && typeof i.path[1] === 'number' ? i.path[1] : undefined;
        const raw = input as { nodes?: { id?: string }[]; edges?: { id?: string }[] };
        return {
          path: i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, ''),
          message: i.message,
          nodeId: nodeIdx !== undefined ? raw?.nodes?.[nodeIdx]?.id : undefined,
          edgeId: edgeIdx !== undefined ? raw?.edges?.[edgeIdx]?.id : undefined,
        };
      }),
    };
  }
  const doc = parsed.data;
  const problems = checkGraph(doc);
  return problems.length ? { ok: false, problems } : { ok: true, doc, problems: [] };
}

/** The graph checks alone, on a document that already has the right shape. */
export function checkGraph(doc: PipelineDocument): PipelineProblem[] {
  const problems: PipelineProblem[] = [];
  const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const nodeIndex = new Map(doc.nodes.map((n, i) => [n.id, i]));
  const np = (id: string, message: string) => problems.push({ path: `nodes[${nodeIndex.get(id)}]`, nodeId: id, message });

  const seenNodes = new Set<string>();
  for (const n of doc.nodes) {
    if (seenNodes.has(n.id)) np(n.id, `duplicate node id "${n.id}"`);
    seenNodes.add(n.id);
  }
  const triggers = doc.nodes.filter((n) => n.type === 'trigger');
  if (triggers.length === 0) problems.push({ path: 'nodes', message: 'the pipeline needs exactly one capture trigger; it has none' });
  for (const t of triggers.slice(1)) np(t.id, 'a second capture trigger: the pipeline needs exactly one');

  const seenEdges = new Set<string>();
  const out = new Map<string, string[]>();
  doc.edges.forEach((e, i) => {
    const ep = (message: string) => problems.push({ path: `edges[${i}]`, edgeId: e.id, message });
    if (seenEdges.has(e.id)) ep(`duplicate edge id "${e.id}"`);
    seenEdges.add(e.id);
    const src = nodes.get(e.source);
    if (!src) return ep(`edge "${e.id}" starts at a node that does not exist ("${e.source}")`);
    if (!nodes.has(e.target)) return ep(`edge "${e.id}" ends at a node that does not exist ("${e.target}")`);
    if (nodes.get(e.target)!.type === 'trigger') ep(`edge "${e.id}" leads back into the capture trigger`);
    const outputs = outputsOf(src);
    if (!outputs.includes(e.branch ?? undefined)) {
      ep(outputs.length === 0
        ? `"${src.label ?? src.id}" is an end: it cannot have outgoing edges`
        : e.branch
          ? `"${src.label ?? src.id}" has no branch "${e.branch}" (it has: ${outputs.map((o) => o ?? 'next').join(', ')})`
          : `edge "${e.id}" from "${src.label ?? src.id}" must name one of its branches: ${outputs.join(', ')}`);
    }
    out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  });

  for (const n of doc.nodes) {
    const outputs = outputsOf(n);
    for (const branch of outputs) {
      const wired = doc.edges.filter((e) => e.source === n.id && (e.branch ?? undefined) === branch);
      if (wired.length === 0) np(n.id, branch ? `branch "${branch}" of "${n.label ?? n.id}" is not connected` : `"${n.label ?? n.id}" has no outgoing edge: every path must end in won or lost`);
      if (wired.length > 1) np(n.id, `${branch ? `branch "${branch}"` : 'the output'} of "${n.label ?? n.id}" is connected ${wired.length} times; connect it once`);
    }
  }

  // Reachability from the trigger, and every node must be able to reach an end.
  if (triggers.length === 1) {
    const reached = walk(triggers[0]!.id, out);
    for (const n of doc.nodes) if (!reached.has(n.id)) np(n.id, `"${n.label ?? n.id}" cannot be reached from the capture trigger`);
  }
  const incoming = new Map<string, string[]>();
  for (const e of doc.edges) if (nodes.has(e.source) && nodes.has(e.target)) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  const canEnd = new Set<string>();
  for (const n of doc.nodes) if (isEnd(n)) for (const id of walk(n.id, incoming)) canEnd.add(id);
  if (!doc.nodes.some(isEnd)) problems.push({ path: 'nodes', message: 'the pipeline has no end: add a won and a lost end' });
  else for (const n of doc.nodes) if (!canEnd.has(n.id) && !isEnd(n)) np(n.id, `no path from "${n.label ?? n.id}" reaches won or lost`);

  // Loops only through a wait: without wait nodes the graph must be acyclic.
  const noWait = new Map<string, string[]>();
  for (const [src, targets] of out) if (nodes.get(src)?.type !== 'wait') noWait.set(src, targets.filter((t) => nodes.get(t)?.type !== 'wait'));
  const cycleNode = findCycle(doc.nodes.map((n) => n.id), noWait);
  if (cycleNode) np(cycleNode, `"${nodes.get(cycleNode)!.label ?? cycleNode}" is on a loop without a wait: loops must pass through a wait node`);
  return problems;
}

function walk(start: string, adj: Map<string, string[]>): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    for (const next of adj.get(stack.pop()!) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return seen;
}

function findCycle(ids: string[], adj: Map<string, string[]>): string | undefined {
  const state = new Map<string, 1 | 2>();
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack: [string, number][] = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = (adj.get(top[0]) ?? [])[top[1]++];
      if (next === undefined) {
        state.set(top[0], 2);
        stack.pop();
      } else if (state.get(next) === 1) return next;
      else if (!state.has(next)) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
    }
  }
  return undefined;
}

import { outputHandles } from './document';
import { NEXT, type DraftDocument } from './types';

/**
 * The pipeline's stage names in the order a lead meets them: breadth-first from the trigger, branches in the order
 * the node lists them; stages no path reaches come last, in document order.
 * @example stageOrder(defaultPipeline) // ['new', 'qualified', …]
 */
export function stageOrder(doc: Pick<DraftDocument, 'nodes' | 'edges'>): string[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const out = new Map<string, { target: string; rank: number }[]>();
  for (const e of doc.edges) {
    const src = byId.get(e.source);
    if (!src) continue;
    const rank = outputHandles(src.type, src.config ?? {}).indexOf(e.branch ?? NEXT);
    out.set(e.source, [...(out.get(e.source) ?? []), { target: e.target, rank: rank < 0 ? Number.MAX_SAFE_INTEGER : rank }]);
  }
  const seen = new Set<string>();
  const queue = doc.nodes.filter((n) => n.type === 'trigger').map((n) => n.id);
  const visited: string[] = [];
  for (const id of queue) seen.add(id);
  while (queue.length) {
    const id = queue.shift()!;
    visited.push(id);
    for (const next of [...(out.get(id) ?? [])].sort((a, b) => a.rank - b.rank)) {
      if (!seen.has(next.target) && byId.has(next.target)) {
        seen.add(next.target);
        queue.push(next.target);
      }
    }
  }
  for (const n of doc.nodes) if (!seen.has(n.id)) visited.push(n.id);
  const names: string[] = [];
  for (const id of visited) {
    const n = byId.get(id)!;
    const name = n.type === 'stage' ? n.config?.name : undefined;
    if (typeof name === 'string' && name && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Stage counts in pipeline order, every stage of the pipeline listed (0 when empty); stages the pipeline does not
 * have (leads still on an older version) follow in their own order.
 */
export function stagesInOrder<C extends { stage: string; open: number; closed: number; failed?: number }>(counts: readonly C[], order: readonly string[]): { stage: string; open: number; closed: number; failed: number }[] {
  const byStage = new Map(counts.map((c) => [c.stage, c]));
  const known = order.map((stage) => {
    const c = byStage.get(stage);
    return { stage, open: c?.open ?? 0, closed: c?.closed ?? 0, failed: c?.failed ?? 0 };
  });
  const rest = counts.filter((c) => !order.includes(c.stage)).map((c) => ({ stage: c.stage, open: c.open, closed: c.closed, failed: c.failed ?? 0 }));
  return [...known, ...rest];
}

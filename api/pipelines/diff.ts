// Structural diff of two pipeline documents, by node and edge id (positions alone do not count as a change).

export interface DiffableNode { id: string; type: string; label?: string; config?: unknown; position?: { x: number; y: number } }
export interface DiffableEdge { id: string; source: string; target: string; branch?: string }
export interface DiffableDocument { name?: string; nodes: DiffableNode[]; edges: DiffableEdge[] }

export interface PipelineDiff {
  nodes: { added: DiffableNode[]; removed: DiffableNode[]; changed: { id: string; fields: string[]; before: DiffableNode; after: DiffableNode }[] };
  edges: { added: DiffableEdge[]; removed: DiffableEdge[]; changed: { id: string; fields: string[]; before: DiffableEdge; after: DiffableEdge }[] };
}

/** Stable JSON (sorted keys) so that key order never counts as a change. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function diffBy<T extends { id: string }>(before: T[], after: T[], fields: (keyof T)[]) {
  const a = new Map(before.map((x) => [x.id, x]));
  const b = new Map(after.map((x) => [x.id, x]));
  const added = after.filter((x) => !a.has(x.id));
  const removed = before.filter((x) => !b.has(x.id));
  const changed: { id: string; fields: string[]; before: T; after: T }[] = [];
  for (const x of after) {
    const old = a.get(x.id);
    if (!old) continue;
    const diff = fields.filter((f) => stable(old[f]) !== stable(x[f])).map(String);
    if (diff.length) changed.push({ id: x.id, fields: diff, before: old, after: x });
  }
  return { added, removed, changed };
}

/**
 * What changed from `from` to `to`: nodes and edges added, removed and changed (type, label, config; edge ends and branch).
 * @example diffPipelines(v1, v2).nodes.added.map((n) => n.id)
 */
export function diffPipelines(from: DiffableDocument, to: DiffableDocument): PipelineDiff {
  return {
    nodes: diffBy<DiffableNode>(from.nodes, to.nodes, ['type', 'label', 'config']),
    edges: diffBy<DiffableEdge>(from.edges, to.edges, ['source', 'target', 'branch']),
  };
}

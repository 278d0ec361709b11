import { uniqueId } from './document';
import type { FlowEdge, FlowNode } from './types';

/** What Ctrl+C keeps: the selected nodes and the edges between them. */
export interface Clipboard { nodes: FlowNode[]; edges: FlowEdge[] }

/** Copies the selected nodes and only the edges whose both ends are selected. */
export function copySelection(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): Clipboard {
  const picked = nodes.filter((n) => n.selected);
  const ids = new Set(picked.map((n) => n.id));
  return {
    nodes: picked.map((n) => structuredClone({ ...n, selected: false })),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => structuredClone({ ...e, selected: false })),
  };
}

/**
 * Pastes a clipboard next to the originals: fresh node and edge ids (never colliding with `taken`), internal edges
 * re-pointed at the copies, problems cleared, the pasted nodes selected.
 */
export function pasteClipboard(clip: Clipboard, takenNodeIds: Iterable<string>, takenEdgeIds: Iterable<string>, offset = { x: 40, y: 40 }): Clipboard {
  const nodeIds = new Set(takenNodeIds);
  const edgeIds = new Set(takenEdgeIds);
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = uniqueId(n.id.replace(/-\d+$/, ''), nodeIds);
    nodeIds.add(id);
    rename.set(n.id, id);
    return { ...structuredClone(n), id, selected: true, position: { x: n.position.x + offset.x, y: n.position.y + offset.y }, data: { ...structuredClone(n.data), problems: [] } } as FlowNode;
  });
  const edges = clip.edges.map((e) => {
    const id = uniqueId('e', edgeIds);
    edgeIds.add(id);
    return { ...structuredClone(e), id, source: rename.get(e.source)!, target: rename.get(e.target)!, selected: false, data: { ...e.data, problems: [] } } as FlowEdge;
  });
  return { nodes, edges };
}

import dagre from '@dagrejs/dagre';
import type { FlowEdge, FlowNode } from './types';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 72;

export interface LayoutOptions {
  /** Widest a row of layers may be before the next layers wrap into a row below (a long pipeline is not one long row). */
  maxRowWidth?: number;
  /** Vertical gap between wrapped rows. */
  rowGap?: number;
}

/**
 * Layered left-to-right layout with dagre (one layer per step, branches side by side); layers that would make the
 * graph wider than `maxRowWidth` continue in a row below, again from the left. Returns new nodes with positions.
 */
export function autoLayout(nodes: FlowNode[], edges: FlowEdge[], opts: LayoutOptions = {}): FlowNode[] {
  const maxRowWidth = opts.maxRowWidth ?? 1500;
  const rowGap = opts.rowGap ?? 120;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const size = (n: FlowNode) => ({ w: n.measured?.width ?? NODE_WIDTH, h: n.measured?.height ?? NODE_HEIGHT });
  for (const n of nodes) g.setNode(n.id, { width: size(n).w, height: size(n).h });
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const placed = nodes.map((n) => {
    const p = g.node(n.id);
    const { w, h } = size(n);
    return { n, x: p.x - w / 2, y: p.y - h / 2, w, h };
  });

  // Layers are the distinct x positions; cut them into rows no wider than maxRowWidth.
  const layers = [...new Set(placed.map((p) => Math.round(p.x)))].sort((a, b) => a - b);
  const rowOf = new Map<number, number>();
  const rowStart: number[] = [];
  for (const x of layers) {
    const row = rowStart.length - 1;
    const widest = Math.max(...placed.filter((p) => Math.round(p.x) === x).map((p) => p.w));
    if (row < 0 || x + widest - rowStart[row]! > maxRowWidth) rowStart.push(x);
    rowOf.set(x, rowStart.length - 1);
  }
  const rows = rowStart.map((_, r) => placed.filter((p) => rowOf.get(Math.round(p.x)) === r));
  const offsets: number[] = [];
  let top = 0;
  for (const row of rows) {
    const minY = Math.min(...row.map((p) => p.y));
    const maxY = Math.max(...row.map((p) => p.y + p.h));
    offsets.push(top - minY);
    top += maxY - minY + rowGap;
  }
  const left = rowStart[0] ?? 0;
  return placed.map((p) => {
    const r = rowOf.get(Math.round(p.x))!;
    return { ...p.n, position: { x: Math.round(p.x - rowStart[r]! + left), y: Math.round(p.y + offsets[r]!) } };
  });
}

export interface Viewport { x: number; y: number; zoom: number }

/**
 * The viewport that shows the whole graph when it can be read there, else the start of it (top left, where the
 * trigger is) at the smallest readable zoom, so node text is never shrunk to a few pixels.
 * @example readableViewport({ x: 0, y: 0, width: 3000, height: 800 }, { width: 800, height: 700 }) // zoom 0.7, top left
 */
export function readableViewport(
  bounds: { x: number; y: number; width: number; height: number },
  canvas: { width: number; height: number },
  opts: { minZoom?: number; maxZoom?: number; padding?: number } = {},
): Viewport {
  const minZoom = opts.minZoom ?? 0.7;
  const maxZoom = opts.maxZoom ?? 1;
  const pad = opts.padding ?? 40;
  const fit = Math.min((canvas.width - 2 * pad) / Math.max(bounds.width, 1), (canvas.height - 2 * pad) / Math.max(bounds.height, 1));
  if (fit >= minZoom) {
    const zoom = Math.min(fit, maxZoom);
    return { zoom, x: (canvas.width - bounds.width * zoom) / 2 - bounds.x * zoom, y: (canvas.height - bounds.height * zoom) / 2 - bounds.y * zoom };
  }
  return { zoom: minZoom, x: pad - bounds.x * minZoom, y: pad - bounds.y * minZoom };
}

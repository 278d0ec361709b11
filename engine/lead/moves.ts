// Moving a live lead to another published version of its pipeline: pure helpers shared by the workflow (which
// applies a move at a node boundary) and the API (which plans the node mapping and previews it).
import type { NodeOf, PipelineDocument, PipelineNode } from '../pipeline/schema';

/** What a lead answers to a move request (and keeps, so a repeated moveId gets the same answer). */
export interface MoveResult {
  moveId: string;
  moved: boolean;
  reason?: string;
  fromVersion: number;
  fromNodeId: string;
  toVersion: number;
  toNodeId: string | null;
}

/** Node types a move may target: a lead lands where it can rest or continue, never on capture or an end. */
export function isMoveTarget(node: PipelineNode): boolean {
  return node.type !== 'trigger' && node.type !== 'end_won' && node.type !== 'end_lost';
}

/**
 * The stage a node belongs to: the node itself when it is a stage, else the nearest stage upstream (breadth-first
 * against the edges), or undefined before the first stage.
 * @example stageOf(defaultPipeline, 'qualify')?.config.name // 'qualification'
 */
export function stageOf(doc: Pick<PipelineDocument, 'nodes' | 'edges'>, nodeId: string): NodeOf<'stage'> | undefined {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>([nodeId]);
  let frontier = [nodeId];
  while (frontier.length) {
    for (const id of frontier) {
      const n = byId.get(id);
      if (n?.type === 'stage') return n;
    }
    const before: string[] = [];
    for (const e of doc.edges) {
      if (frontier.includes(e.target) && !seen.has(e.source)) {
        seen.add(e.source);
        before.push(e.source);
      }
    }
    frontier = before;
  }
  return undefined;
}

export type MappingRule = 'same node' | 'same stage' | 'same type' | 'chosen';

/**
 * The default target of a lead at `nodeId` of `from` in `to`: the node with the same id (and type), else the node of
 * the same kind in the stage of the same name (the stage node itself for a stage), else the only node of the same
 * kind (a wait: waiting for the same thing). Undefined when none fits: the lead cannot move without a chosen node.
 * @example defaultTarget(v1, v2, 'qualify') // { nodeId: 'qualify', rule: 'same node' }
 */
export function defaultTarget(from: Pick<PipelineDocument, 'nodes' | 'edges'>, to: Pick<PipelineDocument, 'nodes' | 'edges'>, nodeId: string): { nodeId: string; rule: MappingRule } | undefined {
  const source = from.nodes.find((n) => n.id === nodeId);
  if (!source) return undefined;
  const same = to.nodes.find((n) => n.id === nodeId);
  if (same && same.type === source.type && isMoveTarget(same)) return { nodeId, rule: 'same node' };
  const alike = (n: PipelineNode) => n.type === source.type && isMoveTarget(n)
    && (n.type !== 'wait' || source.type !== 'wait' || n.config.until === source.config.until);
  const stage = stageOf(from, nodeId);
  if (stage) {
    const inStage = to.nodes.filter((n) => alike(n) && stageOf(to, n.id)?.config.name === stage.config.name);
    if (inStage.length === 1) return { nodeId: inStage[0]!.id, rule: 'same stage' };
  }
  const kind = to.nodes.filter(alike);
  if (kind.length === 1) return { nodeId: kind[0]!.id, rule: 'same type' };
  return undefined;
}

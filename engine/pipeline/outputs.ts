// Pure graph helpers shared by the workflow interpreter, the graph checks and the editor (no zod here: small bundle).
import type { PipelineDocument, PipelineEdge, PipelineNode } from './schema';

/** Branches a `wait` node can leave by, per thing waited for. */
export const waitBranches = {
  qualification: ['qualified', 'nurture', 'disqualified'],
  engagement: ['engaged'],
  visit: ['visited'],
  close: ['won', 'lost'],
} as const;

/**
 * The named outputs of a node: `[undefined]` for a plain "next" output, named branches for
 * decisions, waits and checks, none for ends.
 * @example outputsOf({ type: 'configurator_check', ... }) // ['valid', 'invalid']
 */
export function outputsOf(node: PipelineNode): (string | undefined)[] {
  switch (node.type) {
    case 'end_won':
    case 'end_lost':
      return [];
    case 'decision':
      return [...node.config.branches.map((b) => b.id), 'default'];
    case 'wait': {
      const out: string[] = [...waitBranches[node.config.until]];
      if (node.config.timeoutHours) out.push('timeout');
      if (node.config.maxTimeouts) out.push('exhausted');
      return out;
    }
    case 'configurator_check':
      return ['valid', 'invalid'];
    default:
      return [undefined];
  }
}

/** The edge leaving `nodeId` by `branch` (undefined = the plain output). */
export function edgeFrom(doc: Pick<PipelineDocument, 'edges'>, nodeId: string, branch?: string): PipelineEdge | undefined {
  return doc.edges.find((e) => e.source === nodeId && (e.branch ?? undefined) === branch);
}

/** True for the won and lost ends of a pipeline. */
export function isEnd(node: PipelineNode): boolean {
  return node.type === 'end_won' || node.type === 'end_lost';
}

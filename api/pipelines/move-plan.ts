import type { MoveCandidate } from '../../db/lead-moves';
import { defaultTarget, isMoveTarget, stageOf, type MappingRule } from '../../engine/lead/moves';
import type { MovePreview } from '../../engine/lead/move-schemas';
import type { PipelineDocument } from '../../engine/pipeline/schema';

const CLOSED = new Set(['won', 'lost', 'disqualified']);

const labelOf = (doc: PipelineDocument | undefined, nodeId: string) => {
  const n = doc?.nodes.find((x) => x.id === nodeId);
  return n?.label ?? n?.id ?? nodeId;
};

/**
 * Maps each chosen lead's node to a node of the target version (default rules, then the ops' overrides) and says
 * per lead whether it can move, and why not: closed, already there, still being captured, busy with another move,
 * no mapping, a mapped node that is not in the target.
 * @example planMove(candidates, new Map([[1, v1]]), v2, 2, { qualify: 'call-first' })
 */
export function planMove(
  candidates: MoveCandidate[], sourceDocs: Map<number, PipelineDocument>, target: PipelineDocument, toVersion: number, mapping: Record<string, string>,
): Omit<MovePreview, 'pipelineId'> {
  const targetIds = new Map(target.nodes.map((n) => [n.id, n]));
  const sources = new Map<string, MovePreview['sources'][number]>();
  const leads: MovePreview['leads'] = [];

  for (const c of candidates) {
    const doc = sourceDocs.get(c.pipelineVersion);
    let toNodeId: string | null = null;
    let reason: string | null = null;
    if (CLOSED.has(c.status)) reason = `closed (${c.status})`;
    else if (c.pipelineVersion === toVersion) reason = `already on v${toVersion}`;
    else if (!c.nodeId || !doc?.nodes.some((n) => n.id === c.nodeId && n.type !== 'trigger')) reason = 'not at a node yet (still being captured)';
    else if (c.pendingMoveId) reason = `busy: move ${c.pendingMoveId} is still pending`;

    if (c.nodeId && !reason) {
      let src = sources.get(c.nodeId);
      if (!src) {
        const node = doc!.nodes.find((n) => n.id === c.nodeId)!;
        const def = defaultTarget(doc!, target, c.nodeId);
        const chosen = mapping[c.nodeId];
        const rule: MappingRule | null = chosen !== undefined ? (chosen === '' ? null : 'chosen') : (def?.rule ?? null);
        src = {
          nodeId: c.nodeId, label: labelOf(doc, c.nodeId), type: node.type, stage: stageOf(doc!, c.nodeId)?.config.name ?? null,
          versions: [], leads: 0, target: chosen !== undefined ? (chosen || null) : (def?.nodeId ?? null), rule, defaultTarget: def?.nodeId ?? null,
        };
        sources.set(c.nodeId, src);
      }
      if (!src.versions.includes(c.pipelineVersion)) src.versions.push(c.pipelineVersion);
      src.leads++;
      const t = src.target ? targetIds.get(src.target) : undefined;
      if (mapping[c.nodeId] === '') reason = 'left where it is by the mapping';
      else if (!src.target) reason = `no mapping for node "${src.label}": it is not in v${toVersion}; choose a target node`;
      else if (!t) reason = `node "${src.target}" is not in v${toVersion}`;
      else if (!isMoveTarget(t)) reason = `a lead cannot be moved onto "${labelOf(target, t.id)}" (${t.type === 'trigger' ? 'the trigger' : 'an end node'})`;
      else toNodeId = t.id;
    }
    leads.push({
      id: c.id, name: c.name, company: c.company, status: c.status, stage: c.stage, fromVersion: c.pipelineVersion,
      fromNodeId: c.nodeId, toNodeId, movable: toNodeId !== null, reason,
    });
  }

  return {
    toVersion,
    targets: target.nodes.filter(isMoveTarget).map((n) => ({ nodeId: n.id, label: n.label ?? n.id, type: n.type, stage: stageOf(target, n.id)?.config.name ?? null })),
    sources: [...sources.values()],
    leads,
    movable: leads.filter((l) => l.movable).length,
    refused: leads.filter((l) => !l.movable).length,
  };
}

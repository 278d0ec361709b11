import { describe, expect, it } from 'vitest';
import { planMove } from '../../api/pipelines/move-plan';
import type { MoveCandidate } from '../../db/lead-moves';
import { defaultTarget, stageOf } from '../../engine/lead/moves';
import { defaultPipeline as v1 } from '../../engine/pipeline/default-pipeline';
import type { PipelineDocument } from '../../engine/pipeline/schema';

/** v2: the qualification wait renamed, the offer stage's wait removed (its stage node stays). */
const v2: PipelineDocument = {
  ...v1,
  nodes: v1.nodes.map((n) => (n.id === 'qualify' ? { ...n, id: 'qualify-call', label: 'Rep calls and qualifies' } : n)).filter((n) => n.id !== 'close'),
  edges: v1.edges
    .filter((e) => e.source !== 'close')
    .map((e) => ({ ...e, source: e.source === 'qualify' ? 'qualify-call' : e.source, target: e.target === 'qualify' ? 'qualify-call' : e.target === 'close' ? 'won' : e.target })),
};

const lead = (id: string, nodeId: string | null, extra: Partial<MoveCandidate> = {}): MoveCandidate => ({
  id, name: id, company: null, status: 'open', stage: 'qualification', nodeId, pipelineVersion: 1, pendingMoveId: null, ...extra,
});

describe('default mapping of a lead\'s node to the target version', () => {
  it('finds the stage a node sits in by walking back to the nearest stage node', () => {
    expect(stageOf(v1, 'qualify')?.config.name).toBe('qualification');
    expect(stageOf(v1, 'nurture-wait')?.config.name).toBe('nurturing');
    expect(stageOf(v1, 'score')).toBeUndefined();
  });

  it('maps by node id first, then by the same kind in the stage of the same name, else nothing', () => {
    expect(defaultTarget(v1, v1, 'nurture-wait')).toEqual({ nodeId: 'nurture-wait', rule: 'same node' });
    expect(defaultTarget(v1, v2, 'qualify')).toEqual({ nodeId: 'qualify-call', rule: 'same stage' });
    // The offer stage's "close" wait is gone and no other wait waits for the close: no default.
    expect(defaultTarget(v1, v2, 'close')).toBeUndefined();
  });
});

describe('move preview', () => {
  it('says per lead who moves where and why the others cannot', () => {
    const p = planMove([
      lead('a', 'qualify'),
      lead('b', 'close', { stage: 'offer' }),
      lead('c', 'qualify', { status: 'won' }),
      lead('d', 'qualify', { pipelineVersion: 2 }),
      lead('e', 'capture'),
      lead('f', 'qualify', { pendingMoveId: 'mv-1' }),
    ], new Map([[1, v1], [2, v2]]), v2, 2, {});
    const byId = Object.fromEntries(p.leads.map((l) => [l.id, l]));
    expect(byId.a).toMatchObject({ movable: true, toNodeId: 'qualify-call' });
    expect(byId.b).toMatchObject({ movable: false, reason: 'no mapping for node "Offer outcome": it is not in v2; choose a target node' });
    expect(byId.c?.reason).toBe('closed (won)');
    expect(byId.d?.reason).toBe('already on v2');
    expect(byId.e?.reason).toBe('not at a node yet (still being captured)');
    expect(byId.f?.reason).toBe('busy: move mv-1 is still pending');
    expect(p.movable).toBe(1);
    expect(p.targets.map((t) => t.nodeId)).not.toContain('capture');
  });

  it('applies the ops\' mapping: a chosen node, a node that is not in the target, an end node, or leave them', () => {
    const leads = [lead('a', 'qualify'), lead('b', 'close', { stage: 'offer' })];
    const docs = new Map([[1, v1]]);
    const chosen = planMove(leads, docs, v2, 2, { close: 'offer' });
    expect(chosen.leads[1]).toMatchObject({ movable: true, toNodeId: 'offer' });
    expect(chosen.sources.find((s) => s.nodeId === 'close')).toMatchObject({ target: 'offer', rule: 'chosen', defaultTarget: null, leads: 1 });
    expect(planMove(leads, docs, v2, 2, { qualify: 'gone' }).leads[0]?.reason).toBe('node "gone" is not in v2');
    expect(planMove(leads, docs, v2, 2, { qualify: 'lost' }).leads[0]?.reason).toBe('a lead cannot be moved onto "Lost" (an end node)');
    expect(planMove(leads, docs, v2, 2, { qualify: '' }).leads[0]?.reason).toBe('left where it is by the mapping');
  });
});

import { describe, expect, it } from 'vitest';
import { defaultPipeline, validatePipeline, type PipelineDocument } from '../../engine/pipeline';

const clone = (): PipelineDocument => structuredClone(defaultPipeline);

describe('pipeline document', () => {
  it('ships a valid default pipeline', () => {
    const v = validatePipeline(defaultPipeline);
    expect(v.problems).toEqual([]);
  });

  it('requires one trigger', () => {
    const doc = clone();
    doc.nodes = doc.nodes.filter((n) => n.type !== 'trigger');
    doc.edges = doc.edges.filter((e) => e.source !== 'capture');
    const v = validatePipeline(doc);
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.message)).toContain('the pipeline needs exactly one capture trigger; it has none');
  });

  it('names a dangling edge', () => {
    const doc = clone();
    doc.edges.push({ id: 'bad', source: 'score', target: 'nowhere' });
    const v = validatePipeline(doc);
    expect(v.problems).toContainEqual(expect.objectContaining({ edgeId: 'bad', message: expect.stringContaining('does not exist ("nowhere")') }));
  });

  it('names an unwired decision branch on its node', () => {
    const doc = clone();
    doc.edges = doc.edges.filter((e) => e.id !== 'e9');
    const v = validatePipeline(doc);
    expect(v.problems).toContainEqual(expect.objectContaining({ nodeId: 'qualify', message: 'branch "disqualified" of "Rep qualifies" is not connected' }));
  });

  it('refuses loops that do not pass through a wait', () => {
    const doc = clone();
    doc.edges = doc.edges.map((e) => (e.id === 'e3' ? { ...e, target: 'score' } : e));
    const v = validatePipeline(doc);
    expect(v.problems.some((p) => p.message.includes('loop without a wait'))).toBe(true);
  });

  it('allows the nurture loop through a wait', () => {
    expect(defaultPipeline.edges.some((e) => e.source === 'nurture-wait' && e.target === 'nurture-mail')).toBe(true);
    expect(validatePipeline(defaultPipeline).ok).toBe(true);
  });

  it('reports paths that never end and nodes nobody reaches', () => {
    const doc = clone();
    doc.nodes.push({ id: 'orphan', type: 'create_task', config: { kind: 'call', title: 'Call', dueHours: 24, assignee: 'owner' }, position: { x: 0, y: 0 } });
    const v = validatePipeline(doc);
    const msgs = v.problems.filter((p) => p.nodeId === 'orphan').map((p) => p.message);
    expect(msgs).toEqual(expect.arrayContaining([expect.stringContaining('cannot be reached'), expect.stringContaining('no outgoing edge')]));
  });

  it('reports shape errors with a path and the node id', () => {
    const doc = clone() as unknown as { nodes: { id: string; config: Record<string, unknown> }[] };
    doc.nodes[1]!.config = {};
    const v = validatePipeline(doc);
    expect(v.problems[0]).toMatchObject({ path: 'nodes[1].config.ruleSetId', nodeId: 'score' });
  });
});

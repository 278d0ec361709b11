import { describe, expect, it } from 'vitest';
import { defaultPipeline } from '../../engine/pipeline/default-pipeline';
import { validatePipeline } from '../../engine/pipeline/validate';
import {
  applyProblems, autoLayout, clearDraft, copySelection, designerKey, emptyHistory, indexProblems, loadDraft, outputHandles, pasteClipboard,
  problemsInWords, problemsIntroducedByDelete, readableViewport, record, redo, stageOrder, stagesInOrder, storeDraft, toDocument, toFlow, undo, uniqueId,
  whyNotWritable, type FlowNode, type KeyValueStorage,
} from '../../editor/model';

const meta = { id: defaultPipeline.id, name: defaultPipeline.name, description: defaultPipeline.description };

describe('document ↔ canvas', () => {
  it('round-trips the default pipeline without losing a node, edge, branch or config', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const back = toDocument(meta, nodes, edges);
    expect(back).toEqual(JSON.parse(JSON.stringify(defaultPipeline)));
    expect(validatePipeline(back).ok).toBe(true);
  });

  it('gives each node one output handle per branch and picks the canvas kind by type', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    expect(byId.get('capture')!.type).toBe('trigger');
    expect(byId.get('won')!.type).toBe('end');
    expect(byId.get('won')!.data.outputs).toEqual([]);
    expect(byId.get('hot')!.type).toBe('branch');
    expect(byId.get('hot')!.data.outputs).toEqual(['call', 'default']);
    expect(byId.get('nurture-wait')!.data.outputs).toEqual(['engaged', 'timeout', 'exhausted']);
    expect(byId.get('score')!.data.outputs).toEqual(['next']);
    expect(edges.find((e) => e.id === 'e4')!.sourceHandle).toBe('call');
    expect(edges.find((e) => e.id === 'e1')!.sourceHandle).toBe('next');
  });

  it('tolerates unfinished configs (a decision without branches keeps its default output)', () => {
    expect(outputHandles('decision', {})).toEqual(['default']);
    expect(outputHandles('wait', { until: 'close', timeoutHours: 4 })).toEqual(['won', 'lost', 'timeout']);
  });

  it('makes readable unique ids', () => {
    expect(uniqueId('score', new Set(['score', 'score-2']))).toBe('score-3');
    expect(uniqueId('Send e-mail!', new Set())).toBe('Send-e-mail');
  });
});

describe('server problems on nodes and edges', () => {
  it('puts node, edge and general problems where the editor shows them', () => {
    const doc = structuredClone(defaultPipeline);
    doc.nodes = doc.nodes.filter((n) => n.id !== 'capture');
    doc.edges.push({ id: 'dangling', source: 'score', target: 'nowhere' });
    doc.edges = doc.edges.filter((e) => e.id !== 'e4');
    const v = validatePipeline(doc);
    expect(v.ok).toBe(false);
    const { nodes, edges } = toFlow(doc);
    const shown = applyProblems(nodes, edges, v.problems);
    expect(shown.general.map((p) => p.message).join()).toMatch(/capture trigger/);
    expect(shown.edges.find((e) => e.id === 'dangling')!.data!.problems[0]).toMatch(/does not exist/);
    expect(shown.edges.find((e) => e.id === 'dangling')!.className).toBe('has-problem');
    expect(shown.nodes.find((n) => n.id === 'hot')!.data.problems.join()).toMatch(/branch "call"/);
    expect(shown.nodes.find((n) => n.id === 'won')!.data.problems).toEqual([]);
  });

  it('keeps the identity of nodes whose problems did not change (memoised nodes do not re-render)', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const once = applyProblems(nodes, edges, [{ path: 'nodes[1]', nodeId: 'score', message: 'x' }]);
    const twice = applyProblems(once.nodes, once.edges, [{ path: 'nodes[1]', nodeId: 'score', message: 'x' }]);
    expect(twice.nodes[1]).toBe(once.nodes[1]);
    expect(once.nodes[0]).toBe(nodes[0]);
    expect(indexProblems([{ path: 'edges[0]', edgeId: 'e1', nodeId: 'capture', message: 'm' }]).byEdge.get('e1')).toEqual(['m']);
  });
});

describe('undo / redo history', () => {
  it('undoes and redoes in order, and a new change clears redo', () => {
    let h = emptyHistory<number>();
    h = record(h, 1);
    h = record(h, 2);
    const u1 = undo(h, 3)!;
    expect(u1.state).toBe(2);
    const u2 = undo(u1.history, u1.state)!;
    expect(u2.state).toBe(1);
    expect(undo(u2.history, u2.state)).toBeUndefined();
    const r1 = redo(u2.history, u2.state)!;
    expect(r1.state).toBe(2);
    const changed = record(r1.history, r1.state);
    expect(redo(changed, 5)).toBeUndefined();
  });

  it('keeps at most the limit', () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < 10; i++) h = record(h, i, 3);
    expect(h.past).toEqual([7, 8, 9]);
  });
});

describe('copy / paste', () => {
  it('pastes fresh ids, keeps only internal edges and re-points them at the copies', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const selected = nodes.map((n) => (['score', 'route'].includes(n.id) ? { ...n, selected: true } : n)) as FlowNode[];
    const clip = copySelection(selected, edges);
    expect(clip.nodes.map((n) => n.id)).toEqual(['score', 'route']);
    expect(clip.edges.map((e) => e.id)).toEqual(['e2']);
    const pasted = pasteClipboard(clip, nodes.map((n) => n.id), edges.map((e) => e.id));
    expect(pasted.nodes.map((n) => n.id)).toEqual(['score-2', 'route-2']);
    expect(pasted.edges[0]).toMatchObject({ source: 'score-2', target: 'route-2' });
    expect(edges.map((e) => e.id)).not.toContain(pasted.edges[0]!.id);
    expect(pasted.nodes[0]!.position).toEqual({ x: 300, y: 240 });
    // pasting twice never collides
    const again = pasteClipboard(clip, [...nodes.map((n) => n.id), 'score-2', 'route-2'], [...edges.map((e) => e.id), pasted.edges[0]!.id]);
    expect(again.nodes.map((n) => n.id)).toEqual(['score-3', 'route-3']);
    // the clipboard is a copy: editing the paste does not touch the original
    pasted.nodes[0]!.data.config.ruleSetId = 'changed';
    expect(nodes.find((n) => n.id === 'score')!.data.config.ruleSetId).toBe('scoring-default');
  });
});

describe('delete warning', () => {
  it('warns when deleting a node breaks a path', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const introduced = problemsIntroducedByDelete(meta, nodes, edges, ['route'], []);
    expect(introduced.length).toBeGreaterThan(0);
    expect(introduced.some((p) => p.nodeId === 'score' && /no outgoing edge/.test(p.message))).toBe(true);
  });

  it('warns when deleting an edge leaves a decision branch unwired', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const introduced = problemsIntroducedByDelete(meta, nodes, edges, [], ['e4']);
    expect(introduced.some((p) => p.nodeId === 'hot' && /branch "call"/.test(p.message))).toBe(true);
  });

  it('does not warn when the deletion breaks nothing', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const extra = [...nodes, { ...nodes[1]!, id: 'orphan', data: { ...nodes[1]!.data } } as FlowNode];
    const withOrphan = [...edges, { id: 'eo', source: 'orphan', target: 'route', sourceHandle: 'next', data: { problems: [] } }];
    expect(problemsIntroducedByDelete(meta, extra, withOrphan, ['orphan'], [])).toEqual([]);
  });
});

describe('auto layout and local drafts', () => {
  it('lays the default pipeline out left to right with no overlapping nodes', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const laid = autoLayout(nodes, edges);
    const x = new Map(laid.map((n) => [n.id, n.position.x]));
    expect(x.get('capture')!).toBeLessThan(x.get('score')!);
    expect(x.get('score')!).toBeLessThan(x.get('route')!);
    const seen = new Set(laid.map((n) => `${n.position.x},${n.position.y}`));
    expect(seen.size).toBe(laid.length);
  });

  it('keeps a draft until it is cleared', () => {
    const mem = new Map<string, string>();
    const storage: KeyValueStorage = { getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => void mem.set(k, v), removeItem: (k) => void mem.delete(k) };
    storeDraft(storage, 'pipeline', 'default', { name: 'x' }, new Date('2024-01-01T00:00:00Z'));
    expect(loadDraft(storage, 'pipeline', 'default')).toEqual({ doc: { name: 'x' }, changedAt: '2024-01-01T00:00:00.000Z' });
    expect(loadDraft(storage, 'pipeline', 'other')).toBeUndefined();
    clearDraft(storage, 'pipeline', 'default');
    expect(loadDraft(storage, 'pipeline', 'default')).toBeUndefined();
  });
});

describe('designer state keyed by pipeline', () => {
  const memStorage = (): KeyValueStorage & { mem: Map<string, string> } => {
    const mem = new Map<string, string>();
    return { mem, getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => void mem.set(k, v), removeItem: (k) => void mem.delete(k) };
  };

  it('names drafts, versions and live views of each pipeline apart', () => {
    const keys = [designerKey('a'), designerKey('b'), designerKey('a', 2), designerKey('a', 3), designerKey('a', 'live')];
    expect(new Set(keys).size).toBe(keys.length);
    expect(designerKey('a', 'draft')).toBe(designerKey('a'));
  });

  it('refuses to save while loading, when another graph is shown, or read-only, and says why', () => {
    const ok = { shownKey: designerKey('b'), wantedKey: designerKey('b'), loading: false, readOnly: false, shownDocId: 'b', pipelineId: 'b' };
    expect(whyNotWritable(ok)).toBeUndefined();
    expect(whyNotWritable({ ...ok, loading: true })).toMatch(/"b" is still loading/);
    // Pipeline A's graph is still in the store while B's page is open: saving would write A's graph over B.
    expect(whyNotWritable({ ...ok, shownKey: designerKey('a'), shownDocId: 'a' })).toMatch(/not pipeline "b"/);
    expect(whyNotWritable({ ...ok, shownKey: undefined, shownDocId: '' })).toMatch(/not pipeline "b"/);
    expect(whyNotWritable({ ...ok, shownDocId: 'a' })).toMatch(/not pipeline "b"/);
    // A published version of the same pipeline is not its draft.
    expect(whyNotWritable({ ...ok, shownKey: designerKey('b', 1) })).toMatch(/not pipeline "b"/);
    expect(whyNotWritable({ ...ok, readOnly: true })).toMatch(/read-only/);
  });

  it('never keeps one pipeline\'s graph as another\'s local draft, and never offers one written under the wrong key', () => {
    const storage = memStorage();
    expect(storeDraft(storage, 'pipeline', 'b', { id: 'a', name: 'A' })).toBe(false);
    expect(loadDraft(storage, 'pipeline', 'b')).toBeUndefined();
    expect(storeDraft(storage, 'pipeline', 'b', { id: 'b', name: 'B' })).toBe(true);
    expect(loadDraft<{ name: string }>(storage, 'pipeline', 'b')?.doc.name).toBe('B');
    expect(loadDraft(storage, 'pipeline', 'a')).toBeUndefined();
    // A draft stored under b's key by an older editor, naming pipeline a.
    storage.mem.set('leadflow:draft:pipeline:b', JSON.stringify({ doc: { id: 'a', name: 'A' }, changedAt: '2024-01-01T00:00:00.000Z' }));
    expect(loadDraft(storage, 'pipeline', 'b')).toBeUndefined();
  });
});

describe('problems in words', () => {
  it('names the node by its label, the connection by its ends and the field in words', () => {
    const { nodes, edges } = toFlow(defaultPipeline);
    const words = problemsInWords([
      { path: 'nodes[1].config.ruleSetId', nodeId: 'score', message: 'Invalid input: expected string, received undefined' },
      { path: 'edges[3]', edgeId: 'e4', message: 'the edge points at a node that does not exist' },
      { path: 'nodes', message: 'the pipeline has no end: add a won and a lost end' },
      { path: 'nodes[2].config.name', nodeId: 'qualification', message: 'Too small: expected string to have >=1 characters' },
    ], nodes, edges);
    const score = nodes.find((n) => n.id === 'score')!.data.label;
    expect(words[0]).toEqual({ where: `${score} (score)`, what: 'rule set id is missing', nodeId: 'score' });
    expect(words[1]!.where).toMatch(/^Connection .*hot.* → .* \(call\)$/);
    expect(words[1]!.edgeId).toBe('e4');
    expect(words[2]).toEqual({ where: 'Pipeline', what: 'the pipeline has no end: add a won and a lost end' });
    expect(words[3]!.what).toBe('name must not be empty');
    expect(words.map((w) => w.what).join(' ')).not.toMatch(/Invalid input|received undefined|>=/);
  });
});

describe('live view stages', () => {
  it('lists the default pipeline\'s stages in the order a lead meets them', () => {
    const order = stageOrder(defaultPipeline);
    expect(order.indexOf('qualification')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('qualification')).toBeLessThan(order.indexOf('offer'));
    expect(new Set(order).size).toBe(order.length);
    const stageNames = defaultPipeline.nodes.filter((n) => n.type === 'stage').map((n) => (n.config as { name: string }).name);
    expect([...order].sort()).toEqual([...new Set(stageNames)].sort());
  });

  it('shows every stage in pipeline order with zero for empty ones, unknown stages after', () => {
    const counts = [
      { stage: 'offer', open: 2, closed: 1 },
      { stage: 'legacy', open: 1, closed: 0 },
      { stage: 'nurturing', open: 0, closed: 4 },
    ];
    expect(stagesInOrder(counts, ['qualification', 'nurturing', 'offer'])).toEqual([
      { stage: 'qualification', open: 0, closed: 0, failed: 0 },
      { stage: 'nurturing', open: 0, closed: 4, failed: 0 },
      { stage: 'offer', open: 2, closed: 1, failed: 0 },
      { stage: 'legacy', open: 1, closed: 0, failed: 0 },
    ]);
  });
});

describe('readable at first sight', () => {
  it('wraps a long pipeline into rows no wider than the limit, left to right within each row, boxes apart', () => {
    // A chain of 12 steps: one long row before.
    const doc = {
      nodes: Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, type: (i === 0 ? 'trigger' : 'create_task') as 'trigger', config: {}, position: { x: 0, y: 0 } })),
      edges: Array.from({ length: 11 }, (_, i) => ({ id: `e${i}`, source: `n${i}`, target: `n${i + 1}` })),
    };
    const { nodes, edges } = toFlow(doc);
    const laid = autoLayout(nodes, edges, { maxRowWidth: 1200 });
    const xs = laid.map((n) => n.position.x);
    const ys = [...new Set(laid.map((n) => n.position.y))];
    expect(Math.max(...xs) + 200 - Math.min(...xs)).toBeLessThanOrEqual(1200);
    expect(ys.length).toBeGreaterThan(1);
    const byId = new Map(laid.map((n) => [n.id, n.position]));
    expect(byId.get('n0')!.x).toBeLessThan(byId.get('n1')!.x);
    expect(byId.get('n0')!.y).toBeLessThan(byId.get('n11')!.y);
    for (const a of laid) {
      for (const b of laid) {
        if (a === b) continue;
        const apart = Math.abs(a.position.x - b.position.x) >= 200 || Math.abs(a.position.y - b.position.y) >= 72;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
  });

  it('fits a small graph whole, and opens a large one at its start at a readable zoom', () => {
    const small = readableViewport({ x: 0, y: 0, width: 400, height: 200 }, { width: 1000, height: 800 });
    expect(small.zoom).toBe(1);
    expect(small.x).toBe(300);
    const large = readableViewport({ x: 100, y: 50, width: 4000, height: 900 }, { width: 900, height: 700 }, { minZoom: 0.7 });
    expect(large.zoom).toBe(0.7);
    // The graph's top-left corner (where the trigger is) sits at the padding.
    expect(large.x + 100 * 0.7).toBeCloseTo(40);
    expect(large.y + 50 * 0.7).toBeCloseTo(40);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLeadQuery } from '../../engine/lead/messages';
import { defaultPipeline } from '../../engine/pipeline/default-pipeline';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import { bearerHeaders } from '../helpers/auth';
import { saveHistory } from '../helpers/histories';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

type Event = { type: string; actor: string | null; actorName: string | null; context: Record<string, unknown> };
type Lead = { id: string; stage: string; status: string; ownerId: string | null; nodeId: string | null; pipelineVersion: number };
type Job = { id: string; toVersion: number; counts: { moved: number; refused: number; pending: number }; items: { leadId: string; status: string; reason: string | null; toNodeId: string | null }[] };

/** v2: a qualified lead first gets a welcome-pack task (a node only v2 has) before the offer stage. */
const v2: PipelineDocument = {
  ...defaultPipeline,
  nodes: [
    ...defaultPipeline.nodes,
    { id: 'welcome-pack', type: 'create_task', label: 'Welcome pack', config: { kind: 'follow_up', title: 'Send the welcome pack', dueHours: 24, assignee: 'owner' }, position: { x: 1400, y: 0 } },
  ],
  edges: defaultPipeline.edges.map((e) => (e.id === 'e7' ? { ...e, target: 'welcome-pack' } : e)).concat({ id: 'e7b', source: 'welcome-pack', target: 'offer' }),
};

describe('moving live leads to a new pipeline version (dev server + Postgres)', () => {
  let stack: TestStack;
  let ops: Record<string, string>;
  const ids: string[] = [];

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    ops = await bearerHeaders(stack.db.sql, 'u-olga');
    await stack.startWorker();
  });
  afterAll(async () => stack?.close());

  const get = async (id: string) => {
    const r = await stack.app.inject({ url: `/api/leads/${id}`, headers: ops });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { lead: Lead; events: Event[] };
  };
  const post = (url: string, payload: unknown, headers = ops) => stack.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
  const openTasks = async (id: string) => (await stack.db.sql<{ id: string }[]>`select id from tasks where lead_id = ${id} and not done order by id`).map((t) => t.id);

  it('starts four leads on v1 that wait for qualification', async () => {
    for (const [i, name] of ['Ada Mover', 'Ben Mover', 'Cleo Mover', 'Dan Stayer'].entries()) {
      const email = `${name.split(' ')[0]!.toLowerCase()}@mover-${i}.de`;
      const res = await post('/api/leads/web-form', { name, email, company: `Mover ${i} GmbH`, country: 'de', productInterest: 'crm', companySize: 800, message: 'Please call me' }, {});
      expect(res.statusCode, res.body).toBe(202);
      const id = await eventually(async () => (await stack.db.sql<{ id: string }[]>`select id from leads where email = ${email}`)[0]?.id);
      ids.push(id);
    }
    for (const id of ids) {
      await eventually(async () => { const l = (await get(id)).lead; return l.ownerId && l.nodeId === 'qualify'; }, 30_000);
      expect((await get(id)).lead.pipelineVersion).toBe(1);
    }
  });

  it('publishes v2 and previews the move: same node by id, the fourth lead left out by the filter', async () => {
    const pub = await post('/api/pipelines/default/publish', { note: 'welcome pack after qualification', document: v2 });
    expect(pub.statusCode, pub.body).toBe(201);
    expect(pub.json()).toMatchObject({ version: 2 });
    const r = await post('/api/pipelines/default/moves/preview', { toVersion: 2, fromVersion: 1, stage: 'qualification', leadIds: ids.slice(0, 3) });
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json() as { sources: { nodeId: string; target: string | null; rule: string | null; leads: number }[]; leads: { id: string; movable: boolean; toNodeId: string | null }[]; movable: number };
    expect(p.sources).toEqual([expect.objectContaining({ nodeId: 'qualify', target: 'qualify', rule: 'same node', leads: 3 })]);
    expect(p.movable).toBe(3);
    expect(p.leads.map((l) => l.id).sort()).toEqual(ids.slice(0, 3).sort());
  });

  it('refuses an impossible mapping per lead with the reason, and the lead stays on v1', async () => {
    const dan = ids[3]!;
    const preview = await post('/api/pipelines/default/moves/preview', { toVersion: 2, leadIds: [dan], mapping: { qualify: 'no-such-node' } });
    expect(preview.json().leads).toEqual([expect.objectContaining({ id: dan, movable: false, reason: 'node "no-such-node" is not in v2' })]);
    const onEnd = await post('/api/pipelines/default/moves/preview', { toVersion: 2, leadIds: [dan], mapping: { qualify: 'won' } });
    expect(onEnd.json().leads[0].reason).toMatch(/cannot be moved onto "Won"/);
    const run = await post('/api/pipelines/default/moves', { toVersion: 2, leadIds: [dan], mapping: { qualify: 'no-such-node' } });
    expect(run.statusCode, run.body).toBe(201);
    const job = run.json() as Job;
    expect(job.counts).toEqual({ moved: 0, refused: 1, pending: 0 });
    expect(job.items[0]).toMatchObject({ leadId: dan, status: 'refused', reason: 'node "no-such-node" is not in v2' });
    expect((await get(dan)).lead.pipelineVersion).toBe(1);
    const bad = await post('/api/pipelines/default/moves/preview', { toVersion: 9 });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/toVersion/);
  });

  it('moves three leads at the qualification stage: timelines show it, open tasks stay, they continue on v2', async () => {
    const chosen = ids.slice(0, 3);
    const tasksBefore = await Promise.all(chosen.map(openTasks));
    expect(tasksBefore.every((t) => t.length > 0)).toBe(true);
    const r = await post('/api/pipelines/default/moves', { toVersion: 2, fromVersion: 1, stage: 'qualification', leadIds: chosen, moveId: 'move-test-0001' });
    expect(r.statusCode, r.body).toBe(201);
    const job = r.json() as Job;
    expect(job.counts).toEqual({ moved: 3, refused: 0, pending: 0 });

    for (const [i, id] of chosen.entries()) {
      const { lead, events } = await get(id);
      expect(lead).toMatchObject({ pipelineVersion: 2, nodeId: 'qualify', stage: 'qualification' });
      const moved = events.filter((e) => e.type === 'moved');
      expect(moved).toHaveLength(1);
      expect(moved[0]).toMatchObject({ actor: 'u-olga', actorName: 'Olga Ops', context: expect.objectContaining({ fromVersion: 1, fromNode: 'qualify', toVersion: 2, toNode: 'qualify' }) });
      expect(await openTasks(id)).toEqual(tasksBefore[i]);
      const view = await stack.client.workflow.getHandle(id).query(getLeadQuery);
      expect(view.pipelineVersion).toBe(2);
      expect(view.openTasks.map((t) => t.id).sort()).toEqual([...tasksBefore[i]!].sort());
    }
    const [audit] = await stack.db.sql<{ actor_id: string; details: { moveId: string; leads: number } }[]>`select actor_id, details from audit_log where action = 'lead.migrated'
      and details->>'moveId' = 'move-test-0001'`;
    expect(audit).toMatchObject({ actor_id: 'u-olga', details: { moveId: 'move-test-0001', leads: 3 } });

    // Qualified, a moved lead takes v2's new step (the welcome-pack task); the one left on v1 does not.
    for (const id of [chosen[0]!, ids[3]!]) {
      const { lead } = await get(id);
      const rep = await bearerHeaders(stack.db.sql, lead.ownerId!);
      const q = await post(`/api/leads/${id}/qualify`, { note: 'budget confirmed' }, rep);
      expect(q.statusCode, q.body).toBe(200);
      await eventually(async () => (await get(id)).lead.stage === 'offer');
    }
    const titles = async (id: string) => (await stack.db.sql<{ title: string }[]>`select title from tasks where lead_id = ${id}`).map((t) => t.title);
    expect(await titles(chosen[0]!)).toContain('Send the welcome pack');
    expect(await titles(ids[3]!)).not.toContain('Send the welcome pack');
    expect((await get(ids[3]!)).lead.pipelineVersion).toBe(1);

    // Live counts follow the moved leads: they are counted on v2's nodes, the others where they are.
    const live = (await stack.app.inject({ url: '/api/pipelines/default/live', headers: ops })).json() as { nodes: { nodeId: string; open: number }[] };
    expect(live.nodes.find((n) => n.nodeId === 'qualify')?.open).toBe(2);
    const versions = await stack.db.sql<{ pipeline_version: number; n: number }[]>`select pipeline_version, count(*)::int as n from leads where id in ${stack.db.sql(ids)} group by 1 order by 1`;
    expect(versions).toEqual([{ pipeline_version: 1, n: 1 }, { pipeline_version: 2, n: 3 }]);
  });

  it('answers a repeated move request with the same job and moves nobody twice', async () => {
    const chosen = ids.slice(0, 3);
    const again = await post('/api/pipelines/default/moves', { toVersion: 2, fromVersion: 1, stage: 'qualification', leadIds: chosen, moveId: 'move-test-0001' });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ id: 'move-test-0001', counts: { moved: 3, refused: 0, pending: 0 } });
    // The same update sent to the lead again is answered from its record, not applied again.
    const { moveToVersionUpdate } = await import('../../engine/lead/messages');
    const direct = await stack.client.workflow.getHandle(chosen[1]!).executeUpdate(moveToVersionUpdate, {
      args: [{ moveId: 'move-test-0001', version: 2, nodeId: 'qualify', fromNodeId: 'qualify', by: 'u-olga' }],
    });
    expect(direct).toMatchObject({ moved: true, fromVersion: 1, toVersion: 2 });
    for (const id of chosen) expect((await get(id)).events.filter((e) => e.type === 'moved')).toHaveLength(1);
    const fresh = await post('/api/pipelines/default/moves/preview', { toVersion: 2, leadIds: chosen });
    expect(fresh.json().leads.map((l: { reason: string }) => l.reason)).toEqual(['already on v2', 'already on v2', 'already on v2']);
  });

  it('keeps a replayable history of a moved lead', async () => {
    const id = ids[0]!;
    const { lead } = await get(id);
    const rep = await bearerHeaders(stack.db.sql, lead.ownerId!);
    const lost = await post(`/api/leads/${id}/lost`, { reason: 'competition' }, rep);
    expect(lost.statusCode, lost.body).toBe(200);
    await stack.client.workflow.getHandle(id).result();
    await saveHistory(stack, id, 'lead-moved');
  });
});

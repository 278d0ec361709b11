import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, type TestStack } from '../helpers/stack';

/** The live view's counts are of the leads the viewer may see, so each count matches the list behind it. */
describe('live counts per viewer scope', () => {
  let stack: TestStack;
  let ops: Record<string, string>;
  let anna: Record<string, string>;
  let mia: Record<string, string>;
  const leads: [id: string, owner: string | null, team: string | null, stage: string, status: string][] = [
    ['live-anna-1', 'u-anna', 'team-dach', 'qualification', 'open'],
    ['live-anna-2', 'u-anna', 'team-dach', 'offer', 'qualified'],
    ['live-carla', 'u-carla', 'team-nordics', 'qualification', 'open'],
    ['live-dario', 'u-dario', 'team-west', 'qualification', 'open'],
    ['live-dario-won', 'u-dario', 'team-west', 'offer', 'won'],
  ];

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    await seedDefaults(sql);
    for (const [id, owner, team, stage, status] of leads) {
      await sql`insert into leads (id, dedupe_key, source, name, email, country, owner_id, team_id, pipeline_id, pipeline_version, stage, status, node_id)
                values (${id}, ${id}, 'web', ${id}, ${`${id}@example.test`}, 'DE', ${owner}, ${team}, 'default', 1, ${stage}, ${status}, ${stage})`;
    }
    ops = await bearerHeaders(sql, 'u-olga');
    anna = await bearerHeaders(sql, 'u-anna');
    mia = await bearerHeaders(sql, 'u-mia');
  });
  afterAll(async () => stack?.close());

  type Live = { stages: { stage: string; open: number; closed: number }[]; nodes: { nodeId: string; open: number; closed: number }[]; total: { open: number; closed: number } };
  const live = async (headers: Record<string, string>) => (await stack.app.inject({ url: '/api/pipelines/default/live', headers })).json() as Live;
  const stageList = async (headers: Record<string, string>, stage: string) =>
    ((await stack.app.inject({ url: `/api/pipelines/default/stages/${stage}/leads`, headers })).json() as { items: { id: string }[] }).items.map((l) => l.id).sort();
  const count = (l: Live, stage: string) => l.stages.find((s) => s.stage === stage) ?? { open: 0, closed: 0 };

  it('counts every lead for ops', async () => {
    const l = await live(ops);
    expect(l.total).toEqual({ open: 4, closed: 1, failed: 0 });
    expect(count(l, 'qualification')).toEqual({ stage: 'qualification', open: 3, closed: 0, failed: 0 });
  });

  it('counts only a rep\'s own leads, and each count matches the list', async () => {
    const l = await live(anna);
    expect(l.total).toEqual({ open: 2, closed: 0, failed: 0 });
    for (const stage of ['qualification', 'offer']) {
      const c = count(l, stage);
      expect(await stageList(anna, stage)).toHaveLength(c.open + c.closed);
    }
    expect(await stageList(anna, 'qualification')).toEqual(['live-anna-1']);
  });

  it('counts the teams a manager manages, not other teams\'', async () => {
    const l = await live(mia);
    expect(count(l, 'qualification').open).toBe(2);
    expect(await stageList(mia, 'qualification')).toEqual(['live-anna-1', 'live-carla']);
    expect(l.total.closed).toBe(0);
  });
});

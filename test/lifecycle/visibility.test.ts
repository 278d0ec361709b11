import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, type TestStack } from '../helpers/stack';

describe('lists of leads respect who may see them', () => {
  let stack: TestStack;
  let repA: TestUser;
  let repB: TestUser;
  let manager: TestUser;
  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    repA = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-a' });
    repB = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-b' });
    manager = await createUser(stack.db.sql, { role: 'manager', teamId: 'team-a' });
    for (const [id, owner, team] of [['lead-a', repA.id, 'team-a'], ['lead-b', repB.id, 'team-b']] as const) {
      await stack.db.sql`insert into leads (id, dedupe_key, source, name, owner_id, team_id, pipeline_id, pipeline_version, stage, node_id)
                         values (${id}, ${id}, 'web', ${id}, ${owner}, ${team}, 'default', 1, 'qualification', 'qualify')`;
    }
  });
  afterAll(async () => stack?.close());

  const ids = async (url: string, headers: Record<string, string>) => {
    const r = await stack.app.inject({ url, headers });
    expect(r.statusCode, r.body).toBe(200);
    return ((r.json() as { items: { id: string }[] }).items).map((l) => l.id).sort();
  };

  it.each([
    '/api/leads',
    '/api/pipelines/default/nodes/qualify/leads',
    '/api/pipelines/default/stages/qualification/leads',
  ])('%s: a rep sees only own leads, a manager the team, ops all', async (url) => {
    expect(await ids(url, repA.headers)).toEqual(['lead-a']);
    expect(await ids(url, repB.headers)).toEqual(['lead-b']);
    expect(await ids(url, manager.headers)).toEqual(['lead-a']);
    const ops = await createUser(stack.db.sql, { role: 'ops' });
    expect(await ids(url, ops.headers)).toEqual(['lead-a', 'lead-b']);
  });

  it('a rep asking for another rep\'s lead by id gets 404', async () => {
    expect((await stack.app.inject({ url: '/api/leads/lead-b', headers: repA.headers })).statusCode).toBe(404);
    expect((await stack.app.inject({ url: '/api/leads/lead-a', headers: repA.headers })).statusCode).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccess } from '../../api/auth/plugin';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

/**
 * Broken object-level authorization (OWASP API1): rep A naming rep B's object must get exactly the answer a
 * missing object gets. Generated from the route table: every lead, task and account route that takes an id
 * is covered as soon as it exists.
 */
describe('object level: rep A against rep B\'s objects', () => {
  let stack: TestStack;
  let repA: TestUser;
  let repB: TestUser;
  let managerA: TestUser;
  let routes: RouteAccess[];
  const objectOfB: Record<string, string> = { leads: 'lead-of-b', tasks: 'task-of-b', accounts: 'account-of-b' };

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    repA = await createUser(sql, { role: 'rep', teamId: 'team-a' });
    repB = await createUser(sql, { role: 'rep', teamId: 'team-b' });
    managerA = await createUser(sql, { role: 'manager', teamId: 'team-a' });
    await sql`insert into accounts (id, name, owner_id) values ('account-of-b', 'B GmbH', ${repB.id})`;
    await sql`insert into leads (id, dedupe_key, source, name, owner_id, team_id, account_id, pipeline_id, pipeline_version)
              values ('lead-of-b', 'lead-of-b', 'manual', 'Lead of B', ${repB.id}, 'team-b', 'account-of-b', 'p', 1)`;
    await sql`insert into tasks (id, lead_id, owner_id, kind, title) values ('task-of-b', 'lead-of-b', ${repB.id}, 'call', 'Call B')`;
    await stack.app.ready();
    routes = stack.app.routeAccess.filter((r) => /^\/api\/(leads|tasks|accounts)\/:/.test(r.url) && r.method !== 'HEAD' && typeof r.access === 'object');
  });
  afterAll(async () => stack?.close());

  const ask = (r: RouteAccess, id: string, who: TestUser) => {
    const url = r.url.replace(/:[A-Za-z0-9_]+/, id).replace(/:[A-Za-z0-9_]+/g, 'x');
    const payload = ['GET', 'DELETE'].includes(r.method) ? undefined : {};
    return stack.app.inject({ method: r.method as 'GET', url, headers: who.headers, payload });
  };

  it('answers another rep\'s lead, task or account exactly like a missing one', async (ctx) => {
    if (!routes.length) ctx.skip('no lead, task or account routes with an id are registered yet');
    let covered = 0;
    for (const r of routes) {
      const resource = r.url.split('/')[2]!;
      const roles = (r.access as { roles: string[] }).roles;
      // A manager of another team is a stranger to rep B's objects too.
      for (const who of [repA, managerA]) {
        const label = `${r.method} ${r.url} as ${who.role}`;
        const theirs = await ask(r, objectOfB[resource]!, who);
        const missing = await ask(r, `missing-${resource}`, who);
        if (!roles.includes(who.role)) {
          // Function level refuses before any lookup, whatever the id.
          expect([theirs.statusCode, missing.statusCode], label).toEqual([403, 403]);
          continue;
        }
        covered++;
        expect(theirs.statusCode, label).toBeGreaterThanOrEqual(400);
        expect(theirs.statusCode, label).not.toBe(403);
        expect(theirs.statusCode, label).toBe(missing.statusCode);
        expect(theirs.json().error, label).toBe(missing.json().error);
        if (r.method === 'GET') expect(theirs.statusCode, label).toBe(404);
      }
    }
    expect(covered).toBeGreaterThan(0);
  });

  it('still lets rep B read their own lead', async (ctx) => {
    const read = routes.find((r) => r.method === 'GET' && r.url === '/api/leads/:id');
    if (!read) ctx.skip('GET /api/leads/:id is not registered yet');
    expect((await ask(read!, 'lead-of-b', repB)).statusCode).toBe(200);
  });

  it('answers a manager of another team asking for one of its users like a missing user', async () => {
    const theirs = await stack.app.inject({ url: `/api/users/${repB.id}`, headers: managerA.headers });
    const missing = await stack.app.inject({ url: '/api/users/missing-user', headers: managerA.headers });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).toBe(missing.body);
  });
});

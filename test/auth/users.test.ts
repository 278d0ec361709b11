import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

describe('users, teams and the audit log (admin)', () => {
  let stack: TestStack;
  let admin: TestUser;
  let managerA: TestUser;
  let repA: TestUser;
  let repB: TestUser;
  let ops: TestUser;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who: TestUser, payload?: object) =>
    stack.app.inject({ method, url, headers: who.headers, payload });

  beforeAll(async () => {
    stack = await createTestStack({ env: { LOGIN_RATE_LIMIT: '1000' } });
    admin = await createUser(stack.db.sql, { role: 'admin' });
    ops = await createUser(stack.db.sql, { role: 'ops' });
    managerA = await createUser(stack.db.sql, { role: 'manager', teamId: 'team-a' });
    repA = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-a' });
    repB = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-b' });
  });
  afterAll(async () => stack?.close());

  it('creates a user with a generated password shown once; the user can sign in with it', async () => {
    const res = await call('POST', '/api/users', admin, { email: 'New.Rep@Example.test', name: 'New Rep', role: 'rep', teamId: 'team-a', capacity: 20 });
    expect(res.statusCode).toBe(201);
    const { user, password } = res.json();
    expect(user).toMatchObject({ email: 'new.rep@example.test', role: 'rep', teamId: 'team-a', capacity: 20, active: true });
    expect(password).toEqual(expect.any(String));
    const [row] = await stack.db.sql`select password_hash from users where id = ${user.id}`;
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    const login = await stack.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'new.rep@example.test', password } });
    expect(login.statusCode).toBe(200);
    const dup = await call('POST', '/api/users', admin, { email: 'new.rep@example.test', name: 'Again', role: 'rep' });
    expect(dup.statusCode).toBe(409);
    const badTeam = await call('POST', '/api/users', admin, { email: 'x@example.test', name: 'X', role: 'rep', teamId: 'no-such-team' });
    expect(badTeam.statusCode).toBe(422);
  });

  it('refuses fields that are not editable (property level): id, email, password_hash', async () => {
    for (const body of [{ id: 'evil' }, { email: 'other@example.test' }, { passwordHash: 'x' }, { password_hash: 'x' }]) {
      const res = await call('PATCH', `/api/users/${repA.id}`, admin, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    const created = await call('POST', '/api/users', admin, { email: 'y@example.test', name: 'Y', role: 'rep', active: false, id: 'chosen' });
    expect(created.statusCode).toBe(400);
  });

  it('updates role, team, capacity, territory and notifications, and audits role changes with before/after', async () => {
    const res = await call('PATCH', `/api/users/${repB.id}`, admin, { role: 'manager', capacity: 5, territory: ['SE'], notifyEmail: false });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ role: 'manager', capacity: 5, territory: ['SE'], notifyEmail: false });
    const audit = await call('GET', `/api/audit?action=user.role_changed&actor=${admin.id}`, admin);
    expect(audit.statusCode).toBe(200);
    const entry = audit.json().items.find((e: { targetId: string }) => e.targetId === repB.id);
    expect(entry).toMatchObject({ actorId: admin.id, targetType: 'user', details: { from: { role: 'rep', capacity: 50 }, to: { role: 'manager', capacity: 5 } } });
    expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000);
    await call('PATCH', `/api/users/${repB.id}`, admin, { role: 'rep' });
  });

  it('disables a user: sessions end at once, sign-in refused, records kept', async () => {
    const victim = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-a', password: 'a long enough password' });
    expect((await call('GET', '/api/auth/me', victim)).statusCode).toBe(200);
    expect((await call('DELETE', `/api/users/${victim.id}`, admin)).statusCode).toBe(204);
    expect((await call('GET', '/api/auth/me', victim)).statusCode).toBe(401);
    const login = await stack.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: victim.email, password: 'a long enough password' } });
    expect(login.statusCode).toBe(401);
    expect((await call('GET', `/api/users/${victim.id}`, admin)).json()).toMatchObject({ active: false });
    expect((await call('PATCH', `/api/users/${victim.id}`, admin, { active: true })).json()).toMatchObject({ active: true });
    const actions = await stack.db.sql`select action from audit_log where target_id = ${victim.id} order by id`;
    expect(actions.map((a) => a.action)).toEqual(['user.disabled', 'user.enabled']);
  });

  it('never demotes or disables the last active admin', async () => {
    const res = await call('PATCH', `/api/users/${admin.id}`, admin, { role: 'ops' });
    expect(res.statusCode).toBe(409);
    expect((await call('DELETE', `/api/users/${admin.id}`, admin)).statusCode).toBe(409);
  });

  it('resets a password: shown once, old sessions end', async () => {
    const user = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-a' });
    const res = await call('POST', `/api/users/${user.id}/password`, admin);
    expect(res.statusCode).toBe(200);
    expect((await call('GET', '/api/auth/me', user)).statusCode).toBe(401);
    const login = await stack.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: res.json().password } });
    expect(login.statusCode).toBe(200);
    expect((await call('POST', '/api/users/nobody/password', admin)).statusCode).toBe(404);
  });

  it('scopes user reads: managers see their team, ops everyone, reps nothing', async () => {
    const mine = await call('GET', '/api/users?limit=200', managerA);
    expect(mine.statusCode).toBe(200);
    const ids = mine.json().items.map((u: { id: string }) => u.id);
    expect(ids).toContain(repA.id);
    expect(ids).not.toContain(repB.id);
    expect(ids).not.toContain(admin.id);
    // Another team's user answers 404, exactly like a missing one.
    const other = await call('GET', `/api/users/${repB.id}`, managerA);
    const missing = await call('GET', '/api/users/no-such-user', managerA);
    expect(other.statusCode).toBe(404);
    expect(other.body).toBe(missing.body);
    expect((await call('GET', `/api/users/${repA.id}`, managerA)).statusCode).toBe(200);
    expect((await call('GET', `/api/users/${repB.id}`, ops)).statusCode).toBe(200);
    expect((await call('GET', `/api/users/${repB.id}`, repA)).statusCode).toBe(403);
    expect((await call('GET', `/api/users/${repA.id}`, repA)).statusCode).toBe(403);
  });

  it('pages the user list', async () => {
    const first = await call('GET', '/api/users?limit=2', admin);
    expect(first.json().items).toHaveLength(2);
    expect(first.json().nextOffset).toBe(2);
    const second = await call('GET', '/api/users?limit=2&offset=2', admin);
    expect(second.json().items[0].id).not.toBe(first.json().items[0].id);
    expect((await call('GET', '/api/users?limit=100000', admin)).statusCode).toBe(400);
  });

  it('creates and updates teams; a PATCH changes only what it names', async () => {
    const created = await call('POST', '/api/teams', admin, { id: 'team-nordics', name: 'Nordics', territory: ['SE', 'NO'], managerId: managerA.id });
    expect(created.statusCode).toBe(201);
    expect((await call('POST', '/api/teams', admin, { id: 'team-nordics', name: 'Again' })).statusCode).toBe(409);
    expect((await call('POST', '/api/teams', admin, { id: 'Bad Id', name: 'x' })).statusCode).toBe(400);
    const patched = await call('PATCH', '/api/teams/team-nordics', admin, { name: 'Nordic countries' });
    expect(patched.json()).toEqual({ id: 'team-nordics', name: 'Nordic countries', territory: ['SE', 'NO'], managerId: managerA.id });
    expect((await call('PATCH', '/api/teams/none', admin, { name: 'x' })).statusCode).toBe(404);
    expect((await call('PATCH', '/api/teams/team-nordics', admin, { managerId: 'ghost' })).statusCode).toBe(422);
    const list = await call('GET', '/api/teams', managerA);
    expect(list.json().items.map((t: { id: string }) => t.id)).toContain('team-nordics');
    expect((await call('POST', '/api/teams', managerA, { id: 'mine', name: 'Mine' })).statusCode).toBe(403);
  });

  it('pages the audit log with a cursor and filters by since', async () => {
    const page1 = await call('GET', '/api/audit?limit=2', admin);
    expect(page1.statusCode).toBe(200);
    const { items, nextBefore } = page1.json();
    expect(items).toHaveLength(2);
    expect(items[0].id).toBeGreaterThan(items[1].id);
    const page2 = await call('GET', `/api/audit?limit=2&before=${nextBefore}`, admin);
    expect(page2.json().items[0].id).toBeLessThan(items[1].id);
    const future = await call('GET', `/api/audit?since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`, admin);
    expect(future.json()).toEqual({ items: [], nextBefore: null });
    expect((await call('GET', '/api/audit?since=yesterday', admin)).statusCode).toBe(400);
    expect((await call('GET', '/api/audit', ops)).statusCode).toBe(403);
  });
});

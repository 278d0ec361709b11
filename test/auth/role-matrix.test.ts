import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccess } from '../../api/auth/plugin';
import type { Role } from '../../api/auth/types';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

const ROLES: Role[] = ['rep', 'manager', 'ops', 'admin'];
/** Routes outside /api that may exist without config.access: the docs, the editor's files and CORS preflight. */
const OUTSIDE_API = [/^\/docs(\/|$)/, /^\/healthz$/, /^\/$/, /^\/\*$/, /^\/assets\//, /^\/[^/]+\.[a-z0-9]+$/];

const concrete = (url: string) => url.replace(/:[A-Za-z0-9_]+/g, 'matrix-id').replace(/\*$/, 'x');

/**
 * Generated from the route table the auth plugin records at registration, so a new route is covered the
 * moment it exists: it must declare access, and every role outside its list gets 403, no session 401.
 */
describe('role matrix over every route', () => {
  let stack: TestStack;
  let users: Record<Role, TestUser>;
  let routes: RouteAccess[];

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    users = {
      rep: await createUser(sql, { role: 'rep', teamId: 'team-matrix' }),
      manager: await createUser(sql, { role: 'manager', teamId: 'team-matrix' }),
      ops: await createUser(sql, { role: 'ops' }),
      admin: await createUser(sql, { role: 'admin' }),
    };
    await stack.app.ready();
    routes = stack.app.routeAccess.filter((r) => r.method !== 'OPTIONS' || r.url.startsWith('/api'));
  });
  afterAll(async () => stack?.close());

  it('knows the identity routes (the table is not empty by accident)', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    for (const k of ['POST /api/auth/login', 'GET /api/auth/me', 'GET /api/users', 'PATCH /api/users/:id', 'POST /api/api-keys', 'DELETE /api/api-keys/:id', 'GET /api/audit']) {
      expect(keys).toContain(k);
    }
  });

  it('every /api route declares access, and nothing else is outside /api but docs, health and the editor', () => {
    for (const r of routes) {
      if (r.url.startsWith('/api')) expect(r.access, `${r.method} ${r.url}`).toBeDefined();
      else expect(OUTSIDE_API.some((p) => p.test(r.url)), `${r.method} ${r.url} is outside /api`).toBe(true);
    }
  });

  it('only sign-in is public under /api/auth, /api/users, /api/api-keys and /api/audit', () => {
    const open = routes.filter((r) => /^\/api\/(auth|users|teams|api-keys|audit)/.test(r.url) && r.access === 'public');
    expect(open.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['POST /api/auth/login']);
  });

  it('answers 401 without a session and 403 for every role outside the list, before reading the body', async () => {
    const checked: string[] = [];
    for (const r of routes) {
      if (!r.url.startsWith('/api') || !r.access || typeof r.access === 'string') continue;
      const url = concrete(r.url);
      const method = r.method as 'GET';
      // A body that would fail validation: authorization must come first.
      const payload = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) ? '{not json' : undefined;
      const headers = payload ? { 'content-type': 'application/json' } : {};
      const anon = await stack.app.inject({ method, url, payload, headers });
      expect(anon.statusCode, `${r.method} ${r.url} without a session`).toBe(401);
      for (const role of ROLES) {
        if (role === 'admin' || r.access.roles.includes(role)) continue;
        const res = await stack.app.inject({ method, url, payload, headers: { ...headers, ...users[role].headers } });
        expect(res.statusCode, `${r.method} ${r.url} as ${role}`).toBe(403);
        checked.push(`${r.method} ${r.url} ${role}`);
      }
    }
    expect(checked.length).toBeGreaterThan(10);
  });

  it('lets admin through every role-guarded route (never 401/403)', async () => {
    for (const r of routes) {
      if (!r.url.startsWith('/api') || !r.access || typeof r.access === 'string' || r.method === 'HEAD') continue;
      // Sign-out would end the session the rest of the loop uses; event streams never end.
      if (r.url === '/api/auth/logout' || r.url.endsWith('/stream')) continue;
      const res = await stack.app.inject({ method: r.method as 'GET', url: concrete(r.url), headers: users.admin.headers, payload: ['GET', 'DELETE'].includes(r.method) ? undefined : {} });
      expect([401, 403], `${r.method} ${r.url} as admin: ${res.body}`).not.toContain(res.statusCode);
    }
  });

  it('refuses partner routes without a valid API key, whatever session comes along', async () => {
    for (const r of routes.filter((x) => x.access === 'partner' && x.method !== 'HEAD')) {
      const url = concrete(r.url);
      expect((await stack.app.inject({ method: r.method as 'POST', url, payload: {} })).statusCode, r.url).toBe(401);
      expect((await stack.app.inject({ method: r.method as 'POST', url, payload: {}, headers: users.admin.headers })).statusCode, r.url).toBe(401);
    }
  });

  it('refuses to register an /api route without config.access', async () => {
    const { buildApp } = await import('../../api/app');
    const app = await buildApp({ sql: stack.db.sql, temporal: stack.client, config: stack.config });
    expect(() => app.get('/api/forgotten', async () => ({}))).toThrow(/declares no config.access/);
    await app.close();
  });
});

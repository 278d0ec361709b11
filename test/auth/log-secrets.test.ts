import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { createUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

const PASSWORD = 'very secret password 42';

describe('secrets never reach the log', () => {
  let stack: TestStack;
  let app: FastifyInstance;
  let captured = '';

  beforeAll(async () => {
    stack = await createTestStack();
    const stream = new Writable({ write(chunk, _enc, done) { captured += String(chunk); done(); } });
    app = await buildApp({ sql: stack.db.sql, temporal: stack.client, config: stack.config, logger: { level: 'trace', stream }, logRequests: true });
    app.post('/api/test/partner', { config: { access: 'partner' } }, async (req) => {
      // A careless route logging its whole request must still not leak the key.
      req.log.info({ headers: req.headers, body: req.body }, 'partner call');
      return { ok: true };
    });
  });
  afterAll(async () => {
    await app?.close();
    await stack?.close();
  });

  it('logs sign-ins, token requests and key creation without the password, token, cookie or key', async () => {
    const admin = await createUser(stack.db.sql, { role: 'admin', password: PASSWORD });
    const cookieLogin = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: PASSWORD } });
    expect(cookieLogin.statusCode).toBe(200);
    const cookie = String(cookieLogin.headers['set-cookie']).split(';')[0]!;
    const csrf = cookieLogin.json().csrfToken as string;
    const failed = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: `${PASSWORD}!` } });
    expect(failed.statusCode).toBe(401);
    const tokenLogin = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: admin.email, password: PASSWORD, kind: 'bearer' } });
    const token = tokenLogin.json().token as string;
    const created = await app.inject({ method: 'POST', url: '/api/api-keys', headers: { authorization: `Bearer ${token}` }, payload: { name: 'Logged partner' } });
    expect(created.statusCode).toBe(201);
    const key = created.json().key as string;
    const used = await app.inject({ method: 'POST', url: '/api/test/partner', headers: { 'x-api-key': key, cookie, 'x-csrf-token': csrf }, payload: { name: 'Lead', password: PASSWORD } });
    expect(used.statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie, 'x-csrf-token': csrf }, payload: { currentPassword: PASSWORD, newPassword: 'x' } });

    expect(captured).toContain('signed in');
    expect(captured).toContain('partner call');
    expect(captured).toContain('/api/api-keys');
    for (const secret of [PASSWORD, token, key, cookie.split('=')[1]!, csrf, admin.headers.authorization.slice(7)]) {
      expect(captured).not.toContain(secret);
    }
  });
});

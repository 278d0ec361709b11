import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

describe('resource limits and HTTP hardening', () => {
  let stack: TestStack;
  let admin: TestUser;
  const form = (remoteAddress: string, payload: object = { name: 'Lead' }) =>
    stack.app.inject({ method: 'POST', url: '/api/test/public-form', remoteAddress, payload });

  beforeAll(async () => {
    stack = await createTestStack({ env: { PUBLIC_RATE_LIMIT: '3', LOGIN_RATE_LIMIT: '2' } });
    // Declared like the real web form: public, nothing else; the auth plugin adds rate and body limits.
    stack.app.post('/api/test/public-form', { config: { access: 'public' } }, async () => ({ ok: true }));
    admin = await createUser(stack.db.sql, { role: 'admin' });
  });
  afterAll(async () => stack?.close());

  it('limits public writes per address (PUBLIC_RATE_LIMIT per minute) with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await form('203.0.113.1')).statusCode).toBe(200);
    const limited = await form('203.0.113.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await form('203.0.113.2')).statusCode).toBe(200);
  });

  it('limits the real public web form the same way (when it is registered)', async (ctx) => {
    if (!stack.app.routeAccess.some((r) => r.url === '/api/leads/web-form')) ctx.skip('POST /api/leads/web-form is not registered yet');
    const send = () => stack.app.inject({ method: 'POST', url: '/api/leads/web-form', remoteAddress: '203.0.113.77', payload: { invalid: true } });
    for (let i = 0; i < 3; i++) expect((await send()).statusCode).toBe(400);
    expect((await send()).statusCode).toBe(429);
    const big = await stack.app.inject({ method: 'POST', url: '/api/leads/web-form', remoteAddress: '203.0.113.78', payload: { name: 'x'.repeat(40 * 1024) } });
    expect(big.statusCode).toBe(413);
  });

  it('limits sign-in attempts per address (LOGIN_RATE_LIMIT per minute)', async () => {
    const login = () => stack.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.9', payload: { email: 'a@b.test', password: 'x' } });
    expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(429);
  });

  it('caps public bodies at 32 KiB while signed-in routes keep the app-wide 256 KiB', async () => {
    const big = { name: 'x'.repeat(40 * 1024) };
    const res = await form('203.0.113.50', big);
    expect(res.statusCode).toBe(413);
    const signedIn = await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.headers, payload: big });
    expect(signedIn.statusCode).toBe(400); // parsed, then refused by the schema (name max 200)
    const huge = await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.headers, payload: { name: 'x'.repeat(300 * 1024) } });
    expect(huge.statusCode).toBe(413);
  });

  it('caps page sizes', async () => {
    expect((await stack.app.inject({ url: '/api/audit?limit=100000', headers: admin.headers })).statusCode).toBe(400);
    expect((await stack.app.inject({ url: '/api/api-keys?limit=100000', headers: admin.headers })).statusCode).toBe(400);
  });

  it('sends Helmet headers with a CSP that allows only our own scripts (and inline styles for React Flow)', async () => {
    for (const url of ['/healthz', '/api/auth/me', '/docs']) {
      const res = await stack.app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBeDefined();
    }
  });

  it('sends no CORS headers by default (same origin only)', async () => {
    const res = await stack.app.inject({ method: 'OPTIONS', url: '/api/test/public-form', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the origins in CORS_ORIGINS', async () => {
    const app = await buildApp({ sql: stack.db.sql, temporal: stack.client, config: { ...stack.config, CORS_ORIGINS: ['https://www.example.com'] } });
    const preflight = (origin: string) => app.inject({ method: 'OPTIONS', url: '/api/auth/login', headers: { origin, 'access-control-request-method': 'POST' } });
    const ok = await preflight('https://www.example.com');
    expect(ok.headers['access-control-allow-origin']).toBe('https://www.example.com');
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });
});

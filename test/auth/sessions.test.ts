import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../api/auth/tokens';
import { createUser, signInWithCookie, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

const PASSWORD = 'correct horse battery staple';

describe('sign-in, sessions and CSRF', () => {
  let stack: TestStack;
  let rep: TestUser;
  let ops: TestUser;
  const login = (payload: object, remoteAddress = '127.0.0.1') =>
    stack.app.inject({ method: 'POST', url: '/api/auth/login', payload, remoteAddress });

  beforeAll(async () => {
    // A generous per-address limit: this file tests the per-account throttle, rate-limit.test.ts the limiter.
    stack = await createTestStack({ env: { LOGIN_RATE_LIMIT: '1000' } });
    rep = await createUser(stack.db.sql, { role: 'rep', password: PASSWORD });
    ops = await createUser(stack.db.sql, { role: 'ops', password: PASSWORD });
  });
  afterAll(async () => stack?.close());

  it('returns a bearer token on request and the token works for /api/auth/me', async () => {
    const res = await login({ email: rep.email, password: PASSWORD, kind: 'bearer' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ user: { id: rep.id, role: 'rep' }, csrfToken: null });
    expect(body.token).toMatch(/^lfs_/);
    expect(res.headers['set-cookie']).toBeUndefined();
    const me = await stack.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${body.token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { id: rep.id, email: rep.email }, csrfToken: null });
    expect(JSON.stringify(me.json())).not.toMatch(/password|hash/i);
    // Only the hash is stored.
    const stored = await stack.db.sql`select id from sessions where id = ${body.token}`;
    expect(stored).toHaveLength(0);
    expect(await stack.db.sql`select 1 from sessions where id = ${hashToken(body.token)}`).toHaveLength(1);
  });

  it('sets an httpOnly SameSite=Lax cookie (not Secure over http) and no token by default', async () => {
    const res = await login({ email: rep.email.toUpperCase(), password: PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.json().token).toBeUndefined();
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^lf_session=lfs_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('answers wrong password, unknown e-mail and disabled user with the same 401 message', async () => {
    const disabled = await createUser(stack.db.sql, { role: 'rep', password: PASSWORD });
    await stack.db.sql`update users set active = false where id = ${disabled.id}`;
    const answers = await Promise.all([
      login({ email: rep.email, password: 'wrong password!' }, '10.0.0.1'),
      login({ email: 'nobody@example.test', password: PASSWORD }, '10.0.0.1'),
      login({ email: disabled.email, password: PASSWORD }, '10.0.0.1'),
    ]);
    for (const a of answers) expect(a.statusCode).toBe(401);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]!.json().message).toBe('wrong e-mail or password');
  });

  it('slows down repeated failures: 429 with Retry-After after 5 failures per e-mail and address', async () => {
    const ip = '10.0.0.2';
    for (let i = 0; i < 5; i++) expect((await login({ email: ops.email, password: `nope-${i}` }, ip)).statusCode).toBe(401);
    const blocked = await login({ email: ops.email, password: PASSWORD }, ip);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    // Unknown accounts are throttled the same way (no hint that the account does not exist).
    for (let i = 0; i < 5; i++) await login({ email: 'ghost@example.test', password: 'x' }, ip);
    expect((await login({ email: 'ghost@example.test', password: 'x' }, ip)).statusCode).toBe(429);
    // Another address is not affected, and a success clears the counter.
    expect((await login({ email: ops.email, password: PASSWORD }, '10.0.0.3')).statusCode).toBe(200);
    // The window passing lifts the block.
    await stack.db.sql`update login_failures set last_failed_at = now() - interval '16 minutes'`;
    expect((await login({ email: ops.email, password: PASSWORD }, ip)).statusCode).toBe(200);
  });

  it('rejects expired, unknown and malformed credentials with 401', async () => {
    const res = await login({ email: rep.email, password: PASSWORD, kind: 'bearer' });
    const token = res.json().token as string;
    await stack.db.sql`update sessions set expires_at = now() - interval '1 second' where id = ${hashToken(token)}`;
    for (const authorization of [`Bearer ${token}`, 'Bearer lfs_unknown', 'Basic abc', 'Bearer']) {
      const r = await stack.app.inject({ url: '/api/auth/me', headers: { authorization } });
      expect(r.statusCode, authorization).toBe(401);
    }
    expect((await stack.app.inject({ url: '/api/auth/me', headers: { cookie: 'lf_session=lfs_forged' } })).statusCode).toBe(401);
    expect((await stack.app.inject({ url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('does not accept a bearer token as a cookie or a cookie token as a bearer token', async () => {
    const bearer = (await login({ email: rep.email, password: PASSWORD, kind: 'bearer' })).json().token as string;
    expect((await stack.app.inject({ url: '/api/auth/me', headers: { cookie: `lf_session=${bearer}` } })).statusCode).toBe(401);
    const session = await signInWithCookie(stack.app, rep.email, PASSWORD);
    const cookieToken = session.cookie.split('=')[1]!;
    expect((await stack.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${cookieToken}` } })).statusCode).toBe(401);
  });

  it('requires the CSRF token on cookie-authenticated writes; bearer writes are exempt', async () => {
    const session = await signInWithCookie(stack.app, ops.email, PASSWORD);
    const me = await stack.app.inject({ url: '/api/auth/me', headers: { cookie: session.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().csrfToken).toBe(session.csrfToken);

    const write = (headers: Record<string, string>) =>
      stack.app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: { currentPassword: 'wrong-current', newPassword: 'another long password' } });
    const missing = await write({ cookie: session.cookie });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().message).toMatch(/x-csrf-token/);
    expect((await write({ cookie: session.cookie, 'x-csrf-token': 'forged' })).statusCode).toBe(403);
    // With the token the request reaches the handler (which refuses the wrong current password).
    const withToken = await write(session.writeHeaders);
    expect(withToken.statusCode).toBe(403);
    expect(withToken.json().message).toBe('the current password is wrong');
    // Another session's token does not fit this session.
    const other = await signInWithCookie(stack.app, ops.email, PASSWORD);
    expect((await write({ cookie: session.cookie, 'x-csrf-token': other.csrfToken })).json().message).toMatch(/x-csrf-token/);
    // Bearer: no CSRF token needed.
    expect((await write(ops.headers)).json().message).toBe('the current password is wrong');
    // Reads need no token.
    expect((await stack.app.inject({ url: '/api/auth/me', headers: { cookie: session.cookie } })).statusCode).toBe(200);
  });

  it('logs out: the cookie is cleared and the session no longer works', async () => {
    const session = await signInWithCookie(stack.app, rep.email, PASSWORD);
    expect((await stack.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: session.cookie } })).statusCode).toBe(403);
    const out = await stack.app.inject({ method: 'POST', url: '/api/auth/logout', headers: session.writeHeaders });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/lf_session=;/);
    expect((await stack.app.inject({ url: '/api/auth/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });

  it('changes the password: old one refused, other sessions ended, this one kept, audited', async () => {
    const user = await createUser(stack.db.sql, { role: 'manager', teamId: 'team-pw', password: PASSWORD });
    const keep = await signInWithCookie(stack.app, user.email, PASSWORD);
    const res = await stack.app.inject({
      method: 'POST', url: '/api/auth/password', headers: keep.writeHeaders,
      payload: { currentPassword: PASSWORD, newPassword: 'short' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].path).toBe('body.newPassword');
    const ok = await stack.app.inject({
      method: 'POST', url: '/api/auth/password', headers: keep.writeHeaders,
      payload: { currentPassword: PASSWORD, newPassword: 'a much longer new password' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await stack.app.inject({ url: '/api/auth/me', headers: user.headers })).statusCode).toBe(401);
    expect((await stack.app.inject({ url: '/api/auth/me', headers: { cookie: keep.cookie } })).statusCode).toBe(200);
    expect((await login({ email: user.email, password: PASSWORD }, '10.0.0.9')).statusCode).toBe(401);
    expect((await login({ email: user.email, password: 'a much longer new password' }, '10.0.0.9')).statusCode).toBe(200);
    const [entry] = await stack.db.sql`select actor_id, action from audit_log where target_id = ${user.id}`;
    expect(entry).toMatchObject({ actor_id: user.id, action: 'user.password_changed' });
  });

  it('rejects unknown login fields instead of ignoring them', async () => {
    const res = await login({ email: rep.email, password: PASSWORD, role: 'admin' });
    expect(res.statusCode).toBe(400);
  });
});

describe('cookies behind an https proxy', () => {
  let stack: TestStack;
  let rep: TestUser;
  beforeAll(async () => {
    stack = await createTestStack({ env: { TRUST_PROXY: 'true' } });
    rep = await createUser(stack.db.sql, { role: 'rep', password: PASSWORD });
  });
  afterAll(async () => stack?.close());

  it('marks the session cookie Secure when the request came in over https', async () => {
    const res = await stack.app.inject({
      method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-proto': 'https' }, payload: { email: rep.email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_PARTNER_KEY_ID } from '../../api/auth/api-keys';
import { hashToken } from '../../api/auth/tokens';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

const SHARED_KEY = 'shared-partner-key-0123456789';

describe('partner API keys', () => {
  let stack: TestStack;
  let admin: TestUser;
  let ops: TestUser;
  let rep: TestUser;
  const capture = (headers: Record<string, string> = {}) =>
    stack.app.inject({ method: 'POST', url: '/api/test/partner-capture', headers, payload: { name: 'Lead' } });

  beforeAll(async () => {
    stack = await createTestStack({ env: { PARTNER_API_KEY: SHARED_KEY } });
    // A stand-in for partner lead capture, declared exactly as the real route is: access 'partner'.
    stack.app.post('/api/test/partner-capture', { config: { access: 'partner' } }, async (req) => ({ keyId: req.partnerKeyId }));
    admin = await createUser(stack.db.sql, { role: 'admin' });
    ops = await createUser(stack.db.sql, { role: 'ops' });
    rep = await createUser(stack.db.sql, { role: 'rep' });
  });
  afterAll(async () => stack?.close());

  it('creates a key shown once, stored only as a hash, listed by prefix', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.headers, payload: { name: 'Partner GmbH' } });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.key).toMatch(/^lfk_/);
    expect(created).toMatchObject({ name: 'Partner GmbH', prefix: created.key.slice(0, 10), scopes: ['lead:capture'], createdBy: admin.id, revokedAt: null, lastUsedAt: null });
    const [row] = await stack.db.sql`select key_hash from api_keys where id = ${created.id}`;
    expect(row!.key_hash).toBe(hashToken(created.key));
    const dump = JSON.stringify(await stack.db.sql`select * from api_keys`);
    expect(dump).not.toContain(created.key);
    const list = await stack.app.inject({ url: '/api/api-keys', headers: admin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.key);
    expect(list.json().items[0]).toMatchObject({ id: created.id, prefix: created.prefix });
    const [entry] = await stack.db.sql`select actor_id, details from audit_log where action = 'api_key.created' and target_id = ${created.id}`;
    expect(entry!.actor_id).toBe(admin.id);
    expect(JSON.stringify(entry!.details)).not.toContain(created.key);
  });

  it('lets a partner capture with the key, records last use, and refuses it once revoked', async () => {
    const { id, key } = (await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.headers, payload: { name: 'To revoke' } })).json();
    const ok = await capture({ 'x-api-key': key });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ keyId: id });
    const [used] = await stack.db.sql`select last_used_at from api_keys where id = ${id}`;
    expect(used!.last_used_at).toBeInstanceOf(Date);

    expect((await stack.app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: admin.headers })).statusCode).toBe(204);
    const revoked = await capture({ 'x-api-key': key });
    expect(revoked.statusCode).toBe(401);
    const unknown = await capture({ 'x-api-key': 'lfk_not-a-real-key' });
    expect(unknown.statusCode).toBe(401);
    // Revoked and unknown keys are indistinguishable.
    expect(revoked.body).toBe(unknown.body);
    const listed = (await stack.app.inject({ url: '/api/api-keys', headers: admin.headers })).json().items.find((k: { id: string }) => k.id === id);
    expect(listed.revokedAt).toEqual(expect.any(String));
    // Revoking twice is harmless and audited once.
    expect((await stack.app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: admin.headers })).statusCode).toBe(204);
    const audits = await stack.db.sql`select actor_id from audit_log where action = 'api_key.revoked' and target_id = ${id}`;
    expect(audits).toHaveLength(1);
  });

  it('guards the real partner capture route the same way (when it is registered)', async (ctx) => {
    if (!stack.app.routeAccess.some((r) => r.url === '/api/partners/leads')) ctx.skip('POST /api/partners/leads is not registered yet');
    const { id, key } = (await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.headers, payload: { name: 'Real route' } })).json();
    const send = () => stack.app.inject({ method: 'POST', url: '/api/partners/leads', headers: { 'x-api-key': key }, payload: { unexpected: true } });
    // Past authentication: the (deliberately invalid) body is what gets refused.
    expect((await send()).statusCode).toBe(400);
    await stack.app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: admin.headers });
    expect((await send()).statusCode).toBe(401);
  });

  it('refuses partner capture without a key, and a user session is no substitute', async () => {
    expect((await capture()).statusCode).toBe(401);
    expect((await capture(admin.headers)).statusCode).toBe(401);
  });

  it('still accepts the shared PARTNER_API_KEY from the configuration', async () => {
    const res = await capture({ 'x-api-key': SHARED_KEY });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ keyId: SHARED_PARTNER_KEY_ID });
    expect((await capture({ 'x-api-key': SHARED_KEY.slice(0, -1) })).statusCode).toBe(401);
  });

  it('keys are admin business: ops and reps get 403, unknown ids 404', async () => {
    for (const who of [ops, rep]) {
      expect((await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: who.headers, payload: { name: 'x' } })).statusCode).toBe(403);
      expect((await stack.app.inject({ url: '/api/api-keys', headers: who.headers })).statusCode).toBe(403);
    }
    const revokeByRep = await stack.app.inject({ method: 'DELETE', url: '/api/api-keys/whatever', headers: rep.headers });
    expect(revokeByRep.statusCode).toBe(403);
    const missing = await stack.app.inject({ method: 'DELETE', url: '/api/api-keys/no-such-key', headers: admin.headers });
    expect(missing.statusCode).toBe(404);
  });
});

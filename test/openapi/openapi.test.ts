import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../api/auth/api-keys';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

type Operation = { summary?: string; security?: Record<string, string[]>[]; requestBody?: { content: Record<string, { example?: unknown; examples?: unknown; schema?: { examples?: unknown[] } }> } };

/** The OpenAPI document a partner reads at /docs, and Idempotency-Key on partner and webhook writes. */
describe('OpenAPI document and Idempotency-Key', () => {
  let stack: TestStack;
  let admin: TestUser;
  let doc: { components: { securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }> }; paths: Record<string, Record<string, Operation>> };
  const access = (method: string, url: string) =>
    stack.app.routeAccess.find((r) => r.method === method.toUpperCase() && r.url.replace(/:(\w+)/g, '{$1}') === url)?.access;

  beforeAll(async () => {
    stack = await createTestStack();
    admin = await createUser(stack.db.sql, { role: 'admin' });
    const r = await stack.app.inject({ url: '/docs/json' });
    expect(r.statusCode).toBe(200);
    doc = r.json();
  });
  afterAll(async () => stack?.close());

  it('declares bearer, cookie + CSRF and API key security schemes', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'lf_session' },
      csrfToken: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    });
  });

  it('gives every route a summary, its security, and an example for its body', () => {
    const problems: string[] = [];
    let routes = 0;
    for (const [url, ops] of Object.entries(doc.paths)) {
      if (!url.startsWith('/api')) continue;
      for (const [method, op] of Object.entries(ops)) {
        routes++;
        const where = `${method.toUpperCase()} ${url}`;
        if (!op.summary?.trim()) problems.push(`${where}: no summary`);
        const a = access(method, url);
        if (a === 'public') {
          if (!op.security || op.security.length) problems.push(`${where}: public but security is ${JSON.stringify(op.security)}`);
        } else if (!op.security?.length) {
          problems.push(`${where}: needs auth but declares no security`);
        } else if (a === 'partner' || a === 'developer') {
          if (!op.security.some((s) => 'apiKey' in s)) problems.push(`${where}: API key route without apiKey security`);
        } else if (!op.security.some((s) => 'bearerAuth' in s) || !op.security.some((s) => 'sessionCookie' in s)) {
          problems.push(`${where}: user route without bearer and cookie security`);
        } else if (method !== 'get' && !op.security.some((s) => 'sessionCookie' in s && 'csrfToken' in s)) {
          problems.push(`${where}: cookie write without the CSRF header`);
        }
        const json = op.requestBody?.content['application/json'];
        if (json && json.example === undefined && json.examples === undefined && !json.schema?.examples?.length) problems.push(`${where}: body without an example`);
      }
    }
    expect(routes).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });

  it('documents the Idempotency-Key header and keeps hand-written examples', () => {
    const create = doc.paths['/api/webhooks']!.post!;
    expect(JSON.stringify(create)).toContain('idempotency-key');
    expect(create.requestBody!.content['application/json']!.example).toMatchObject({ name: 'CRM sync', url: 'https://crm.example.com/hooks/leadflow' });
  });

  it('answers a retry with the same Idempotency-Key with the first answer, once; another body with the key is refused naming the header', async () => {
    const body = { name: 'Idem', url: 'https://crm.example.com/hooks/idem', events: ['lead.won'] };
    const headers = { ...admin.headers, 'idempotency-key': 'create-idem-1' };
    const first = await stack.app.inject({ method: 'POST', url: '/api/webhooks', headers, payload: body });
    expect(first.statusCode, first.body).toBe(201);
    // Same content in another key order is the same request.
    const retry = await stack.app.inject({ method: 'POST', url: '/api/webhooks', headers, payload: { events: ['lead.won'], url: body.url, name: 'Idem' } });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await stack.db.sql`select 1 from webhook_subscriptions where name = 'Idem'`).toHaveLength(1);

    const other = await stack.app.inject({ method: 'POST', url: '/api/webhooks', headers, payload: { ...body, name: 'Other' } });
    expect(other.statusCode).toBe(422);
    expect(other.json().problems).toEqual([{ path: 'headers.idempotency-key', message: expect.stringContaining('different request') }]);
    expect(await stack.db.sql`select 1 from webhook_subscriptions where name = 'Other'`).toHaveLength(0);

    const id = first.json().id as string;
    const pingHeaders = { ...admin.headers, 'idempotency-key': 'ping-1' };
    const pings = [await stack.app.inject({ method: 'POST', url: `/api/webhooks/${id}/ping`, headers: pingHeaders }), await stack.app.inject({ method: 'POST', url: `/api/webhooks/${id}/ping`, headers: pingHeaders })];
    expect(pings.map((p) => p.statusCode)).toEqual([202, 202]);
    expect(pings[1]!.json()).toEqual(pings[0]!.json());
    expect(await stack.db.sql`select 1 from webhook_deliveries where subscription_id = ${id} and event = 'ping'`).toHaveLength(1);

    // Keys are per caller: another admin's same key is a request of its own.
    const other2 = await createUser(stack.db.sql, { role: 'admin' });
    const theirs = await stack.app.inject({ method: 'POST', url: `/api/webhooks/${id}/ping`, headers: { ...other2.headers, 'idempotency-key': 'ping-1' } });
    expect(theirs.json().deliveryId).not.toBe(pings[0]!.json().deliveryId);
    const bad = await stack.app.inject({ method: 'POST', url: `/api/webhooks/${id}/ping`, headers: { ...admin.headers, 'idempotency-key': 'has space' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('idempotency-key');
    await stack.client.workflow.getHandle(`webhook-${id}`).terminate('test over').catch(() => undefined);
  });

  it('applies to partner POSTs without a key handling of their own (behavioural events), per partner key', async () => {
    expect(JSON.stringify(doc.paths['/api/events']!.post)).toContain('idempotency-key');
    const { key } = await createApiKey(stack.db.sql, 'Idem partner', admin.id);
    const headers = { 'x-api-key': key, 'idempotency-key': 'evt-retry-1' };
    const body = { eventId: 'evt-1', email: 'nobody@example.com', type: 'page_visit', occurredAt: '2026-01-05T10:00:00Z' };
    const first = await stack.app.inject({ method: 'POST', url: '/api/events', headers, payload: body });
    expect(first.statusCode).toBe(404);
    const retry = await stack.app.inject({ method: 'POST', url: '/api/events', headers, payload: body });
    expect(retry.statusCode).toBe(404);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const other = await stack.app.inject({ method: 'POST', url: '/api/events', headers, payload: { ...body, eventId: 'evt-2' } });
    expect(other.statusCode).toBe(422);
    expect(other.json().problems[0].path).toBe('headers.idempotency-key');

    // "Try it out" starts from the documented example: the route accepts its shape (the lead is unknown: 404, not 400).
    const example = doc.paths['/api/events']!.post!.requestBody!.content['application/json']!.example;
    const tried = await stack.app.inject({ method: 'POST', url: '/api/events', headers: { 'x-api-key': key }, payload: example as object });
    expect(tried.statusCode, tried.body).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { webhookEvents } from '../../engine/webhooks/schemas';
import { bearerHeaders, createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { startReceiver } from './receiver';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Outbound webhooks on the real stack: a real receiver on 127.0.0.1 gets every event once, signed. */
describe('webhooks', () => {
  let stack: TestStack;
  let admin: TestUser;
  let rep: TestUser;
  let receiver: Receiver;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who: TestUser | { headers: Record<string, string> }, payload?: unknown) =>
    stack.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const subscribe = async (body: Record<string, unknown>) => {
    const r = await call('POST', '/api/webhooks', admin, { name: 'CRM sync', url: receiver.url, events: [...webhookEvents], ...body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; secret: string };
  };
  const capture = async (name: string, email: string, country = 'DE') => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads/web-form', payload: { name, email, company: `${name} GmbH`, country, productInterest: 'crm', companySize: 800 } });
    expect(res.statusCode, res.body).toBe(202);
    return (await eventually(async () => (await stack.db.sql<{ id: string }[]>`select id from leads where email = ${email}`)[0])).id;
  };
  const ownerOf = (leadId: string) => eventually(async () => (await stack.db.sql<{ owner_id: string | null; stage: string }[]>`
    select owner_id, stage from leads where id = ${leadId}`)[0]?.owner_id);
  const deliveries = (subId: string) => stack.db.sql<{ id: string; event: string; status: string; lead_id: string | null }[]>`
    select id, event, status, lead_id from webhook_deliveries where subscription_id = ${subId} order by seq`;

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    rep = await createUser(stack.db.sql, { role: 'rep' });
    await stack.startWorker();
  });
  afterAll(async () => {
    const subs = stack ? await stack.db.sql<{ id: string }[]>`select id from webhook_subscriptions` : [];
    for (const s of subs) await stack.client.workflow.getHandle(`webhook-${s.id}`).terminate('test over').catch(() => undefined);
    await stack?.close();
    await receiver?.stop();
  });

  it('refuses a URL that is not http(s) or points at the API itself, naming url, and writes nothing', async () => {
    for (const url of ['ftp://files.example.com/in', 'javascript:alert(1)', 'not a url', 'http://localhost/api/webhooks', `http://127.0.0.1:${stack.config.PORT}/hook`]) {
      const r = await call('POST', '/api/webhooks', admin, { name: 'bad', url, events: ['lead.won'] });
      expect(r.statusCode, url).toBe(422);
      expect(r.json().problems).toEqual([{ path: 'url', message: expect.any(String) }]);
    }
    const noEvents = await call('POST', '/api/webhooks', admin, { name: 'bad', url: receiver.url, events: [] });
    expect(noEvents.statusCode).toBe(400);
    expect(noEvents.json().message).toContain('events');
    const unknown = await call('POST', '/api/webhooks', admin, { name: 'bad', url: receiver.url, events: ['lead.exploded'] });
    expect(unknown.statusCode).toBe(400);
    expect((await call('POST', '/api/webhooks', rep, { name: 'rep', url: receiver.url, events: ['lead.won'] })).statusCode).toBe(403);
    expect(await stack.db.sql`select 1 from webhook_subscriptions`).toHaveLength(0);
  });

  it('delivers every event type once, in order per lead, with a valid signature; the secret is never readable again', async () => {
    const sub = await subscribe({});
    expect(sub.secret).toMatch(/^whsec_/);
    const listed = await call('GET', '/api/webhooks', admin);
    expect(listed.body).not.toContain(sub.secret);

    const won = await capture('Ana Weber', 'ana@weber-hooks.de');
    const repHeaders = await bearerHeaders(stack.db.sql, await ownerOf(won));
    const post = (url: string, payload: Record<string, unknown> = {}) => call('POST', url, { headers: repHeaders }, payload);
    expect((await post(`/api/leads/${won}/visits`, { type: 'phone', status: 'initial_contact', outcome: 'interested' })).statusCode).toBe(200);
    expect((await post(`/api/leads/${won}/qualify`, { note: 'budget confirmed' })).statusCode).toBe(200);
    await eventually(async () => (await stack.db.sql`select 1 from leads where id = ${won} and stage = 'offer'`).length);
    const offer = await post(`/api/leads/${won}/offers`, { lines: [{ product: 'crm-suite', options: ['cloud'], quantity: 25, unitPrice: 40 }] });
    expect(offer.statusCode, offer.body).toBe(200);
    for (const status of ['sent', 'confirmed', 'accepted']) expect((await post(`/api/leads/${won}/offers/${offer.json().offerId}/status`, { status })).statusCode).toBe(200);
    expect((await post(`/api/leads/${won}/won`)).statusCode).toBe(200);

    const lost = await capture('Dora Lost', 'dora@lost-hooks.fr', 'FR');
    const lostRep = await bearerHeaders(stack.db.sql, await ownerOf(lost));
    expect((await call('POST', `/api/leads/${lost}/lost`, { headers: lostRep }, { reason: 'competition' })).statusCode).toBe(200);

    // Every delivery the outbox holds reaches the receiver, once.
    const all = await eventually(async () => {
      const rows = await deliveries(sub.id);
      return rows.some((r) => r.event === 'lead.lost') && rows.every((r) => r.status === 'delivered') ? rows : undefined;
    }, 45_000);
    await eventually(async () => receiver.received.length >= all.length);
    const mine = receiver.received.filter((r) => all.some((d) => d.id === r.delivery));
    expect(mine.map((r) => r.delivery).sort()).toEqual(all.map((d) => d.id).sort());
    expect(new Set(mine.map((r) => r.event))).toEqual(new Set(webhookEvents));
    for (const r of mine) {
      expect(receiver.valid(r, sub.secret), r.event).toBe(true);
      expect(r.json).toMatchObject({ id: r.delivery, event: r.event });
      expect(Math.abs(Number(r.timestamp) - Date.now() / 1000)).toBeLessThan(120);
    }
    // One delivery per reported timeline event, in the timeline's order per lead.
    const [{ n }] = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from lead_events where lead_id in (${won}, ${lost}) and webhook_event_name(type) is not null`;
    expect(mine).toHaveLength(n);
    for (const leadId of [won, lost]) {
      const ids = mine.filter((r) => r.json.data.leadId === leadId).map((r) => r.json.data.eventId!);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    const captured = mine.find((r) => r.event === 'lead.captured' && r.json.data.leadId === won)!;
    expect(captured.json.data).toMatchObject({ lead: { name: 'Ana Weber', email: 'ana@weber-hooks.de' } });
    const log = (await call('GET', `/api/webhooks/${sub.id}/deliveries?limit=500`, admin)).json().items as { status: string; responseCode: number; attempts: number }[];
    expect(log).toHaveLength(all.length);
    expect(log.every((d) => d.status === 'delivered' && d.responseCode === 200 && d.attempts === 1)).toBe(true);
    await call('DELETE', `/api/webhooks/${sub.id}`, admin);
  });

  it('pings, redelivers from the log as a new delivery, and signs with a rotated secret from then on', async () => {
    const sub = await subscribe({ events: ['lead.won'] });
    const ping = await call('POST', `/api/webhooks/${sub.id}/ping`, admin);
    expect(ping.statusCode).toBe(202);
    const got = await eventually(async () => receiver.received.find((r) => r.delivery === ping.json().deliveryId));
    expect(got.event).toBe('ping');
    expect(receiver.valid(got, sub.secret)).toBe(true);
    const log = await eventually(async () => {
      const items = (await call('GET', `/api/webhooks/${sub.id}/deliveries`, admin)).json().items as { id: string; status: string; responseCode: number }[];
      return items[0]?.status === 'delivered' ? items : undefined;
    });
    expect(log[0]).toMatchObject({ id: ping.json().deliveryId, responseCode: 200 });

    const rotated = await call('POST', `/api/webhooks/${sub.id}/rotate-secret`, admin);
    expect(rotated.statusCode).toBe(200);
    const secret = rotated.json().secret as string;
    expect(secret).not.toBe(sub.secret);
    const again = await call('POST', `/api/webhooks/${sub.id}/deliveries/${ping.json().deliveryId}/redeliver`, admin);
    expect(again.statusCode).toBe(202);
    expect(again.json().deliveryId).not.toBe(ping.json().deliveryId);
    const resent = await eventually(async () => receiver.received.find((r) => r.delivery === again.json().deliveryId));
    expect(resent.json.data).toEqual(got.json.data);
    expect(receiver.valid(resent, secret)).toBe(true);
    expect(receiver.valid(resent, sub.secret)).toBe(false);
    expect((await call('POST', `/api/webhooks/${sub.id}/deliveries/nope/redeliver`, admin)).statusCode).toBe(404);
    await call('DELETE', `/api/webhooks/${sub.id}`, admin);
    expect((await call('GET', `/api/webhooks/${sub.id}`, admin)).statusCode).toBe(404);
  });

  it('changes a subscription, refusing a URL that points at the API itself', async () => {
    const sub = await subscribe({ events: ['lead.won'] });
    const self = await call('PATCH', `/api/webhooks/${sub.id}`, admin, { url: 'http://localhost/hooks' });
    expect(self.statusCode).toBe(422);
    expect(self.json().problems[0].path).toBe('url');
    const changed = await call('PATCH', `/api/webhooks/${sub.id}`, admin, { name: 'Renamed', events: ['lead.won', 'lead.lost'], pauseAfterFailures: 5 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ name: 'Renamed', url: receiver.url, events: ['lead.won', 'lead.lost'], pauseAfterFailures: 5, pauseAfterHours: 24 });
    const cleared = await call('PATCH', `/api/webhooks/${sub.id}`, admin, { pauseAfterFailures: null });
    expect(cleared.json()).toMatchObject({ name: 'Renamed', pauseAfterFailures: null });
    expect(JSON.stringify(cleared.json())).not.toContain(sub.secret);
    await call('DELETE', `/api/webhooks/${sub.id}`, admin);
  });

  it('restarts a lost dispatcher when the API starts, so queued events still go out', async () => {
    const sub = await subscribe({ events: ['lead.captured'] });
    const handle = stack.client.workflow.getHandle(`webhook-${sub.id}`);
    await handle.terminate('the Temporal server lost its state');
    const leadId = await capture('Rita Restart', 'rita@restart-hooks.de');
    await eventually(async () => (await stack.db.sql`select 1 from webhook_deliveries where subscription_id = ${sub.id} and lead_id = ${leadId}`).length);
    const restarted = await buildApp({ sql: stack.db.sql, temporal: stack.client, config: stack.config });
    try {
      await restarted.ready();
      const got = await eventually(async () => receiver.received.find((r) => r.json.data.leadId === leadId && r.event === 'lead.captured'), 30_000);
      expect(receiver.valid(got, sub.secret)).toBe(true);
      expect((await stack.client.workflow.getHandle(`webhook-${sub.id}`).describe()).status.name).toBe('RUNNING');
    } finally {
      await restarted.close();
    }
    await call('DELETE', `/api/webhooks/${sub.id}`, admin);
  });

  it('pauses a subscription that keeps failing, tells its owner, and delivers what waited once resumed', async () => {
    receiver.answer(503);
    const sub = await subscribe({ events: ['lead.captured'], pauseAfterFailures: 3 });
    const leadId = await capture('Paula Pause', 'paula@pause-hooks.de');
    const paused = await eventually(async () => {
      const s = (await call('GET', `/api/webhooks/${sub.id}`, admin)).json();
      return s.status === 'paused' ? s : undefined;
    }, 30_000);
    expect(paused.pausedReason).toMatch(/3 failed attempts in a row; last: the receiver answered 503/);
    const log = (await call('GET', `/api/webhooks/${sub.id}/deliveries`, admin)).json().items;
    expect(log[0]).toMatchObject({ status: 'retrying', attempts: 3, responseCode: 503, lastError: 'the receiver answered 503' });
    const tasks = await stack.db.sql`select owner_id, title from tasks where kind = 'webhook_paused' and id like ${`webhook-paused:${sub.id}:%`}`;
    expect(tasks).toEqual([{ owner_id: admin.id, title: expect.stringContaining('CRM sync') }]);
    const mails = await stack.db.sql`select to_address, subject from mail_outbox where template = 'webhook_paused' and id like ${`webhook-paused:${sub.id}:%`}`;
    expect(mails).toEqual([{ to_address: admin.email, subject: 'Webhook paused: CRM sync' }]);

    receiver.answer(200);
    expect((await call('POST', `/api/webhooks/${sub.id}/resume`, admin)).statusCode).toBe(200);
    const delivered = await eventually(async () => receiver.received.find((r) => r.json.data.leadId === leadId && r.event === 'lead.captured'));
    expect(receiver.valid(delivered, sub.secret)).toBe(true);
    expect(receiver.received.filter((r) => r.delivery === delivered.delivery)).toHaveLength(1);
    expect((await stack.db.sql`select done from tasks where kind = 'webhook_paused' and id like ${`webhook-paused:${sub.id}:%`}`)[0]).toEqual({ done: true });
  });
});

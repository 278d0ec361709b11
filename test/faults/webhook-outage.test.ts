import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { startReceiver } from '../webhooks/receiver';

/** A receiver down for a minute misses nothing: it catches up soon after it is back, each event once, in order per lead. */
describe('webhook receiver outage', () => {
  let stack: TestStack;
  let admin: TestUser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let subId = '';

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    await stack.startWorker();
  });
  afterAll(async () => {
    if (subId) await stack.client.workflow.getHandle(`webhook-${subId}`).terminate('test over').catch(() => undefined);
    await stack?.close();
    await receiver?.stop();
  });

  const capture = async (i: number) => {
    const email = `lead${i}@outage-hooks.de`;
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads/web-form', payload: { name: `Lead ${i}`, email, company: `Outage ${i} AG`, country: 'DE', productInterest: 'crm' } });
    expect(res.statusCode, res.body).toBe(202);
    return (await eventually(async () => (await stack.db.sql<{ id: string }[]>`select id from leads where email = ${email}`)[0])).id;
  };

  it('delivers everything queued during a 60 s outage once, in order per lead, within seconds of the receiver coming back', async () => {
    const created = await stack.app.inject({ method: 'POST', url: '/api/webhooks', headers: admin.headers, payload: { name: 'Outage', url: receiver.url, events: ['lead.captured', 'lead.scored', 'lead.assigned', 'lead.stage_changed'] } });
    expect(created.statusCode, created.body).toBe(201);
    const { id, secret } = created.json() as { id: string; secret: string };
    subId = id;
    const first = await capture(1);
    await eventually(async () => receiver.received.some((r) => r.json.data.leadId === first));

    await receiver.down();
    const downAt = Date.now();
    const leads = [first, ...(await Promise.all([2, 3, 4].map(capture)))];
    // While it is down the deliveries wait, with their failed attempts in the log.
    await eventually(async () => (await stack.db.sql`select 1 from webhook_deliveries where subscription_id = ${id} and status = 'pending' and attempts > 0`).length, 30_000);
    await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - downAt))));
    const [sub] = await stack.db.sql<{ status: string }[]>`select status from webhook_subscriptions where id = ${id}`;
    expect(sub?.status).toBe('active');

    await receiver.up();
    const backAt = Date.now();
    const rows = await eventually(async () => {
      const all = await stack.db.sql<{ id: string; status: string }[]>`select id, status from webhook_deliveries where subscription_id = ${id}`;
      return all.every((r) => r.status === 'delivered') ? all : undefined;
    }, 30_000, 200);
    // Backoff is capped at 10 s: the receiver is caught up well within that and a few deliveries.
    expect(Date.now() - backAt).toBeLessThan(25_000);
    const got = receiver.received.map((r) => r.delivery);
    expect(new Set(got).size).toBe(got.length);
    expect([...got].sort()).toEqual(rows.map((r) => r.id).sort());
    for (const r of receiver.received) expect(receiver.valid(r, secret)).toBe(true);
    for (const leadId of leads) {
      const ids = receiver.received.filter((r) => r.json.data.leadId === leadId).map((r) => r.json.data.eventId!);
      expect(ids.length).toBeGreaterThanOrEqual(3);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    const [{ n }] = await stack.db.sql<{ n: number }[]>`
      select count(*)::int as n from lead_events where lead_id in ${stack.db.sql(leads)} and type in ('captured', 'scored', 'assigned', 'reassigned', 'stage_changed')`;
    expect(got).toHaveLength(n);
  });
});

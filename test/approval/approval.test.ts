import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders, createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

/**
 * Discount approval on the real stack: an offer above its threshold waits for the manager, is approved or rejected
 * from the approvals list, cannot be sent before, and an undecided request is reminded and escalated by timers.
 */
describe('discount approval', () => {
  let stack: TestStack;
  let admin: TestUser;
  let mia: { authorization: string };
  let anna: { authorization: string };
  let olga: { authorization: string };
  let leadId = '';
  const post = (headers: Record<string, string>, url: string, payload: unknown = {}) => stack.app.inject({ method: 'POST', url, headers, payload: payload as object });
  const put = (headers: Record<string, string>, url: string, payload: unknown) => stack.app.inject({ method: 'PUT', url, headers, payload: payload as object });
  const offerStatus = async (id: string) => (await stack.db.sql<{ status: string; approval_status: string | null }[]>`select status, approval_status from offers where id = ${id}`)[0];
  const send = (offerId: string) => post(anna, `/api/leads/${leadId}/offers/${offerId}/status`, { status: 'sent' });
  const approvals = async (who: Record<string, string>, q = '') => (await stack.app.inject({ url: `/api/approvals${q}`, headers: who })).json().items as { id: string; offerId: string; approverId: string; level: number; status: string; canDecide: boolean; discountPct: number; thresholdPct: number }[];
  const newOffer = async (supersedes?: string) => {
    const res = await post(mia, `/api/leads/${leadId}/offers`, { lines: [{ product: 'CRM seats', options: [], quantity: 10, unitPrice: 75 }], ...(supersedes ? { supersedes } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    const offerId = res.json().offerId as string;
    // The rep gave 25 % off the list price (what catalog pricing records on the offer).
    await stack.db.sql`update offers set list_total = 1000, discount_pct = 25 where id = ${offerId}`;
    return offerId;
  };

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    [mia, anna, olga] = await Promise.all(['u-mia', 'u-anna', 'u-olga'].map((id) => bearerHeaders(stack.db.sql, id)));
    await stack.startWorker();
    const res = await post(admin.headers, '/api/leads', { name: 'Jonas Berger', email: 'jonas.berger@alpenglas.example', company: 'Alpenglas AG', country: 'DE', productInterest: 'crm', companySize: 400 });
    leadId = res.json().leadId;
    await eventually(async () => (await stack.db.sql`select 1 from lead_events where lead_id = ${leadId} and type in ('assigned', 'unassigned')`).length > 0);
    const [lead] = await stack.db.sql<{ owner_id: string | null }[]>`select owner_id from leads where id = ${leadId}`;
    if (lead?.owner_id !== 'u-anna') expect((await post(admin.headers, `/api/leads/${leadId}/reassign`, { ownerId: 'u-anna', reason: 'test' })).statusCode).toBe(200);
    expect((await post(anna, `/api/leads/${leadId}/qualify`)).statusCode).toBe(200);
  }, 240_000);
  afterAll(async () => stack?.close());

  it('thresholds: ops set a default, a role and a team threshold; a missing default or an unknown team is refused by name; audited', async () => {
    const noDefault = await put(admin.headers, '/api/settings/approval', { thresholds: [{ scope: 'role', scopeId: 'rep', maxDiscountPct: 10 }], reminderHours: 24, escalationHours: 48 });
    expect(noDefault.statusCode).toBe(400);
    expect(noDefault.json().message).toContain('needs one threshold with scope "default"');
    const badTeam = await put(admin.headers, '/api/settings/approval', { thresholds: [{ scope: 'default', maxDiscountPct: 15 }, { scope: 'team', scopeId: 'team-mars', maxDiscountPct: 30 }], reminderHours: 24, escalationHours: 48 });
    expect(badTeam.statusCode).toBe(422);
    expect(badTeam.json().message).toBe('thresholds.1.scopeId: no team "team-mars"');
    expect((await put(anna, '/api/settings/approval', { thresholds: [{ scope: 'default', maxDiscountPct: 90 }], reminderHours: 1, escalationHours: 2 })).statusCode).toBe(403);
    const ok = await put(olga, '/api/settings/approval', {
      thresholds: [{ scope: 'default', maxDiscountPct: 15 }, { scope: 'role', scopeId: 'rep', maxDiscountPct: 10 }, { scope: 'team', scopeId: 'team-dach', maxDiscountPct: 20 }], reminderHours: 24, escalationHours: 48,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await stack.db.sql`select 1 from audit_log where action = 'approval_settings.updated' and actor_id = 'u-olga'`).length).toBe(1);
  });

  it('25 % → awaiting approval, sending refused with the reason; the manager rejects with a comment and the rep is told', async () => {
    const offerId = await newOffer();
    const refused = await send(offerId);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain('a discount of 25% is above the 20% threshold'); // the team's threshold wins over the role's
    expect(await offerStatus(offerId)).toEqual({ status: 'awaiting_approval', approval_status: 'pending' });
    const again = await send(offerId);
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain("awaits a manager's approval");

    const [mine] = await approvals(mia, '?status=pending&mine=true');
    expect(mine).toMatchObject({ offerId, approverId: 'u-mia', level: 1, discountPct: 25, thresholdPct: 20, canDecide: true });
    expect((await stack.db.sql`select 1 from tasks where owner_id = 'u-mia' and kind = 'discount_approval' and not done`).length).toBe(1);
    expect((await stack.db.sql`select 1 from mail_outbox where id = ${`${mine!.id}:l1:request`} and to_address = 'mia@leadflow.demo'`).length).toBe(1);

    expect((await post(anna, `/api/approvals/${mine!.id}/decision`, { approve: true })).statusCode).toBe(403);
    const noComment = await post(mia, `/api/approvals/${mine!.id}/decision`, { approve: false });
    expect(noComment.statusCode).toBe(400);
    expect(noComment.json().problems[0].path).toBe('body.comment');
    const rejected = await post(mia, `/api/approvals/${mine!.id}/decision`, { approve: false, comment: 'At most 15 % for a first order' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(await offerStatus(offerId)).toEqual({ status: 'draft', approval_status: 'rejected' });
    const told = await stack.db.sql<{ title: string }[]>`select title from tasks where owner_id = 'u-anna' and kind = 'approval_decided'`;
    expect(told[0]!.title).toContain('At most 15 % for a first order');
    expect((await stack.db.sql`select 1 from tasks where owner_id = 'u-mia' and kind = 'discount_approval' and not done`).length).toBe(0);
    const [event] = await stack.db.sql<{ actor: string; context: { status: string } }[]>`select actor, context from lead_events where lead_id = ${leadId} and type = 'approval_decided'`;
    expect(event).toMatchObject({ actor: 'u-mia', context: { status: 'rejected' } });
    const afterReject = await send(offerId);
    expect(afterReject.statusCode).toBe(409);
    expect(afterReject.json().message).toContain('was rejected');
  });

  it('an undecided request is reminded, then escalated (here to ops); once approved the offer can be sent and its proposal is on it', async () => {
    expect((await put(olga, '/api/settings/approval', { thresholds: [{ scope: 'default', maxDiscountPct: 15 }], reminderHours: 0.0005, escalationHours: 0.0015 })).statusCode).toBe(200);
    const [old] = await stack.db.sql<{ id: string }[]>`select id from offers where lead_id = ${leadId} order by version desc limit 1`;
    const offerId = await newOffer(old!.id);
    expect((await send(offerId)).statusCode).toBe(409);
    const approvalId = `appr-${offerId}`;
    await eventually(async () => (await stack.db.sql`select 1 from lead_events where event_key = ${`${approvalId}:l1:reminded`}`).length > 0, 30_000);
    expect((await stack.db.sql`select 1 from mail_outbox where id = ${`${approvalId}:l1:reminder`}`).length).toBe(1);
    // Mia manages her own team, so nobody is above her there: the request goes to ops.
    const escalated = await eventually(async () => (await approvals(olga, '?status=pending')).find((a) => a.id === approvalId && a.level === 2), 30_000);
    expect(escalated).toMatchObject({ approverId: 'u-olga', canDecide: true });
    await eventually(async () => (await stack.db.sql`select 1 from tasks where owner_id = 'u-olga' and kind = 'discount_approval' and not done`).length === 1);
    expect((await stack.db.sql`select 1 from tasks where owner_id = 'u-mia' and kind = 'discount_approval' and not done`).length).toBe(0);

    expect((await post(mia, `/api/approvals/${approvalId}/decision`, { approve: true })).statusCode).toBe(403);
    const approved = await post(olga, `/api/approvals/${approvalId}/decision`, { approve: true, comment: 'Strategic account' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toEqual({ offerId, approval: 'approved' });
    expect((await post(olga, `/api/approvals/${approvalId}/decision`, { approve: false, comment: 'changed my mind' })).statusCode).toBe(409);
    const sent = await send(offerId);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(await offerStatus(offerId)).toEqual({ status: 'sent', approval_status: 'approved' });
    expect((await stack.db.sql`select 1 from documents where owner_id = ${offerId} and kind = 'proposal'`).length).toBe(1);
  });
});

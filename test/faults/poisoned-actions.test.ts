import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLeadAction } from '../../api/leads/updates';
import * as msg from '../../engine/lead/messages';
import { bearerHeaders, createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

type Lead = { id: string; stage: string; status: string; ownerId: string | null; nodeId: string | null };
type Problem = { path: string; message: string };

/**
 * Issue 9, part 1 and 8: requests that used to pass validation and then wedge the lead (a write the database refused,
 * retried forever while holding the lead's lock) are refused up front with a 4xx naming the field, a refusal that still
 * reaches the database fails once with its reason, and the lead takes the next action.
 */
describe('poisoned rep actions', () => {
  let stack: TestStack;
  let admin: TestUser;
  let leadId: string;
  let rep: { authorization: string };

  const post = (url: string, payload: unknown, headers: Record<string, string> = rep) =>
    stack.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
  const visitCount = async () => (await stack.db.sql<{ n: number }[]>`select count(*)::int as n from visits where lead_id = ${leadId}`)[0]!.n;
  /** The lead still works: a valid visit is logged and answered. */
  const stillUsable = async () => {
    const before = await visitCount();
    const ok = await post(`/api/leads/${leadId}/visits`, { type: 'phone', status: 'contact', outcome: 'still usable' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await visitCount()).toBe(before + 1);
  };

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    await stack.startWorker();
    const res = await post('/api/leads', { name: 'Pia Poison', email: 'pia@poison-test.de', company: 'Poison GmbH', country: 'DE', productInterest: 'crm', companySize: 500 }, admin.headers);
    expect(res.statusCode, res.body).toBe(202);
    leadId = (res.json() as { leadId: string }).leadId;
    const lead = await eventually(async () => {
      const [l] = await stack.db.sql<Lead[]>`select id, stage, status, owner_id as "ownerId", node_id as "nodeId" from leads where id = ${leadId}`;
      return l?.ownerId && ['qualify', 'nurture-wait'].includes(l.nodeId ?? '') ? l : undefined;
    }, 30_000);
    rep = await bearerHeaders(stack.db.sql, lead.ownerId!);
    const q = await post(`/api/leads/${leadId}/qualify`, { note: 'ready' });
    expect(q.statusCode, q.body).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it.each([
    ['a visit naming an offer the lead does not have', 'visits', { type: 'phone', status: 'contact', offerId: 'nope' }, 422, 'body.offerId'],
    ['a visit dated in the year 9999', 'visits', { type: 'phone', status: 'contact', occurredAt: '9999-01-01T00:00:00Z' }, 400, 'body.occurredAt'],
    ['a visit dated before 2000', 'visits', { type: 'phone', status: 'contact', occurredAt: '1999-12-31T23:00:00Z' }, 400, 'body.occurredAt'],
    ['a visit of an unknown type', 'visits', { type: 'teleport', status: 'contact' }, 422, 'body.type'],
    ['a visit of an unknown status', 'visits', { type: 'phone', status: 'beamed' }, 422, 'body.status'],
    ['an opportunity amount of 1e13', 'opportunity', { amount: 1e13 }, 400, 'body.amount'],
    ['an offer whose quantity × price overflows the line total', 'offers', { lines: [{ product: 'crm-suite', quantity: 1_000_000, unitPrice: 99_999_999 }] }, 400, 'body.lines.0.unitPrice'],
    ['an offer whose lines together overflow the total', 'offers', { lines: Array.from({ length: 20 }, () => ({ product: 'crm-suite', quantity: 1_000_000, unitPrice: 99_999 })) }, 400, 'body.lines'],
    ['an offer superseding ""', 'offers', { lines: [{ product: 'crm-suite', quantity: 1, unitPrice: 10 }], supersedes: '' }, 400, 'body.supersedes'],
    ['an offer superseding an offer that does not exist', 'offers', { lines: [{ product: 'crm-suite', quantity: 1, unitPrice: 10 }], supersedes: 'off-nope' }, 422, 'body.supersedes'],
    ['a sub-cent unit price', 'offers', { lines: [{ product: 'crm-suite', quantity: 3, unitPrice: 0.333 }] }, 400, 'body.lines.0.unitPrice'],
    ['a disqualification with a reason that is not configured', 'disqualify', { reason: 'because' }, 422, 'body.reason'],
  ])('refuses %s naming the field, and the lead takes the next action', async (_what, path, body, status, field) => {
    const before = await visitCount();
    const res = await post(`/api/leads/${leadId}/${path}`, body);
    expect(res.statusCode, res.body).toBe(status);
    const problems = (res.json() as { problems?: Problem[] }).problems ?? [];
    expect(problems.map((p) => p.path), res.body).toContain(field);
    expect(await visitCount()).toBe(before);
    await stillUsable();
  });

  it('stores an offer whose total is the sum of its stored lines (cents)', async () => {
    const res = await post(`/api/leads/${leadId}/offers`, { lines: [{ product: 'crm-suite', quantity: 3, unitPrice: 0.33 }, { product: 'support', quantity: 7, unitPrice: 19.99 }] });
    expect(res.statusCode, res.body).toBe(200);
    const { offerId, total } = res.json() as { offerId: string; total: number };
    const [stored] = await stack.db.sql<{ total: number; lines: number }[]>`
      select o.total::float8 as total, (select sum(l.total)::float8 from offer_lines l where l.offer_id = o.id) as lines from offers o where o.id = ${offerId}`;
    expect(stored).toEqual({ total: 140.92, lines: 140.92 });
    expect(total).toBe(140.92);
  });

  it('fails a write the database refuses once, with its reason, and releases the lead (no endless retry)', async () => {
    // A visit by a rep that does not exist passes the workflow's validator but breaks a foreign key in the activity.
    const handle = stack.client.workflow.getHandle(leadId);
    const attempt = stack.client.connection.withDeadline(Date.now() + 15_000, () => handle.executeUpdate(msg.logVisitUpdate, {
      args: [{ visitId: 'vis-poisoned', type: 'phone', status: 'contact', repId: 'u-does-not-exist', occurredAt: new Date().toISOString() }],
    }));
    const err = await attempt.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    let reason: unknown = err;
    while (reason instanceof Error && !(reason instanceof ApplicationFailure)) reason = (reason as { cause?: unknown }).cause;
    expect(reason).toBeInstanceOf(ApplicationFailure);
    expect((reason as ApplicationFailure).type).toBe('InvalidInput');
    expect((reason as ApplicationFailure).message).toMatch(/refers to a record that does not exist/);
    expect(await stack.db.sql`select 1 from visits where id = 'vis-poisoned'`).toHaveLength(0);
    // The API maps it to 422 with the reason (it used to be 409 "Activity task failed").
    const viaApi = runLeadAction(stack.app, leadId, msg.logVisitUpdate, [{ visitId: 'vis-poisoned-2', type: 'phone', status: 'contact', repId: 'u-does-not-exist', occurredAt: new Date().toISOString() }], 'poisoned-2');
    await expect(viaApi).rejects.toMatchObject({ code: 'unprocessable', message: expect.stringMatching(/refers to a record that does not exist/) });
    await stillUsable();
  });

  it('answers 503 with Retry-After when an action (or the state query) cannot finish in 10 s, and a retry with the same Idempotency-Key runs it once', async () => {
    await stack.stopWorker();
    const headers = { ...rep, 'idempotency-key': 'visit-while-the-worker-is-down' };
    const body = { type: 'phone', status: 'contact', outcome: 'once only' };
    const [slow, state] = await Promise.all([
      post(`/api/leads/${leadId}/visits`, body, headers),
      stack.app.inject({ url: `/api/leads/${leadId}/state`, headers: rep }),
    ]);
    expect(slow.statusCode, slow.body).toBe(503);
    expect(state.statusCode, state.body).toBe(503);
    expect(Number(slow.headers['retry-after'])).toBeGreaterThan(0);
    await stack.startWorker();
    const retried = await eventually(async () => {
      const r = await post(`/api/leads/${leadId}/visits`, body, headers);
      return r.statusCode === 200 ? r : undefined;
    }, 40_000, 500);
    const again = await post(`/api/leads/${leadId}/visits`, body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(retried.json());
    const rows = await stack.db.sql`select id from visits where lead_id = ${leadId} and outcome = 'once only'`;
    expect(rows).toHaveLength(1);
  }, 90_000);

  describe('an operator and a step that keeps failing', () => {
    type Step = { activityId: string; activityType: string; attempt: number; failing: boolean; lastFailure: string | null; cancellable: boolean };
    let ops: TestUser;
    const failingVisit = async () => eventually(async () => {
      const r = await stack.app.inject({ url: `/api/leads/${leadId}/failures`, headers: ops.headers });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { items: Step[] }).items.find((i) => i.activityType === 'recordVisit' && i.attempt >= 3);
    }, 30_000, 250);
    // A transient fault the activity cannot classify (the table is away): it is retried, not failed.
    const breakVisits = () => stack.db.sql`alter table visits rename to visits_away`;
    const repairVisits = () => stack.db.sql`alter table visits_away rename to visits`;

    beforeAll(async () => {
      ops = await createUser(stack.db.sql, { role: 'ops' });
    });

    it('sees the failing step with its attempts and last failure, and retries it once the cause is fixed', async () => {
      const headers = { ...rep, 'idempotency-key': 'visit-during-a-fault' };
      const body = { type: 'phone', status: 'contact', outcome: 'after the fault' };
      await breakVisits();
      try {
        expect((await post(`/api/leads/${leadId}/visits`, body, headers)).statusCode).toBe(503);
        const step = await failingVisit();
        expect(step.failing).toBe(true);
        expect(step.lastFailure).toMatch(/visits/);
        expect((await stack.app.inject({ url: `/api/leads/${leadId}/failures`, headers: rep })).statusCode).toBe(403);
        // Retry now: the attempts start again (no waiting out the backoff).
        const retried = await stack.app.inject({ method: 'POST', url: `/api/leads/${leadId}/failures/${step.activityId}/retry`, headers: ops.headers });
        expect(retried.statusCode, retried.body).toBe(200);
        await eventually(async () => {
          const r = await stack.app.inject({ url: `/api/leads/${leadId}/failures`, headers: ops.headers });
          return (r.json() as { items: Step[] }).items.some((i) => i.activityId === step.activityId && i.attempt < step.attempt);
        }, 20_000, 100);
      } finally {
        await repairVisits();
      }
      const done = await eventually(async () => {
        const r = await post(`/api/leads/${leadId}/visits`, body, headers);
        return r.statusCode === 200 ? r : undefined;
      }, 40_000, 500);
      expect(done.statusCode).toBe(200);
      expect(await stack.db.sql`select 1 from visits where lead_id = ${leadId} and outcome = 'after the fault'`).toHaveLength(1);
    }, 90_000);

    it('cancels the failing step: the waiting action fails with the reason and the lead takes the next action', async () => {
      const headers = { ...rep, 'idempotency-key': 'visit-to-cancel' };
      const body = { type: 'phone', status: 'contact', outcome: 'cancelled by ops' };
      await breakVisits();
      try {
        expect((await post(`/api/leads/${leadId}/visits`, body, headers)).statusCode).toBe(503);
        const step = await failingVisit();
        expect(step.cancellable).toBe(true);
        const cancelled = await stack.app.inject({ method: 'POST', url: `/api/leads/${leadId}/failures/${step.activityId}/cancel`, headers: ops.headers });
        expect(cancelled.statusCode, cancelled.body).toBe(200);
        const answer = await post(`/api/leads/${leadId}/visits`, body, headers);
        expect(answer.statusCode, answer.body).toBe(409);
        expect(answer.json().message).toMatch(/cancelled/);
      } finally {
        await repairVisits();
      }
      expect(await stack.db.sql`select 1 from visits where lead_id = ${leadId} and outcome = 'cancelled by ops'`).toHaveLength(0);
      await stillUsable();
    }, 90_000);
  });

  it('refuses a malformed Idempotency-Key naming the header', async () => {
    const res = await post(`/api/leads/${leadId}/visits`, { type: 'phone', status: 'contact' }, { ...rep, 'idempotency-key': 'x'.repeat(201) });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].path).toBe('headers.idempotency-key');
  });
});

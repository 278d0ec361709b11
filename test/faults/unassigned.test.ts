import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRuleSet } from '../../db/rule-sets';
import { ruleSetDocumentSchema } from '../../rules/schema';
import { bearerHeaders, createUser, type TestUser } from '../helpers/auth';
import { saveHistory } from '../helpers/histories';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

/**
 * A team whose reps are all at capacity: the lead waits in the team's unassigned queue (its manager sees it and
 * does its owner's reminders), and is routed again when capacity frees (signal) or when its retry timer fires.
 * Team "team-full": two reps with room for one open lead each; its manager's own team is another one.
 */
describe('unassignable leads wait in their team\'s queue and are routed again', () => {
  let stack: TestStack;
  let manager: TestUser;
  let admin: TestUser;
  const reps = ['rep-full-1', 'rep-full-2'];

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    await seedDefaults(sql);
    manager = await createUser(sql, { role: 'manager', teamId: 'team-home', id: 'mgr-full' });
    admin = await createUser(sql, { role: 'admin' });
    for (const id of reps) await createUser(sql, { role: 'rep', teamId: 'team-full', id, capacity: 1 });
    await sql`update teams set manager_id = 'mgr-full' where id = 'team-full'`;
    const publish = (doc: unknown) => {
      const parsed = ruleSetDocumentSchema.parse(doc);
      return publishRuleSet(sql, parsed.id!, parsed, null, 'test');
    };
    const always = { all: [{ fact: 'formSubmissions', operator: 'greaterThanInclusive', value: 0 }] };
    await publish({ id: 'routing-default', name: 'Everything to team-full', kind: 'routing', rules: [
      { name: 'team-full', priority: 1, conditions: always, event: { type: 'route', params: { strategy: { type: 'capacity', team: 'team-full' } } } },
    ] });
    // Every lead is hot (qualification stage, where the contact reminder applies) ...
    await publish({ id: 'scoring-default', name: 'Everyone is hot', kind: 'scoring', settings: { grades: { A: 60, B: 30 } }, rules: [
      { name: 'hot', conditions: always, event: { type: 'score', params: { points: 40 } } },
    ] });
    // ... and is reminded a few seconds after entering it when nobody called.
    await publish({ id: 'reminder-default', name: 'Quick contact reminder', kind: 'reminder', rules: [
      { name: 'contact-sla', conditions: { all: [{ fact: 'stage', operator: 'in', value: ['qualification'] }, { not: { fact: 'visitsLast30Days', operator: 'greaterThan', value: 0 } }] },
        event: { type: 'remind', params: { delayHours: 0.001, recipient: 'owner', template: 'reminder', kind: 'contact_sla' } } },
    ] });
    await stack.startWorker();
  });
  afterAll(async () => stack?.close());

  const capture = async (name: string) => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads', headers: admin.headers, payload: { name, email: `${name.toLowerCase()}@full-team.de`, company: `${name} GmbH`, country: 'DE' } });
    expect(res.statusCode, res.body).toBe(202);
    return (res.json() as { leadId: string }).leadId;
  };
  const lead = async (id: string) => (await stack.db.sql<{ owner_id: string | null; team_id: string | null; stage: string }[]>`select owner_id, team_id, stage from leads where id = ${id}`)[0];
  const events = async (id: string, type: string) => stack.db.sql<{ context: Record<string, unknown> }[]>`select context from lead_events where lead_id = ${id} and type = ${type} order by id`;
  const assignedOwner = (id: string) => eventually(async () => (await lead(id))?.owner_id ?? undefined);
  const unassigned = (id: string) => eventually(async () => (await events(id, 'unassigned')).length > 0 && (await lead(id))?.stage === 'qualification');
  const emailOf = async (userId: string) => (await stack.db.sql<{ email: string }[]>`select email from users where id = ${userId}`)[0]!.email;

  /** Exactly one first-contact task (the owner's), one assignment mail (to the owner) and one assignment. */
  const expectWelcomedOnce = async (id: string, owner: string) => {
    // The owner is written first; the task and the mail follow as the workflow's next steps.
    const firstContact = await eventually(async () => {
      const t = await stack.db.sql`select owner_id from tasks where lead_id = ${id} and kind = 'first_contact'`;
      return t.length ? t : undefined;
    });
    expect(firstContact).toEqual([{ owner_id: owner }]);
    const mails = await eventually(async () => {
      const m = await stack.db.sql<{ to_address: string; status: string }[]>`select to_address, status from mail_outbox where lead_id = ${id} and template = 'assignment'`;
      return m.length && m.every((x) => x.status === 'stored') ? m : undefined;
    });
    expect(mails.map((m) => m.to_address)).toEqual([await emailOf(owner)]);
    expect(await events(id, 'assigned')).toHaveLength(1);
  };

  let waiting: string;
  let first: string;
  let firstOwner: string;
  let secondOwner: string;

  it('keeps the lead in the team\'s unassigned queue: no owner, the team kept, visible to the team\'s manager', async () => {
    first = await capture('Alpha');
    firstOwner = await assignedOwner(first);
    const second = await capture('Bravo');
    secondOwner = await assignedOwner(second);
    expect([firstOwner, secondOwner].sort()).toEqual(reps);

    waiting = await capture('Charlie');
    await unassigned(waiting);
    expect(await lead(waiting)).toMatchObject({ owner_id: null, team_id: 'team-full' });
    const [event] = await events(waiting, 'unassigned');
    expect(event?.context).toMatchObject({ how: 'all reps at capacity', teamId: 'team-full' });

    const list = (await stack.app.inject({ url: '/api/leads?limit=200', headers: manager.headers })).json() as { items: { id: string; ownerId: string | null }[] };
    expect(list.items.find((l) => l.id === waiting)).toMatchObject({ ownerId: null });
    expect((await stack.app.inject({ url: `/api/leads/${waiting}`, headers: manager.headers })).statusCode).toBe(200);
    // The team's unassigned queue in the lead finder.
    const queue = (await stack.app.inject({ url: '/api/leads?owner=unassigned', headers: manager.headers })).json() as { items: { id: string }[] };
    expect(queue.items.map((l) => l.id)).toEqual([waiting]);
  });

  it('gives the unowned lead\'s reminder to the manager (task and mail), never to nobody', async () => {
    await eventually(async () => (await events(waiting, 'reminded')).length > 0);
    const [reminded] = await events(waiting, 'reminded');
    expect(reminded?.context).toMatchObject({ to: 'mgr-full', standsInForOwner: true });
    const tasks = await stack.db.sql<{ kind: string; owner_id: string | null }[]>`select kind, owner_id from tasks where lead_id = ${waiting}`;
    expect(tasks).toEqual([{ kind: 'contact_sla', owner_id: 'mgr-full' }]);
    const inbox = (await stack.app.inject({ url: '/api/tasks', headers: manager.headers })).json() as { items: { leadId: string; title: string }[] };
    expect(inbox.items.find((t) => t.leadId === waiting)?.title).toMatch(/Unassigned lead/);
    const mails = await eventually(async () => {
      const m = await stack.db.sql<{ to_address: string; template: string; status: string }[]>`select to_address, template, status from mail_outbox where lead_id = ${waiting}`;
      return m.length && m.every((x) => x.status !== 'queued' && x.status !== 'sending') ? m : undefined;
    });
    expect(mails).toEqual([{ to_address: manager.email, template: 'unassigned', status: 'stored' }]);
    expect(await events(waiting, 'email_sent')).toHaveLength(1);
  });

  it('routes the waiting lead as soon as a lead of the team closes (capacity freed), welcoming its owner once', async () => {
    const rep = await bearerHeaders(stack.db.sql, firstOwner);
    const lost = await stack.app.inject({ method: 'POST', url: `/api/leads/${first}/lost`, headers: rep, payload: { reason: 'no_budget' } });
    expect(lost.statusCode, lost.body).toBe(200);
    // The retry timer is an hour away (the default), so only the capacity-freed signal can have routed it.
    expect(await assignedOwner(waiting)).toBe(firstOwner);
    await expectWelcomedOnce(waiting, firstOwner);
    const [assigned] = await events(waiting, 'assigned');
    expect(assigned?.context).toMatchObject({ ownerId: firstOwner, rerouted: true });
    // The reminder the manager did in the owner's stead is now the owner's.
    expect(await stack.db.sql`select owner_id from tasks where lead_id = ${waiting} and kind = 'contact_sla'`).toEqual([{ owner_id: firstOwner }]);
    const state = (await stack.app.inject({ url: `/api/leads/${waiting}/state`, headers: rep })).json() as { ownerId: string; openTasks: { ownerId: string }[] };
    expect(state.ownerId).toBe(firstOwner);
    expect(state.openTasks.map((t) => t.ownerId)).toEqual([firstOwner, firstOwner]);
  });

  it('routes a waiting lead again when its retry timer fires (UNASSIGNED_RETRY_MINUTES)', async () => {
    await stack.startWorker({ unassignedRetryMinutes: 0.02 }); // 1.2 s
    const id = await capture('Delta');
    await unassigned(id);
    // More room without any signal: only the timer can notice.
    await stack.db.sql`update users set capacity = 2 where id = ${secondOwner}`;
    expect(await assignedOwner(id)).toBe(secondOwner);
    await expectWelcomedOnce(id, secondOwner);
    // Failed attempts leave no trace in the timeline: one "unassigned", then one "assigned".
    expect(await events(id, 'unassigned')).toHaveLength(1);
  });

  it('routes a waiting lead again when an admin raises a rep\'s capacity', async () => {
    await stack.startWorker(); // back to the hour-long retry
    const id = await capture('Echo');
    await unassigned(id);
    const res = await stack.app.inject({ method: 'PATCH', url: `/api/users/${firstOwner}`, headers: admin.headers, payload: { capacity: 2 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await assignedOwner(id)).toBe(firstOwner);
    await expectWelcomedOnce(id, firstOwner);
  });

  it('lets the manager assign a waiting lead by hand: the rep gets the first-contact task and the assignment mail once', async () => {
    const id = await capture('Foxtrot');
    await unassigned(id);
    const res = await stack.app.inject({ method: 'POST', url: `/api/leads/${id}/reassign`, headers: manager.headers, payload: { ownerId: secondOwner, reason: 'from the unassigned queue' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await lead(id)).toMatchObject({ owner_id: secondOwner, team_id: 'team-full' });
    const firstContact = await eventually(async () => {
      const t = await stack.db.sql`select owner_id from tasks where lead_id = ${id} and kind = 'first_contact'`;
      return t.length ? t : undefined;
    });
    expect(firstContact).toEqual([{ owner_id: secondOwner }]);
    const mails = await eventually(async () => {
      const m = await stack.db.sql<{ to_address: string }[]>`select to_address from mail_outbox where lead_id = ${id} and template = 'assignment' and status = 'stored'`;
      return m.length ? m : undefined;
    });
    expect(mails.map((m) => m.to_address)).toEqual([await emailOf(secondOwner)]);
    // Every open task of the lead is the new owner's now (a reminder the manager got meanwhile included).
    expect((await stack.db.sql`select distinct owner_id from tasks where lead_id = ${id} and not done`).map((t) => t.owner_id)).toEqual([secondOwner]);
  });

  it('closes a lead that waited and was routed again like any other (its history is kept for the replay test)', async () => {
    const rep = await bearerHeaders(stack.db.sql, firstOwner);
    const lost = await stack.app.inject({ method: 'POST', url: `/api/leads/${waiting}/lost`, headers: rep, payload: { reason: 'timing' } });
    expect(lost.statusCode, lost.body).toBe(200);
    expect(await stack.client.workflow.getHandle(waiting).result()).toMatchObject({ result: 'lost' });
    await saveHistory(stack, waiting, 'lead-rerouted');
  });
});

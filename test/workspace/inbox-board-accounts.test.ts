import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { ensureDefaultPipeline } from '../../db/pipelines';
import { bucketOf } from '../../api/leads/task-buckets';
import { linkAccount } from '../../workers/lead/capture.activity';
import { resolveAssignment } from '../../workers/routing/resolve';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

/** The rep's inbox, the board and the accounts pages, plus account linking at capture and account-affinity routing. */
describe('inbox, board and accounts', () => {
  let stack: TestStack;
  const u: Record<string, TestUser> = {};
  const get = async (who: TestUser, url: string, status = 200) => {
    const res = await stack.app.inject({ url, headers: who.headers });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    await ensureDefaultPipeline(sql);
    u.anna = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-anna' });
    u.ben = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-ben' });
    u.carla = await createUser(sql, { role: 'rep', teamId: 'team-b', id: 'rep-carla' });
    u.mia = await createUser(sql, { role: 'manager', teamId: 'team-a', id: 'mgr-mia' });
    u.olga = await createUser(sql, { role: 'ops', id: 'ops-olga' });
    await sql`insert into accounts (id, name, domain) values ('acc-acme', 'Acme AG', 'acme.example'), ('acc-nord', 'Nordwerk', null)`;
    const leads = [
      // id, owner, team, stage, status, score, account, name
      ['b-1', 'rep-anna', 'team-a', 'qualification', 'open', 70, 'acc-acme', 'Ada Acme'],
      ['b-2', 'rep-anna', 'team-a', 'offer', 'qualified', 50, 'acc-acme', 'Bo Acme'],
      ['b-3', 'rep-ben', 'team-a', 'offer', 'qualified', 90, 'acc-acme', 'Cy Acme'],
      ['b-4', 'rep-anna', 'team-a', 'won', 'won', 80, 'acc-acme', 'Di Acme'],
      ['b-5', 'rep-carla', 'team-b', 'nurturing', 'nurturing', 20, 'acc-nord', 'Ed Nord'],
    ] as const;
    for (const [id, owner, team, stage, status, score, account, name] of leads) {
      await sql`insert into leads (id, dedupe_key, source, status, stage, score, owner_id, team_id, account_id, name, company, pipeline_id, pipeline_version)
                values (${id}, ${id}, 'web', ${status}, ${stage}, ${score}, ${owner}, ${team}, ${account}, ${name}, ${account === 'acc-acme' ? 'Acme AG' : 'Nordwerk'}, 'default', 1)`;
    }
    await sql`insert into offers (id, lead_id, version, status, total) values ('of-2', 'b-2', 1, 'sent', 1000), ('of-3', 'b-3', 1, 'accepted', 2500), ('of-4', 'b-4', 1, 'accepted', 400)`;
    await sql`insert into orders (id, lead_id, offer_id, total) values ('ord-4', 'b-4', 'of-4', 400)`;
    await sql`insert into visits (id, lead_id, rep_id, type, status, notes, occurred_at) values
      ('v-1', 'b-1', 'rep-anna', 'phone', 'contact', 'first call', now() - interval '1 day'),
      ('v-3', 'b-3', 'rep-ben', 'on_site', 'offer', 'demo', now() - interval '2 days'),
      ('v-5', 'b-5', 'rep-carla', 'phone', 'contact', null, now() - interval '3 days')`;
    await sql`insert into contacts (id, account_id, name, email) values ('c-1', 'acc-acme', 'Ada Acme', 'ada@acme.example'), ('c-3', 'acc-acme', 'Cy Acme', 'cy@acme.example')`;
    await sql`update leads set contact_id = 'c-1' where id = 'b-1'`;
    await sql`update leads set contact_id = 'c-3' where id = 'b-3'`;
    await sql`insert into tasks (id, lead_id, owner_id, kind, title, due_at, done) values
      ('t-overdue', 'b-1', 'rep-anna', 'call', 'Call Ada', now() - interval '2 days', false),
      ('t-upcoming', 'b-2', 'rep-anna', 'follow_up', 'Follow up Bo', now() + interval '3 days', false),
      ('t-someday', 'b-2', 'rep-anna', 'note', 'Someday', null, false),
      ('t-ben', 'b-3', 'rep-ben', 'call', 'Call Cy', now() - interval '1 day', false)`;
  });
  afterAll(async () => stack?.close());

  describe('inbox', () => {
    it('puts each task in its bucket, with the owner\'s name, overdue first when grouped', async () => {
      const { items, counts } = await get(u.anna, '/api/tasks?group=true&tz=Europe/Berlin');
      expect(items.map((t: { id: string; bucket: string }) => [t.id, t.bucket])).toEqual([['t-overdue', 'overdue'], ['t-upcoming', 'upcoming'], ['t-someday', 'someday']]);
      expect(items[0]).toMatchObject({ ownerName: 'rep-anna', leadName: 'Ada Acme', overdue: true });
      expect(counts).toEqual({ overdue: 1, today: 0, upcoming: 1, someday: 1 });
      const team = await get(u.mia, '/api/tasks?owner=rep-ben');
      expect(team.items.map((t: { id: string; ownerName: string }) => [t.id, t.ownerName])).toEqual([['t-ben', 'rep-ben']]);
      const bad = await get(u.anna, '/api/tasks?tz=Mars/Olympus', 400);
      expect(bad.message).toContain('tz');
    });

    it('buckets by the user\'s calendar day, not UTC', () => {
      const now = new Date('2026-03-02T12:00:00Z');
      const lateTonight = { due_at: new Date('2026-03-02T23:30:00Z'), done: false };
      expect(bucketOf(lateTonight, now, 'UTC')).toBe('today');
      expect(bucketOf(lateTonight, now, 'Europe/Berlin')).toBe('upcoming'); // 00:30 on 3 March in Berlin
      expect(bucketOf({ due_at: new Date('2026-03-02T02:00:00Z'), done: false }, now, 'UTC')).toBe('overdue');
      expect(bucketOf({ due_at: new Date('2026-03-02T02:00:00Z'), done: true }, now, 'UTC')).toBe('today');
      expect(bucketOf({ due_at: null, done: false }, now, 'UTC')).toBe('someday');
    });

    it('snoozes a task to a new due date in the future within a year; refuses others naming dueAt', async () => {
      const snooze = (who: TestUser, id: string, dueAt: string) => stack.app.inject({ method: 'POST', url: `/api/tasks/${id}/snooze`, headers: who.headers, payload: { dueAt } });
      const past = await snooze(u.anna, 't-overdue', new Date(Date.now() - 3_600_000).toISOString());
      expect(past.statusCode).toBe(400);
      expect(past.json().message).toContain('dueAt');
      expect((await snooze(u.anna, 't-overdue', new Date(Date.now() + 400 * 86_400_000).toISOString())).statusCode).toBe(400);
      expect((await snooze(u.anna, 't-overdue', 'next week')).statusCode).toBe(400);
      expect((await snooze(u.anna, 't-ben', new Date(Date.now() + 86_400_000 * 5).toISOString())).statusCode).toBe(404);
      const due = new Date(Date.now() + 5 * 86_400_000).toISOString();
      const ok = await snooze(u.anna, 't-overdue', due);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({ id: 't-overdue', dueAt: due });
      const { items } = await get(u.anna, '/api/tasks');
      expect(items.find((t: { id: string }) => t.id === 't-overdue')).toMatchObject({ dueAt: due, bucket: 'upcoming', overdue: false });
    });
  });

  describe('board', () => {
    type Column = { stage: string; label: string; count: number; offerValue: number; leads: { id: string; ownerName: string | null; offerValue: number | null; nextDeadline: string | null }[] };
    it('shows my open leads by stage in pipeline order, with count and offer value per column', async () => {
      const { columns } = await get(u.anna, '/api/board') as { columns: Column[] };
      const stages = columns.map((c) => c.stage);
      expect(stages.indexOf('qualification')).toBeLessThan(stages.indexOf('offer'));
      expect(stages).not.toContain('won');
      const offer = columns.find((c) => c.stage === 'offer')!;
      expect(offer).toMatchObject({ label: 'Offer', count: 1, offerValue: 1000 });
      expect(offer.leads).toEqual([expect.objectContaining({ id: 'b-2', ownerName: 'rep-anna', offerValue: 1000 })]);
      expect(columns.find((c) => c.stage === 'qualification')!.leads.map((l) => l.id)).toEqual(['b-1']);
      // The card's next deadline is the lead's earliest open task.
      const [due] = await stack.db.sql<{ due_at: Date }[]>`select due_at from tasks where id = 't-overdue'`;
      expect(columns.find((c) => c.stage === 'qualification')!.leads[0]).toMatchObject({ nextDeadline: due!.due_at.toISOString() });
    });

    it('shows the team\'s board to a manager and refuses a rep asking for the team', async () => {
      const { columns } = await get(u.mia, '/api/board?scope=team') as { columns: Column[] };
      const offer = columns.find((c) => c.stage === 'offer')!;
      expect(offer).toMatchObject({ count: 2, offerValue: 3500 });
      expect(offer.leads.map((l) => l.id)).toEqual(['b-3', 'b-2']);
      expect(columns.flatMap((c) => c.leads.map((l) => l.id))).not.toContain('b-5');
      const refused = await get(u.anna, '/api/board?scope=team', 403);
      expect(refused.message).toContain('scope');
    });
  });

  describe('accounts', () => {
    it('lists only accounts with leads the user may see, with counts and the owner', async () => {
      const mine = await get(u.anna, '/api/accounts');
      expect(mine.total).toBe(1);
      expect(mine.items[0]).toMatchObject({ id: 'acc-acme', name: 'Acme AG', leadCount: 3, openLeadCount: 2, ownerName: 'rep-anna' });
      const all = await get(u.olga, '/api/accounts?q=nord');
      expect(all.items.map((a: { name: string }) => a.name)).toEqual(['Nordwerk']);
      expect((await get(u.carla, '/api/accounts')).items.map((a: { id: string }) => a.id)).toEqual(['acc-nord']);
    });

    it('shows an account with what the user may see, across reps for a manager; nothing visible is 404', async () => {
      const asAnna = await get(u.anna, '/api/accounts/acc-acme');
      expect(asAnna.leads.map((l: { id: string }) => l.id).sort()).toEqual(['b-1', 'b-2', 'b-4']);
      expect(asAnna.visits.map((v: { id: string }) => v.id)).toEqual(['v-1']);
      expect(asAnna.contacts.map((c: { id: string }) => c.id)).toEqual(['c-1']);
      expect(asAnna.orders).toEqual([expect.objectContaining({ id: 'ord-4', leadName: 'Di Acme', total: 400 })]);
      const asMia = await get(u.mia, '/api/accounts/acc-acme');
      expect(asMia.visits.map((v: { id: string; repName: string }) => [v.id, v.repName])).toEqual([['v-1', 'rep-anna'], ['v-3', 'rep-ben']]);
      expect(asMia.offers.map((o: { id: string }) => o.id).sort()).toEqual(['of-2', 'of-3', 'of-4']);
      expect(asMia.contacts.map((c: { name: string }) => c.name)).toEqual(['Ada Acme', 'Cy Acme']);
      await get(u.carla, '/api/accounts/acc-acme', 404);
      // Ops see an account even without leads (nothing else to show).
      await stack.db.sql`insert into accounts (id, name) values ('acc-empty', 'Empty GmbH')`;
      expect(await get(u.olga, '/api/accounts/acc-empty')).toMatchObject({ account: { name: 'Empty GmbH' }, leads: [], visits: [], contacts: [] });
      await get(u.anna, '/api/accounts/acc-empty', 404);
      await get(u.anna, '/api/accounts/nope', 404);
    });

    it('links a captured person by business domain or by company name (case and spaces ignored), else creates the account', async () => {
      const link = (c: Parameters<typeof linkAccount>[1]) => stack.db.sql.begin((tx) => linkAccount(tx as unknown as Db, c));
      expect((await link({ company: 'Something Else', companyDomain: 'acme.example' }))!.id).toBe('acc-acme');
      expect((await link({ company: '  NORDWERK ' }))!.id).toBe('acc-nord');
      // The account learns its domain from the first business e-mail seen for it.
      expect((await link({ company: 'nordwerk', companyDomain: 'nordwerk.example' }))!.id).toBe('acc-nord');
      expect((await link({ companyDomain: 'nordwerk.example' }))!.id).toBe('acc-nord');
      expect(await link({})).toBeNull();
      const created = await Promise.all([1, 2, 3].map(() => link({ company: 'Brand  New GmbH', country: 'DE' })));
      expect(new Set(created.map((a) => a!.id)).size).toBe(1);
      const [acc] = await stack.db.sql<{ name: string; country: string }[]>`select name, country from accounts where id = ${created[0]!.id}`;
      expect(acc).toEqual({ name: 'Brand New GmbH', country: 'DE' });
    });

    it('routes a new lead of an account to the active rep who owns an open lead there; else falls through', async () => {
      const sql = stack.db.sql;
      await sql`insert into leads (id, dedupe_key, source, name, account_id, pipeline_id, pipeline_version) values
        ('new-acme', 'new-acme', 'web', 'New Acme', 'acc-acme', 'default', 1), ('new-none', 'new-none', 'web', 'No Account', null, 'default', 1)`;
      const strategy = { type: 'account_affinity', then: { type: 'named', userId: 'rep-carla' } } as const;
      const a = await resolveAssignment(sql, strategy, { id: 'new-acme' });
      expect(['rep-anna', 'rep-ben']).toContain(a.userId);
      expect(a.how).toContain('account affinity');
      expect((await resolveAssignment(sql, strategy, { id: 'new-none' })).userId).toBe('rep-carla');
      await sql`update users set active = false where id in ('rep-anna', 'rep-ben')`;
      expect((await resolveAssignment(sql, strategy, { id: 'new-acme' })).userId).toBe('rep-carla');
      expect((await resolveAssignment(sql, { type: 'account_affinity' }, { id: 'new-acme' })).userId).toBeNull();
      await sql`update users set active = true where id in ('rep-anna', 'rep-ben')`;
    });
  });
});

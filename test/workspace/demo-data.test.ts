import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts, demoOpenLeads, loadDemoHistory } from '../../db/demo-history';
import { captureBodySchema } from '../../engine/lead/schemas';
import { captureDemoLeads } from '../../runtime/demo-leads';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, type TestStack } from '../helpers/stack';

/** What a new user sees on first start: accounts with history across reps, in the finder, on account pages and as warnings. */
describe('demo data', () => {
  let stack: TestStack;
  let anna: { authorization: string };

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    anna = await bearerHeaders(stack.db.sql, 'u-anna');
  });
  afterAll(async () => stack?.close());

  it('loads twelve months of closed history once: several leads per account across reps, with visits, offers and orders', async () => {
    const first = await loadDemoHistory(stack.db.sql);
    expect(first.leads).toBeGreaterThanOrEqual(demoAccounts.length * 3);
    expect(await loadDemoHistory(stack.db.sql)).toEqual({ leads: 0 });
    const [c] = await stack.db.sql<{ accounts: number; reps: number; visits: number; offers: number; orders: number; oldest: number }[]>`
      select (select count(distinct account_id) from leads where id like 'demo-%')::int as accounts,
             (select count(distinct owner_id) from leads where id like 'demo-%')::int as reps,
             (select count(*) from visits)::int as visits, (select count(*) from offers)::int as offers, (select count(*) from orders)::int as orders,
             (select extract(day from now() - min(created_at)) from leads)::int as oldest`;
    expect(c).toMatchObject({ accounts: demoAccounts.length, reps: 5 });
    expect(c!.visits).toBeGreaterThan(first.leads);
    expect(c!.orders).toBeGreaterThan(0);
    expect(c!.offers).toBeGreaterThan(c!.orders);
    expect(c!.oldest).toBeGreaterThan(300);
  });

  it('shows a rep their closed leads in the finder and a colleague\'s recent work on a shared account', async () => {
    const won = (await stack.app.inject({ url: '/api/leads?status=won&sort=createdAt', headers: anna })).json() as { total: number; items: { ownerName: string; accountName: string | null; lastContactAt: string | null }[] };
    expect(won.total).toBeGreaterThan(0);
    expect(won.items.every((l) => l.ownerName === 'Anna Rep' && l.accountName && l.lastContactAt)).toBe(true);
    const [shared] = await stack.db.sql<{ id: string }[]>`select id from accounts where name = 'Nordlicht Maschinenbau GmbH'`;
    const account = (await stack.app.inject({ url: `/api/accounts/${shared!.id}`, headers: anna })).json() as { leads: unknown[]; visits: { repName: string }[]; orders: unknown[] };
    expect(account.leads.length).toBeGreaterThan(0);
    expect(account.visits.every((v) => v.repName === 'Anna Rep')).toBe(true);
    const [annasLead] = await stack.db.sql<{ id: string }[]>`select id from leads where account_id = ${shared!.id} and owner_id = 'u-anna' order by id limit 1`;
    const page = (await stack.app.inject({ url: `/api/leads/${annasLead!.id}`, headers: anna })).json() as { warnings: { userName: string; message: string }[] };
    expect(page.warnings).toContainEqual(expect.objectContaining({ userName: 'Ben Rep', message: expect.stringMatching(/^Ben Rep (visited|made an offer to) Nordlicht Maschinenbau GmbH/) }));
  });

  it('has open demo leads that the capture API accepts as they are', () => {
    expect(demoOpenLeads.length).toBeGreaterThanOrEqual(demoAccounts.length);
    for (const lead of demoOpenLeads) expect(captureBodySchema.safeParse(lead).success, lead.email).toBe(true);
  });

  it('works the open demo leads into their stages, some of them stalled, and the managers\' dashboards show them', async () => {
    await stack.startWorker();
    const worked = await captureDemoLeads(stack.app, () => undefined, { timeoutMs: 90_000 });
    expect(worked).toBe(demoOpenLeads.length);
    const ops = await bearerHeaders(stack.db.sql, 'u-olga');
    const dashboard = (await stack.app.inject({ url: '/api/dashboard', headers: ops })).json() as {
      stalled: { total: number; items: { daysInStage: number; p75Days: number; sample: number }[] }; timeToClose: { total: number };
    };
    expect(dashboard.stalled.total).toBeGreaterThanOrEqual(3);
    for (const d of dashboard.stalled.items) expect(d.daysInStage).toBeGreaterThan(d.p75Days);
    expect(dashboard.timeToClose.total).toBeGreaterThanOrEqual(demoOpenLeads.length - 10);
    // Every manager has a stalled deal of their own team to look at.
    for (const manager of ['u-mia', 'u-max']) {
      const mine = (await stack.app.inject({ url: '/api/dashboard', headers: await bearerHeaders(stack.db.sql, manager) })).json() as { stalled: { total: number } };
      expect(mine.stalled.total, manager).toBeGreaterThan(0);
    }
  }, 150_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders, createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

type Check = { allowed: boolean; reason?: string };
type Actions = { actions: Record<string, Check>; offerStatus: Record<string, Record<string, Check>> };
type Page = {
  lead: { id: string; ownerId: string | null; ownerName: string | null; stage: string; accountId: string | null; accountName: string | null; lastContactAt: string | null };
  events: { type: string; actor: string | null; actorName: string | null }[];
  tasks: { ownerName: string | null }[];
  visits: { repName: string | null }[];
  orders: { id: string; offerId: string | null; total: number; currency: string }[];
  score: { points: number; grade: string | null; ruleSetId: string; version: number; rules: { name: string; points: number; reason: string }[] } | null;
  warnings: { kind: string; message: string; userId: string; userName: string; leadId: string }[];
};

/** The lead page as reps see it: the actions the workflow allows, names in the timeline, the colleague warning. */
describe('lead page', () => {
  let stack: TestStack;
  let admin: TestUser;
  let mia: { authorization: string };
  let anna: { authorization: string };
  let ben: { authorization: string };
  let first = '';
  let second = '';

  const post = (headers: Record<string, string>, url: string, payload: Record<string, unknown> = {}) => stack.app.inject({ method: 'POST', url, headers, payload });
  const page = async (headers: Record<string, string>, id: string) => {
    const r = await stack.app.inject({ url: `/api/leads/${id}`, headers });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Page;
  };
  const actions = async (headers: Record<string, string>, id: string) => {
    const r = await stack.app.inject({ url: `/api/leads/${id}/actions`, headers });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Actions;
  };
  const captureRouted = async (name: string, email: string, owner: string) => {
    const res = await post(admin.headers, '/api/leads', { name, email, company: 'Siemens AG', country: 'DE', productInterest: 'crm', companySize: 900 });
    expect(res.statusCode, res.body).toBe(202);
    const { leadId } = res.json() as { leadId: string };
    const routed = await eventually(async () => {
      const p = await page(admin.headers, leadId).catch(() => undefined);
      return p?.lead.stage !== 'captured' && p?.events.some((e) => e.type === 'assigned' || e.type === 'unassigned') ? p : undefined;
    });
    if (routed.lead.ownerId !== owner) expect((await post(admin.headers, `/api/leads/${leadId}/reassign`, { ownerId: owner, reason: 'test' })).statusCode).toBe(200);
    return leadId;
  };

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    [mia, anna, ben] = await Promise.all(['u-mia', 'u-anna', 'u-ben'].map((id) => bearerHeaders(stack.db.sql, id)));
    await stack.startWorker();
    first = await captureRouted('Sabine Schulz', 'sabine.schulz@siemens-ag.example', 'u-anna');
    second = await captureRouted('Tom Tauber', 'tom.tauber@siemens-ag.example', 'u-ben');
  });
  afterAll(async () => stack?.close());

  it('links both people to one account and explains the score rule by rule', async () => {
    const a = await page(anna, first);
    const b = await page(ben, second);
    expect(a.lead.accountId).toBeTruthy();
    expect(b.lead.accountId).toBe(a.lead.accountId);
    expect(a.lead.accountName).toBe('Siemens AG');
    expect(a.score).toMatchObject({ ruleSetId: 'scoring-default', version: 1 });
    expect(a.score!.rules.length).toBeGreaterThan(0);
    expect(a.score!.rules.reduce((n, r) => n + r.points, 0)).toBeGreaterThanOrEqual(a.score!.points);
    expect(a.score!.rules.some((r) => /country|company|product/i.test(r.reason))).toBe(true);
    // Another rep's lead is not found, exactly like a missing one.
    expect((await stack.app.inject({ url: `/api/leads/${second}`, headers: anna })).statusCode).toBe(404);
    expect((await stack.app.inject({ url: `/api/leads/${second}/actions`, headers: anna })).statusCode).toBe(404);
  });

  it('offers exactly the actions the workflow allows, and says why for the rest', async () => {
    const before = await actions(anna, first);
    expect(before.actions.logVisit).toEqual({ allowed: true });
    expect(before.actions.qualify).toEqual({ allowed: true });
    expect(before.actions.won).toMatchObject({ allowed: false, reason: expect.stringMatching(/qualified lead with an accepted offer/) });
    expect(before.actions.createOffer).toMatchObject({ allowed: false, reason: expect.stringMatching(/qualify the lead/) });
    expect(before.actions.reassign).toMatchObject({ allowed: false, reason: 'only managers reassign leads' });
    expect((await actions(mia, first)).actions.reassign).toEqual({ allowed: true });

    expect((await post(anna, `/api/leads/${first}/visits`, { type: 'phone', status: 'initial_contact', notes: 'interested' })).statusCode).toBe(200);
    expect((await post(anna, `/api/leads/${first}/qualify`, { note: 'budget ok' })).statusCode).toBe(200);
    const qualified = await actions(anna, first);
    expect(qualified.actions.qualify).toMatchObject({ allowed: false, reason: 'this lead is already qualified' });
    expect(qualified.actions.disqualify.allowed).toBe(false);
    expect(qualified.actions.createOffer).toEqual({ allowed: true });

    const offer = await post(anna, `/api/leads/${first}/offers`, { lines: [{ product: 'crm-suite', options: [], quantity: 10, unitPrice: 120 }] });
    expect(offer.statusCode, offer.body).toBe(200);
    const { offerId } = offer.json() as { offerId: string };
    const draft = await actions(anna, first);
    expect(draft.offerStatus[offerId]!.sent).toEqual({ allowed: true });
    expect(draft.offerStatus[offerId]!.accepted).toMatchObject({ allowed: false, reason: expect.stringMatching(/draft cannot become accepted/) });
    for (const status of ['sent', 'accepted']) expect((await post(anna, `/api/leads/${first}/offers/${offerId}/status`, { status })).statusCode).toBe(200);
    expect((await actions(anna, first)).actions.won).toEqual({ allowed: true });

    const won = await post(anna, `/api/leads/${first}/won`, {});
    expect(won.statusCode, won.body).toBe(200);
    const closed = await actions(anna, first);
    for (const check of Object.values(closed.actions)) expect(check).toEqual({ allowed: false, reason: 'this lead is closed' });
    expect(closed.offerStatus[offerId]!.sent).toEqual({ allowed: false, reason: 'this lead is closed' });
    const wonPage = await page(anna, first);
    expect(wonPage.orders).toEqual([expect.objectContaining({ offerId, total: 1200, currency: 'EUR' })]);
  });

  it('shows names instead of ids in the timeline, tasks and visits', async () => {
    const p = await page(anna, first);
    const visit = p.events.find((e) => e.type === 'visit_logged');
    expect(visit).toMatchObject({ actor: 'u-anna', actorName: 'Anna Rep' });
    expect(p.events.find((e) => e.type === 'qualified')).toMatchObject({ actorName: 'Anna Rep' });
    expect(p.visits).toEqual([expect.objectContaining({ repName: 'Anna Rep' })]);
    expect(p.lead.ownerName).toBe('Anna Rep');
    expect(p.lead.lastContactAt).not.toBeNull();
    const withOwner = p.tasks.filter((t) => t.ownerName);
    expect(withOwner.every((t) => typeof t.ownerName === 'string' && !t.ownerName.startsWith('u-'))).toBe(true);
  });

  it('warns a second rep that a colleague worked the same account recently', async () => {
    const b = await page(ben, second);
    expect(b.warnings).toContainEqual(expect.objectContaining({ kind: 'colleague_activity', userId: 'u-anna', userName: 'Anna Rep', leadId: first }));
    expect(b.warnings.find((w) => w.userId === 'u-anna')!.message).toMatch(/^Anna Rep (visited|made an offer to) Siemens AG today$/);
    // Anna's own work is no warning for Anna.
    expect((await page(anna, first)).warnings.filter((w) => w.userId === 'u-anna')).toEqual([]);
  });
});

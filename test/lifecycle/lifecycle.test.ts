import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders, createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { startSmtpServer } from '../helpers/smtp';
import { saveHistory } from '../helpers/histories';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

type Lead = { id: string; name: string; stage: string; status: string; ownerId: string | null; score: number; grade: string | null; nodeId: string | null };

describe('lead lifecycle on the real dev server and Postgres', () => {
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let admin: TestUser;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    stack = await createTestStack({ env: { SMTP_URL: smtp.url } });
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    await stack.startWorker({ smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await stack?.close();
    await smtp?.stop();
  });

  const get = async (id: string) => {
    const r = await stack.app.inject({ url: `/api/leads/${id}`, headers: admin.headers });
    return r.statusCode === 200 ? (r.json() as { lead: Lead; events: { type: string; cause: unknown; context: Record<string, unknown> }[] }) : undefined;
  };
  const capture = (payload: Record<string, unknown>) => stack.app.inject({ method: 'POST', url: '/api/leads/web-form', payload });
  // The public form says nothing about the lead (same answer for new and known people): find it by its e-mail.
  const leadIdOf = async (email: string) =>
    (await eventually(async () => (await stack.db.sql<{ id: string }[]>`select id from leads where email = ${email.trim().toLowerCase()}`)[0])).id;
  const captured = async (payload: Record<string, unknown> & { email: string }) => {
    const res = await capture(payload);
    expect(res.statusCode, res.body).toBe(202);
    return { leadId: await leadIdOf(payload.email) };
  };
  const post = (headers: Record<string, string>, url: string, payload: Record<string, unknown> = {}) => stack.app.inject({ method: 'POST', url, headers, payload });

  it('walks capture → scored → assigned (e-mail over SMTP) → visit → qualified → offer → won, with an order', async () => {
    const res = await capture({ name: 'Ana Weber', email: 'Ana.Weber@Acme-Maschinen.de', company: 'Acme Maschinen', country: 'de', productInterest: 'crm', companySize: 800, message: 'Please call me' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: true });
    const leadId = await leadIdOf('Ana.Weber@Acme-Maschinen.de');

    const assigned = await eventually(async () => {
      const l = await get(leadId);
      return l?.lead.ownerId && l.lead.stage !== 'captured' ? l : undefined;
    });
    expect(assigned.lead.score).toBeGreaterThan(0);
    const scored = assigned.events.find((e) => e.type === 'scored');
    expect(scored?.cause).toMatchObject({ ruleSetId: 'scoring-default', version: 1 });
    expect(assigned.events.find((e) => e.type === 'assigned')?.cause).toMatchObject({ ruleSetId: 'routing-default' });

    const [owner] = await stack.db.sql<{ email: string }[]>`select email from users where id = ${assigned.lead.ownerId}`;
    const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes(owner!.email)));
    expect(mail.raw).toMatch(/New lead for you: Ana Weber/);

    const rep = await bearerHeaders(stack.db.sql, assigned.lead.ownerId!);
    // The lead is in qualification when it is hot, in nurturing otherwise; qualify works from both.
    expect(['qualification', 'nurturing']).toContain(assigned.lead.stage);
    expect((await post(rep, `/api/leads/${leadId}/visits`, { type: 'phone', status: 'initial_contact', outcome: 'interested' })).statusCode).toBe(200);
    const q = await post(rep, `/api/leads/${leadId}/qualify`, { note: 'budget confirmed' });
    expect(q.statusCode, q.body).toBe(200);
    await eventually(async () => (await get(leadId))?.lead.stage === 'offer');

    const offer = await post(rep, `/api/leads/${leadId}/offers`, { lines: [{ product: 'crm-suite', options: ['cloud'], quantity: 25, unitPrice: 40 }] });
    expect(offer.statusCode, offer.body).toBe(200);
    const { offerId, total } = offer.json() as { offerId: string; total: number };
    expect(total).toBe(1000);
    for (const status of ['sent', 'confirmed', 'accepted']) {
      const r = await post(rep, `/api/leads/${leadId}/offers/${offerId}/status`, { status });
      expect(r.statusCode, r.body).toBe(200);
    }
    const won = await post(rep, `/api/leads/${leadId}/won`, {});
    expect(won.statusCode, won.body).toBe(200);
    expect(won.json()).toMatchObject({ closed: true, status: 'won' });
    const final = await get(leadId);
    expect(final?.lead).toMatchObject({ status: 'won', stage: 'won' });
    const orders = await stack.db.sql`select total::float8 as total from orders where lead_id = ${leadId}`;
    expect(orders).toEqual([{ total: 1000 }]);
    expect(await stack.client.workflow.getHandle(leadId).result()).toMatchObject({ result: 'won' });
    await saveHistory(stack, leadId, 'lead-won');
  });

  it('refuses an illegal update with a readable reason and changes nothing', async () => {
    const { leadId } = await captured({ name: 'Bo Illegal', email: 'bo@illegal-test.se', country: 'SE', productInterest: 'analytics' });
    // Wait until the pipeline rests at a wait node (qualification or nurturing), so nothing else is moving.
    const before = await eventually(async () => { const l = await get(leadId); return l?.lead.ownerId && ['qualify', 'nurture-wait'].includes(l.lead.nodeId ?? '') ? l : undefined; });
    const rep = await bearerHeaders(stack.db.sql, before.lead.ownerId!);
    const r = await post(rep, `/api/leads/${leadId}/won`, {});
    expect(r.statusCode).toBe(409);
    expect(r.json().message).toMatch(/qualified lead with an accepted offer/);
    const after = await get(leadId);
    expect(after?.lead.status).toBe(before.lead.status);
    expect(after?.events.length).toBe(before.events.length);
  });

  it('merges a second capture of the same person into the existing lead', async () => {
    const first = await captured({ name: 'Cem Dup', email: 'cem@dup-gmbh.at', phone: '+43 1 234 567', country: 'AT' });
    await eventually(async () => (await get(first.leadId))?.lead.ownerId);
    const second = await capture({ name: 'Cem Dup', email: 'CEM@dup-gmbh.at ', message: 'still interested', country: 'AT' });
    expect(second.statusCode).toBe(202);
    const byPhone = await capture({ name: 'C. Dup', phone: '0043 1 234-567' });
    expect(byPhone.statusCode).toBe(202);
    await eventually(async () => (await get(first.leadId))?.events.filter((e) => e.type === 'form_submitted').length === 2);
    const rows = await stack.db.sql`select form_submissions from leads where email = 'cem@dup-gmbh.at'`;
    expect(rows).toEqual([{ form_submissions: 3 }]);
  });

  it('loses a lead with a reason', async () => {
    const { leadId } = await captured({ name: 'Dora Lost', email: 'dora@lost-test.fr', country: 'FR' });
    const l = await eventually(async () => { const x = await get(leadId); return x?.lead.ownerId ? x : undefined; });
    const rep = await bearerHeaders(stack.db.sql, l.lead.ownerId!);
    expect((await post(rep, `/api/leads/${leadId}/lost`, { reason: 'nonsense' })).statusCode).toBe(422);
    const lost = await post(rep, `/api/leads/${leadId}/lost`, { reason: 'competition' });
    expect(lost.statusCode, lost.body).toBe(200);
    expect((await get(leadId))?.lead).toMatchObject({ status: 'lost', stage: 'lost' });
    await saveHistory(stack, leadId, 'lead-lost');
    const again = await post(rep, `/api/leads/${leadId}/visits`, { type: 'phone', status: 'contact' });
    expect(again.statusCode).toBe(409);
  });

  it('rejects bad capture input naming the field, and writes nothing', async () => {
    const count = async () => (await stack.db.sql<{ n: number }[]>`select count(*)::int as n from leads`)[0]!.n;
    const before = await count();
    const noContact = await capture({ name: 'X' });
    expect(noContact.statusCode).toBe(400);
    expect(noContact.json().problems[0].path).toBe('body.email');
    const unknownField = await capture({ name: 'X', email: 'x@y.de', owner: 'u-anna' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().problems).toEqual([{ path: 'body.owner', message: 'is not a known field' }]);
    const badInterest = await capture({ name: 'X', email: 'x@y.de', productInterest: 'spaceships' });
    expect(badInterest.statusCode).toBe(422);
    expect(badInterest.json().message).toMatch(/productInterest/);
    const big = await capture({ name: 'X', email: 'x@y.de', message: 'x'.repeat(40_000) });
    expect([400, 413]).toContain(big.statusCode);
    const bot = await capture({ name: 'Bot', email: 'bot@spam.io', website: 'http://spam' });
    expect(bot.statusCode).toBe(202);
    expect(await count()).toBe(before);
  });

  it('keeps a capture it cannot hand over yet, with the reason, and delivers it on a later attempt', async () => {
    const submissionId = `sub-${Date.now()}`;
    const capture = { submissionId, source: 'web', name: 'Fay Later', email: 'fay@later-test.de', country: 'DE', capturedAt: new Date().toISOString() };
    await stack.db.sql`insert into capture_inbox (submission_id, lead_id, dedupe_key, input)
      values (${submissionId}, 'lead-fay-later', 'email:fay@later-test.de', ${stack.db.sql.json({ pipelineId: 'default', pipelineVersion: 999, capture } as never)})`;
    await stack.app.captureDispatcher.drain();
    const [stuck] = await stack.db.sql`select attempts, last_error, dispatched_at from capture_inbox where submission_id = ${submissionId}`;
    expect(stuck).toMatchObject({ attempts: 1, dispatched_at: null, last_error: 'pipeline default@999 is not published' });
    // The row waits, with its reason, until it can be delivered; once it can, it goes through.
    await stack.db.sql`update capture_inbox set input = jsonb_set(input, '{pipelineVersion}', '1'), claimed_until = null where submission_id = ${submissionId}`;
    await stack.app.captureDispatcher.drain();
    const lead = await eventually(async () => (await get('lead-fay-later'))?.lead.ownerId ? get('lead-fay-later') : undefined);
    expect(lead?.lead.name).toBe('Fay Later');
  });

  it('completes with exactly one assignment e-mail when the worker is killed mid-run and restarted', async () => {
    await stack.stopWorker();
    expect((await capture({ name: 'Eli Restart', email: 'eli@restart-test.nl', country: 'NL' })).statusCode).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    await stack.startWorker({ smtpUrl: smtp.url });
    const leadId = await leadIdOf('eli@restart-test.nl');
    await eventually(async () => (await get(leadId))?.lead.ownerId);
    await stack.stopWorker();
    await stack.startWorker({ smtpUrl: smtp.url });
    const l = await get(leadId);
    const [owner] = await stack.db.sql<{ email: string }[]>`select email from users where id = ${l!.lead.ownerId}`;
    await eventually(async () => smtp.mails.some((m) => m.to.includes(owner!.email) && m.raw.includes('Eli Restart')));
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mails.filter((m) => m.to.includes(owner!.email) && m.raw.includes('Eli Restart'))).toHaveLength(1);
    const outbox = await stack.db.sql`select status from mail_outbox where lead_id = ${leadId} and template = 'assignment'`;
    expect(outbox).toEqual([{ status: 'sent' }]);
  });
});

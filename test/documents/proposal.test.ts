import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders, createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { startSmtpServer } from '../helpers/smtp';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

const pdfText = async (buf: Buffer) => (await extractText(await getDocumentProxy(new Uint8Array(buf)), { mergePages: true })).text;

/** Setting an offer to sent renders the proposal PDF from the template, stores it on the offer and mails it once. */
describe('proposal on sent', () => {
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let ops: TestUser;
  let mia: { authorization: string };
  let anna: { authorization: string };
  let leadId = '';
  let offerId = '';
  const post = (headers: Record<string, string>, url: string, payload: unknown) => stack.app.inject({ method: 'POST', url, headers, payload: payload as object });
  const put = (headers: Record<string, string>, url: string, payload: unknown) => stack.app.inject({ method: 'PUT', url, headers, payload: payload as object });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    stack = await createTestStack({ env: { SMTP_URL: smtp.url } });
    await seedDefaults(stack.db.sql);
    ops = await createUser(stack.db.sql, { role: 'ops' });
    [mia, anna] = await Promise.all(['u-mia', 'u-anna'].map((id) => bearerHeaders(stack.db.sql, id)));
    await stack.startWorker();
    const res = await post(ops.headers, '/api/leads', { name: 'Sabine Schulz', email: 'sabine.schulz@nordwind-energie.example', company: 'Nordwind Energie GmbH', country: 'DE', productInterest: 'crm', companySize: 900 });
    expect(res.statusCode, res.body).toBe(202);
    leadId = res.json().leadId;
    await eventually(async () => (await stack.db.sql`select 1 from lead_events where lead_id = ${leadId} and type in ('assigned', 'unassigned')`).length > 0);
    const [lead] = await stack.db.sql<{ owner_id: string | null }[]>`select owner_id from leads where id = ${leadId}`;
    if (lead?.owner_id !== 'u-anna') expect((await post(ops.headers, `/api/leads/${leadId}/reassign`, { ownerId: 'u-anna', reason: 'test' })).statusCode).toBe(200);
    expect((await post(anna, `/api/leads/${leadId}/qualify`, {})).statusCode).toBe(200);
    const lines = Array.from({ length: 3 }, (_, i) => ({ product: `Wind Analytics Module ${i + 1}`, options: i === 0 ? ['Premium support'] : [], quantity: i + 2, unitPrice: 1250.5 }));
    const offer = await post(mia, `/api/leads/${leadId}/offers`, { lines });
    expect(offer.statusCode, offer.body).toBe(200);
    offerId = offer.json().offerId;
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
    await smtp?.stop();
  });

  it('refuses a template with an unknown merge field, naming it, and keeps the old one', async () => {
    const bad = await put(ops.headers, '/api/proposal-template', { title: 'Offer for {{ account.nam }}', intro: 'Hi {{ contact.name }}', closing: '', validityDays: 30 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('unknown merge field "account.nam"');
    expect(bad.json().problems[0].path).toBe('body.title');
    expect((await stack.app.inject({ url: '/api/proposal-template', headers: ops.headers })).json().title).toBe('Proposal for {{ account.name }}');
    // Reps may read it but not change it.
    expect((await put(anna, '/api/proposal-template', { title: 'x', intro: '', closing: '', validityDays: 3 })).statusCode).toBe(403);
    const ok = await put(ops.headers, '/api/proposal-template', {
      title: 'Angebot für {{ account.name }}', intro: 'Dear {{ contact.name }}, here is offer {{ offer.number }}.', closing: 'Valid until {{ offer.valid_until }}. {{ rep.name }}', validityDays: 14,
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('previews the PDF of an offer with an unsaved template', async () => {
    const res = await post(ops.headers, '/api/proposal-template/preview', { offerId, template: { title: 'Preview for {{ account.name }}', intro: '', closing: '', validityDays: 10 } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(await pdfText(res.rawPayload)).toContain('Preview for Nordwind Energie GmbH');
  });

  it('sent: the PDF on the offer holds the account, the lines and the total, and the contact gets it attached exactly once', async () => {
    const sent = await post(anna, `/api/leads/${leadId}/offers/${offerId}/status`, { status: 'sent' });
    expect(sent.statusCode, sent.body).toBe(200);
    const docs = (await stack.app.inject({ url: `/api/documents/offer/${offerId}`, headers: anna })).json().items;
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ kind: 'proposal', version: 1, contentType: 'application/pdf' });
    const pdf = (await stack.app.inject({ url: `/api/documents/${docs[0].id}/content`, headers: anna })).rawPayload;
    const text = await pdfText(pdf);
    expect(text).toContain('Angebot für Nordwind Energie GmbH');
    expect(text).toContain('Dear Sabine Schulz');
    for (let i = 1; i <= 3; i++) expect(text).toContain(`Wind Analytics Module ${i}`);
    expect(text).toContain('Premium support');
    expect(text).toContain('EUR 11,254.50'); // (2 + 3 + 4) × 1,250.50
    expect(text).toContain('Anna Rep');

    const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes('sabine.schulz@nordwind-energie.example')));
    expect(mail.raw).toContain('Content-Type: application/pdf');
    expect(mail.raw).toMatch(/filename="?Proposal Nordwind Energie GmbH/);
    expect(mail.raw).toContain('Angebot');

    // Retrying the mail activity (as a retry after a crash would) sends nothing new.
    const activities = (await import('../../workers/proposal/proposal.activity')).createProposalActivities({ sql: stack.db.sql, smtpUrl: smtp.url, mailFrom: 'x@example.test', appUrl: 'http://x' });
    await activities.sendProposal({ leadId, offerId, documentId: docs[0].id, version: 1 });
    await activities.renderProposal({ leadId, offerId, by: 'u-anna' });
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mails.filter((m) => m.to.includes('sabine.schulz@nordwind-energie.example'))).toHaveLength(1);
    expect((await stack.db.sql`select 1 from documents where owner_id = ${offerId}`).length).toBe(1);
    const [row] = await stack.db.sql<{ status: string; attachments: unknown }[]>`select status, attachments from mail_outbox where id = ${`proposal:${offerId}:v1`}`;
    expect(row).toMatchObject({ status: 'sent', attachments: [{ documentId: docs[0].id }] });
  });
});

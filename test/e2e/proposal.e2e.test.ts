import { hash } from '@node-rs/argon2';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders, createUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// A 25 % discount waits for the manager, who approves it from the inbox; the rep sends the offer and its proposal PDF
// is listed on the lead; a contract uploaded to the account is downloaded by the manager, who may see the account.

const password = 'proposal browser test password';
let stack: TestStack;
let session: BrowserSession;
let rep: Page;
let manager: Page;
let ops: Page;
let baseUrl: string;
let leadId = '';
let offerId = '';
let accountId = '';

/** A signed-out page of its own (1440×900, en-GB, downloads accepted). */
const newPage = () => session.newPage();

beforeAll(async () => {
  stack = await createTestStack();
  const sql = stack.db.sql;
  await seedDefaults(sql);
  await sql`update users set password_hash = ${await hash(password)} where id in ('u-anna', 'u-mia', 'u-olga')`;
  const admin = await createUser(sql, { role: 'admin' });
  const [anna, mia] = await Promise.all([bearerHeaders(sql, 'u-anna'), bearerHeaders(sql, 'u-mia')]);
  await stack.startWorker();
  const post = (headers: Record<string, string>, url: string, payload: unknown = {}) => stack.app.inject({ method: 'POST', url, headers, payload: payload as object });
  leadId = (await post(admin.headers, '/api/leads', { name: 'Lena Hofer', email: 'lena.hofer@bergwerk-solar.example', company: 'Bergwerk Solar GmbH', country: 'DE', productInterest: 'crm', companySize: 300 })).json().leadId;
  await eventually(async () => (await sql`select 1 from lead_events where lead_id = ${leadId} and type in ('assigned', 'unassigned')`).length > 0);
  const [lead] = await sql<{ owner_id: string | null; account_id: string }[]>`select owner_id, account_id from leads where id = ${leadId}`;
  accountId = lead!.account_id;
  if (lead?.owner_id !== 'u-anna') expect((await post(admin.headers, `/api/leads/${leadId}/reassign`, { ownerId: 'u-anna', reason: 'test' })).statusCode).toBe(200);
  expect((await post(anna, `/api/leads/${leadId}/qualify`)).statusCode).toBe(200);
  const offer = await post(mia, `/api/leads/${leadId}/offers`, { lines: [{ product: 'Solar monitoring seats', options: ['On-site training'], quantity: 12, unitPrice: 62.5 }, { product: 'Forecast add-on', options: [], quantity: 1, unitPrice: 1500 }] });
  expect(offer.statusCode, offer.body).toBe(200);
  offerId = offer.json().offerId;
  // The rep's 25 % off the list price, as catalog pricing records it on the offer.
  await sql`update offers set list_total = 3000, discount_pct = 25 where id = ${offerId}`;
  // Trying to send it puts it into awaiting approval (and is refused with the reason).
  const refused = await post(anna, `/api/leads/${leadId}/offers/${offerId}/status`, { status: 'sent' });
  expect(refused.statusCode).toBe(409);
  session = await openBrowserSession(stack, '70', { page: false, context: { acceptDownloads: true } });
  baseUrl = session.baseUrl;
  rep = await newPage();
  manager = await newPage();
  ops = await newPage();
}, 240_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, rep, 'rep');
  await session?.screenshotOnFailure(task, manager, 'manager');
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

describe('proposal and discount approval in the browser', () => {
  it('the rep sees the offer awaiting approval, and cannot send it', async () => {
    await rep.goto(`${baseUrl}/leads/${leadId}`);
    await signIn(rep, 'anna@leadflow.demo', password);
    const offer = rep.getByTestId('offer-1');
    await offer.getByTestId('offer-status').getByText('Awaiting approval').waitFor();
    await offer.getByRole('button', { name: 'Set status' }).click();
    await rep.getByText("awaits a manager's approval of its discount").first().waitFor();
    await shot(rep, '70-01-awaiting-approval');
    await rep.keyboard.press('Escape');
  });

  it('the manager approves the discount from the inbox', async () => {
    await manager.goto(`${baseUrl}/inbox`);
    await signIn(manager, 'mia@leadflow.demo', password);
    const card = manager.getByTestId('approvals');
    await card.waitFor();
    const row = card.getByTestId('approval-row').filter({ hasText: 'Lena Hofer' });
    expect(await row.textContent()).toContain('25% discount');
    await shot(manager, '70-02-inbox-approval');
    await row.getByTestId('approval-comment').fill('Fine for a reference customer');
    await row.getByTestId('approve').click();
    await card.waitFor({ state: 'detached' });
    const [o] = await stack.db.sql<{ status: string; approval_status: string }[]>`select status, approval_status from offers where id = ${offerId}`;
    expect(o).toEqual({ status: 'draft', approval_status: 'approved' });
  });

  it('the rep sends the offer; the proposal PDF is listed on the lead', async () => {
    await rep.reload();
    const offer = rep.getByTestId('offer-1');
    await offer.getByTestId('offer-status').getByText('Draft').waitFor();
    await offer.getByRole('button', { name: 'Set status' }).click();
    await rep.getByRole('menuitem', { name: /^Sent/ }).click();
    const dialog = rep.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Mark sent' }).click();
    await offer.getByTestId('offer-status').getByText('Sent').waitFor({ timeout: 20_000 });
    await rep.reload();
    const docs = rep.getByTestId('lead-documents');
    await docs.getByText(/^Proposal Bergwerk Solar GmbH/).waitFor({ timeout: 20_000 });
    expect(await docs.textContent()).toContain('Offer v1');
    await docs.scrollIntoViewIfNeeded();
    await shot(rep, '70-03-proposal-listed');
  });

  it('a contract uploaded to the account is downloaded by the manager, who may see the account', async () => {
    await rep.goto(`${baseUrl}/accounts/${accountId}`);
    const card = rep.getByTestId('account-documents');
    await card.waitFor();
    const contract = Buffer.from('%PDF-1.4\n% framework contract\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    await card.locator('input[type=file]').setInputFiles({ name: 'Rahmenvertrag 2027.pdf', mimeType: 'application/pdf', buffer: contract });
    await card.getByTestId('document-name').getByText('Rahmenvertrag 2027.pdf').waitFor();
    await shot(rep, '70-04-contract-uploaded');
    // A refused type is shown with the server's reason.
    await card.locator('input[type=file]').setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ....') });
    await card.getByTestId('document-error').getByText('type .exe is not accepted').waitFor();

    await manager.goto(`${baseUrl}/accounts/${accountId}`);
    const seen = manager.getByTestId('account-documents');
    await seen.getByTestId('document-name').getByText('Rahmenvertrag 2027.pdf').waitFor();
    const [download] = await Promise.all([manager.waitForEvent('download'), seen.getByTestId('document-name').getByText('Rahmenvertrag 2027.pdf').click()]);
    expect(download.suggestedFilename()).toBe('Rahmenvertrag 2027.pdf');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path).equals(contract)).toBe(true);
    await shot(manager, '70-05-manager-sees-contract');
  });

  it('ops edit the proposal template with a live preview; an unknown merge field is refused naming it', async () => {
    await ops.goto(`${baseUrl}/proposals`);
    await signIn(ops, 'olga@leadflow.demo', password);
    const editor = ops.getByTestId('proposal-template');
    await editor.waitFor();
    await editor.getByTestId('preview-frame').waitFor({ timeout: 20_000 });
    await editor.getByTestId('template-title').fill('Offer for {{ account.nmae }}');
    await editor.getByTestId('template-save').click();
    await editor.getByTestId('template-error').getByText('unknown merge field "account.nmae"').waitFor();
    await shot(ops, '70-06-template-unknown-field');
    await editor.getByTestId('template-title').fill('Your offer, {{ account.name }}');
    await editor.getByTestId('template-save').click();
    await editor.getByText('Saved. Offers sent from now on use this template.').waitFor();
    const [t] = await stack.db.sql<{ title: string }[]>`select title from proposal_templates where id = 'default'`;
    expect(t!.title).toBe('Your offer, {{ account.name }}');
    await ops.waitForTimeout(1500); // the preview follows the text after a short pause
    await shot(ops, '70-07-template-preview');
    await ops.goto(`${baseUrl}/proposals?tab=approval`);
    await ops.getByTestId('approval-settings').waitFor();
    await shot(ops, '70-08-approval-settings');
  });
});

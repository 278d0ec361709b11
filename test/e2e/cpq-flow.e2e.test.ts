import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords';
import { loadDemoCatalog } from '../../db/catalog-demo';
import { bearerHeaders, createUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { startSmtpServer } from '../helpers/smtp';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { launchChromium, shot, signIn } from './helpers/browser';

// Configure, price, quote from start to finish, as the people who do it click through it: the rep configures an offer
// (an invalid option combination is named with its rule; the fixed one is priced with an explanation per line), gives
// 25 % off, which waits for the manager; the manager approves it from the inbox; the rep sends it, the proposal PDF is
// listed on the offer and reaches the customer's mail server as an attachment holding the account, the lines and the
// total; accepted and won, the order shows on the lead and the orders page. A contract uploaded to the account is
// downloaded by the manager (same bytes); a rep of another team gets 404.

const password = 'configure price quote flow password';
const customer = { name: 'Marta Keller', email: 'marta.keller@seewind-logistik.example', company: 'Seewind Logistik GmbH' };

let stack: TestStack;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let rep: Page;
let manager: Page;
let baseUrl: string;
let leadId = '';
let accountId = '';

const newPage = async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-GB', acceptDownloads: true });
  contexts.push(ctx);
  const p = await ctx.newPage();
  p.on('pageerror', (e) => console.error('page error:', e.message));
  return p;
};

beforeAll(async () => {
  smtp = await startSmtpServer();
  stack = await createTestStack({ env: { SMTP_URL: smtp.url } });
  const sql = stack.db.sql;
  await seedDefaults(sql);
  await loadDemoCatalog(sql);
  const hashed = await hashPassword(password);
  await sql`update users set password_hash = ${hashed} where id in ('u-anna', 'u-mia')`;
  const admin = await createUser(sql, { role: 'admin' });
  await stack.startWorker();
  const post = (url: string, payload: Record<string, unknown> = {}) => stack.app.inject({ method: 'POST', url, headers: admin.headers, payload });
  const res = await post('/api/leads', { ...customer, country: 'DE', productInterest: 'crm', companySize: 400 });
  expect(res.statusCode, res.body).toBe(202);
  leadId = (res.json() as { leadId: string }).leadId;
  await eventually(async () => (await sql`select 1 from lead_events where lead_id = ${leadId} and type in ('assigned', 'unassigned')`).length > 0, 30_000);
  const [lead] = await sql<{ owner_id: string | null; account_id: string }[]>`select owner_id, account_id from leads where id = ${leadId}`;
  accountId = lead!.account_id;
  if (lead!.owner_id !== 'u-anna') expect((await post(`/api/leads/${leadId}/reassign`, { ownerId: 'u-anna', reason: 'test setup' })).statusCode).toBe(200);
  expect((await post(`/api/leads/${leadId}/visits`, { type: 'phone', status: 'initial_contact' })).statusCode).toBe(200);
  expect((await post(`/api/leads/${leadId}/qualify`)).statusCode).toBe(200);
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  rep = await newPage();
  manager = await newPage();
}, 180_000);

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return;
  const name = task.name.slice(0, 30).replace(/\W+/g, '-');
  if (rep) await shot(rep, `76-failed-rep-${name}`);
  if (manager) await shot(manager, `76-failed-manager-${name}`);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
  await smtp?.stop();
});

const dialog = () => rep.getByRole('dialog');
async function pick(label: string, option: string) {
  await dialog().getByLabel(label, { exact: true }).click();
  await rep.getByRole('option', { name: option, exact: true }).click();
}
const offer = () => rep.getByTestId('offer-1');
const offerStatus = () => offer().getByTestId('offer-status').textContent();
async function setStatus(status: string, button: string) {
  await offer().getByRole('button', { name: 'Set status' }).click();
  await rep.getByRole('menuitem', { name: new RegExp(`^${status}`) }).click();
  await dialog().getByRole('button', { name: button }).click();
  await expect.poll(offerStatus, { timeout: 20_000 }).toBe(status);
}

/** The base64 body of the mail's PDF part, decoded. */
function pdfAttachment(raw: string): Buffer {
  const m = /Content-Type: application\/pdf[^]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(raw);
  if (!m) throw new Error('the mail has no PDF part');
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

describe('configure, price, quote: from the configuration to the order, in the browser', () => {
  it('the rep sees an invalid option combination named with its rule', async () => {
    await rep.goto(`${baseUrl}/leads/${leadId}`);
    await signIn(rep, 'anna@leadflow.demo', password);
    await rep.getByRole('heading', { name: customer.name }).waitFor();
    const create = rep.getByTestId('action-bar').getByRole('button', { name: 'Create offer', exact: true });
    await expect.poll(() => create.isEnabled(), { timeout: 15_000 }).toBe(true);
    await create.click();
    await dialog().getByTestId('configurator').waitFor();
    await pick('Product of item 1', 'CRM Suite');
    await dialog().getByLabel('Quantity of item 1', { exact: true }).fill('40');
    await dialog().getByLabel('Cloud hosting (Deployment)').check();
    await dialog().getByLabel('On-premises (Deployment)').check();
    const violations = dialog().getByTestId('violations');
    await expect.poll(() => violations.textContent(), { timeout: 10_000 }).toMatch(/CRM Suite:\s*Cloud hosting and on-premises exclude each other\.\s*\(rule cloud-excludes-on-prem\)/);
    expect(await dialog().getByRole('button', { name: 'Create offer', exact: true }).isDisabled()).toBe(true);
    await shot(rep, '76-01-violation');
  });

  it('fixed, the configuration is priced line by line with an explanation per adjustment', async () => {
    await dialog().getByLabel('On-premises (Deployment)').uncheck();
    await dialog().getByLabel('Single sign-on (Add-on)').check();
    await dialog().getByRole('button', { name: 'Add product' }).click();
    await pick('Product of item 2', 'Analytics Cloud');
    await dialog().getByLabel('Quantity of item 2', { exact: true }).fill('10');
    await dialog().getByLabel('Data warehouse connector (Add-on)').check();
    // CRM Suite 49 + SSO 4 = 53 × 40 = 2,120; Analytics Cloud 65 + connector 12 = 77 − 15 % bundle = 65.45 × 10 = 654.50.
    await expect.poll(() => dialog().getByTestId('offer-total').textContent(), { timeout: 10_000 }).toBe('Total €2,774.50');
    await dialog().getByTestId('violations').waitFor({ state: 'detached' });
    const lines = await dialog().getByTestId('priced-line').allTextContents();
    expect(lines).toEqual([
      expect.stringMatching(/^CRM Suite\s*Cloud hosting, Single sign-on.*40.*€53\.00.*€53\.00.*€2,120\.00$/),
      expect.stringMatching(/^Analytics Cloud\s*Data warehouse connector.*Bundle: Analytics Cloud with CRM Suite \(-15 %\): -€115\.50 · rule bundle-crm-analytics.*10.*€77\.00.*€65\.45.*€654\.50$/),
    ]);
    await shot(rep, '76-02-priced');
  });

  it('25 % off the list puts the offer into awaiting approval', async () => {
    // 25 % extra on CRM Suite and 10 % on top of the bundle's 15 % on Analytics Cloud: 25 % below the list of 2,890.
    await dialog().getByLabel('Extra discount % of item 1', { exact: true }).fill('25');
    await dialog().getByLabel('Extra discount % of item 2', { exact: true }).fill('10');
    await expect.poll(() => dialog().getByTestId('offer-total').textContent(), { timeout: 10_000 }).toBe('Total €2,167.50');
    expect(await dialog().getByTestId('offer-discount').textContent()).toBe('Discount 25 %');
    expect(await dialog().getByTestId('adjustment').allTextContents()).toEqual([
      expect.stringMatching(/^Extra discount 25 % \(-25 %\): -€530\.00 · rule discount/),
      expect.stringMatching(/^Bundle: Analytics Cloud with CRM Suite \(-15 %\): -€115\.50 · rule bundle-crm-analytics/),
      expect.stringMatching(/^Extra discount 10 % \(-10 %\): -€77\.00 · rule discount/),
    ]);
    await dialog().getByRole('button', { name: 'Create offer', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(offerStatus, { timeout: 20_000 }).toBe('Awaiting approval');
    // The offer's lines read as the catalog names them.
    expect(await offer().getByTestId('offer-line').allTextContents()).toEqual(['CRM Suite · Cloud hosting, Single sign-on', 'Analytics Cloud · Data warehouse connector']);
    // Nothing goes to the customer before the approval.
    await offer().getByRole('button', { name: 'Set status' }).click();
    await rep.getByText("awaits a manager's approval of its discount").first().waitFor();
    await rep.keyboard.press('Escape');
    await shot(rep, '76-03-awaiting-approval');
  });

  it('the manager approves the discount from the inbox', async () => {
    await manager.goto(`${baseUrl}/inbox`);
    await signIn(manager, 'mia@leadflow.demo', password);
    const row = manager.getByTestId('approvals').getByTestId('approval-row').filter({ hasText: customer.name });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('25% discount');
    await row.getByTestId('approval-comment').fill('Agreed: a reference customer in logistics');
    await row.getByTestId('approve').click();
    await row.waitFor({ state: 'detached', timeout: 20_000 });
    await shot(manager, '76-04-approved');
  });

  it('the rep sends the offer: the proposal PDF is listed on the offer and mailed to the customer with the account, lines and total', async () => {
    await rep.reload();
    await expect.poll(offerStatus, { timeout: 20_000 }).toBe('Draft');
    await setStatus('Sent', 'Mark sent');
    const docs = rep.getByTestId('lead-documents');
    await expect.poll(async () => {
      await rep.reload();
      await docs.waitFor();
      return docs.textContent();
    }, { timeout: 30_000, interval: 1000 }).toMatch(new RegExp(`Proposal ${customer.company}.*Offer v1`));
    await docs.scrollIntoViewIfNeeded();
    await shot(rep, '76-05-proposal-listed');

    const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes(customer.email)), 30_000);
    // The attachment is named for the customer (account and offer version; the header may fold before the version).
    expect(mail.raw).toMatch(new RegExp(`filename="Proposal ${customer.company}\\s+v1\\.pdf"`));
    const pdf = pdfAttachment(mail.raw);
    const text = (await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true })).text;
    expect(text).toContain(customer.company);
    expect(text).toContain('CRM Suite');
    expect(text).toContain('Cloud hosting, Single sign-on');
    expect(text).toContain('Analytics Cloud');
    expect(text).toContain('Data warehouse connector');
    expect(text).toContain('EUR 2,167.50');
    // The listed document is the PDF the customer got.
    const link = docs.getByTestId('document-name').filter({ hasText: `Proposal ${customer.company}` });
    const [download] = await Promise.all([rep.waitForEvent('download'), link.click()]);
    expect(readFileSync(await download.path()).equals(pdf)).toBe(true);
    await rep.waitForTimeout(1000);
    expect(smtp.mails.filter((m) => m.to.includes(customer.email))).toHaveLength(1);
  });

  it('accepted and won, the order appears on the lead, its page and the orders page', async () => {
    await setStatus('Accepted', 'Mark accepted');
    const won = rep.getByTestId('action-bar').getByRole('button', { name: 'Mark won', exact: true });
    await expect.poll(() => won.isEnabled(), { timeout: 15_000 }).toBe(true);
    await won.click();
    await dialog().getByRole('button', { name: 'Mark won', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 20_000 });
    const orderLink = rep.getByTestId('lead-orders').getByRole('link', { name: /^Order / });
    await orderLink.waitFor({ timeout: 20_000 });
    expect(await rep.getByTestId('lead-orders').textContent()).toContain('€2,167.50');
    await orderLink.click();
    await rep.getByTestId('order-page').waitFor();
    expect(await rep.getByTestId('order-status').textContent()).toBe('Confirmed');
    expect(await rep.getByTestId('order-line').allTextContents()).toEqual([
      expect.stringMatching(/^CRM Suite.*Cloud hosting, Single sign-on.*40.*€39\.75.*€1,590\.00$/),
      expect.stringMatching(/^Analytics Cloud.*Data warehouse connector.*10.*€57\.75.*€577\.50$/),
    ]);
    expect(await rep.getByTestId('order-total').textContent()).toBe('Total €2,167.50');
    await shot(rep, '76-06-order');

    await manager.goto(`${baseUrl}/orders`);
    const row = manager.getByTestId('order-row').filter({ hasText: customer.name });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('€2,167.50');
    await shot(manager, '76-07-orders-page');
  });

  it('a contract uploaded to the account is downloaded by the manager (same bytes); a rep of another team gets 404', async () => {
    await rep.goto(`${baseUrl}/accounts/${accountId}`);
    const card = rep.getByTestId('account-documents');
    await card.waitFor();
    const contract = Buffer.from(`%PDF-1.4\n% framework contract ${customer.company}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);
    await card.locator('input[type=file]').setInputFiles({ name: 'Rahmenvertrag Seewind.pdf', mimeType: 'application/pdf', buffer: contract });
    await card.getByTestId('document-name').getByText('Rahmenvertrag Seewind.pdf').waitFor({ timeout: 15_000 });
    await shot(rep, '76-08-contract-uploaded');

    await manager.goto(`${baseUrl}/accounts/${accountId}`);
    const seen = manager.getByTestId('account-documents').getByTestId('document-name').getByText('Rahmenvertrag Seewind.pdf');
    await seen.waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([manager.waitForEvent('download'), seen.click()]);
    expect(download.suggestedFilename()).toBe('Rahmenvertrag Seewind.pdf');
    expect(readFileSync(await download.path()).equals(contract)).toBe(true);

    const [doc] = await stack.db.sql<{ id: string }[]>`select id from documents where owner_type = 'account' and owner_id = ${accountId}`;
    const carla = await bearerHeaders(stack.db.sql, 'u-carla');
    for (const url of [`/api/documents/${doc!.id}/content`, `/api/documents/account/${accountId}`]) {
      expect((await stack.app.inject({ url, headers: carla })).statusCode, url).toBe(404);
    }
  });
});

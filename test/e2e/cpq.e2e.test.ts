import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords';
import { loadDemoCatalog } from '../../db/catalog-demo';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// A rep configures an offer from the demo catalog in the browser: an invalid option combination is named with its
// rule, the fixed configuration is priced line by line with explanations, the offer is saved, accepted and won, and
// the order page shows the offer's lines.

const password = 'correct horse battery staple';
const anna = { id: 'u-anna', email: 'anna@leadflow.demo' };

let stack: TestStack;
let admin: TestUser;
let session: BrowserSession;
let page: Page;
let baseUrl: string;
let leadId = '';

beforeAll(async () => {
  stack = await createTestStack();
  const sql = stack.db.sql;
  await seedDefaults(sql);
  await loadDemoCatalog(sql);
  await sql`update users set password_hash = ${await hashPassword(password)} where id = ${anna.id}`;
  admin = await createUser(sql, { role: 'admin' });
  await stack.startWorker();
  const res = await stack.app.inject({ method: 'POST', url: '/api/leads', headers: admin.headers,
    payload: { name: 'Jonas Brandt', email: 'jonas.brandt@hafenwerk.example', company: 'Hafenwerk GmbH', country: 'DE', productInterest: 'crm', companySize: 900 } });
  expect(res.statusCode, res.body).toBe(202);
  leadId = (res.json() as { leadId: string }).leadId;
  const owner = await eventually(async () => {
    const [row] = await sql<{ owner_id: string | null; assigned: boolean }[]>`
      select l.owner_id, exists (select 1 from lead_events e where e.lead_id = l.id and e.type in ('assigned', 'unassigned')) as assigned from leads l where l.id = ${leadId}`;
    return row?.assigned ? { id: row.owner_id } : undefined;
  }, 30_000);
  const inject = (url: string, payload: Record<string, unknown>) => stack.app.inject({ method: 'POST', url, headers: admin.headers, payload });
  if (owner.id !== anna.id) expect((await inject(`/api/leads/${leadId}/reassign`, { ownerId: anna.id, reason: 'test setup' })).statusCode).toBe(200);
  expect((await inject(`/api/leads/${leadId}/visits`, { type: 'phone', status: 'initial_contact' })).statusCode).toBe(200);
  expect((await inject(`/api/leads/${leadId}/qualify`, {})).statusCode).toBe(200);
  session = await openBrowserSession(stack, '75', { viewport: { width: 1440, height: 1000 } });
  ({ page, baseUrl } = session);
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

const dialog = () => page.getByRole('dialog');
async function pick(label: string, option: string) {
  await dialog().getByLabel(label, { exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('configure, price, quote in the browser', () => {
  it('names the rule behind an invalid option combination', async () => {
    await page.goto(`${baseUrl}/leads/${leadId}`);
    await signIn(page, anna.email, password);
    await page.getByRole('heading', { name: 'Jonas Brandt' }).waitFor();
    const create = page.getByTestId('action-bar').getByRole('button', { name: 'Create offer', exact: true });
    await expect.poll(() => create.isEnabled(), { timeout: 15_000 }).toBe(true);
    await create.click();
    await dialog().getByTestId('configurator').waitFor();
    await pick('Product of item 1', 'CRM Suite');
    await dialog().getByLabel('Cloud hosting (Deployment)').check();
    await dialog().getByLabel('On-premises (Deployment)').check();
    const violations = dialog().getByTestId('violations');
    await violations.waitFor();
    await expect.poll(() => violations.textContent()).toMatch(/Cloud hosting and on-premises exclude each other\..*rule cloud-excludes-on-prem/);
    expect(await dialog().getByRole('button', { name: 'Create offer' }).isDisabled()).toBe(true);
    await shot(page, '75-cpq-violation');
  });

  it('prices the fixed configuration line by line with an explanation per adjustment', async () => {
    await dialog().getByLabel('On-premises (Deployment)').uncheck();
    await dialog().getByLabel('Single sign-on (Add-on)').check();
    await dialog().getByLabel('Quantity of item 1', { exact: true }).fill('120');
    await dialog().getByRole('button', { name: 'Add product' }).click();
    await pick('Product of item 2', 'Analytics Cloud');
    await dialog().getByLabel('Quantity of item 2', { exact: true }).fill('20');
    await dialog().getByLabel('Data warehouse connector (Add-on)').check();
    // A 12-month contract: CRM 53 − 10 % volume = 47.70 × 120 = 5,724; Analytics 77 − 15 % bundle = 65.45 × 20 = 1,309. Below the
    // 15 % discount that needs a manager's approval: (7,900 − 7,033) / 7,900 = 10.97 %.
    await expect.poll(() => dialog().getByTestId('offer-total').textContent(), { timeout: 10_000 }).toMatch(/7,033\.00/);
    await dialog().getByTestId('violations').waitFor({ state: 'detached' });
    const adjustments = await dialog().getByTestId('adjustment').allTextContents();
    expect(adjustments).toEqual([
      expect.stringMatching(/^Volume: 100 seats or more \(-10 %\): -€636\.00 · rule volume-100/),
      expect.stringMatching(/^Bundle: Analytics Cloud with CRM Suite \(-15 %\): -€231\.00 · rule bundle-crm-analytics/),
    ]);
    expect(await dialog().getByTestId('offer-discount').textContent()).toBe('Discount 10.97 %');
    await dialog().getByTestId('priced-lines').scrollIntoViewIfNeeded();
    await shot(page, '75-cpq-priced');
  });

  it('saves the offer, gets it accepted, wins the lead and opens the order', async () => {
    await dialog().getByRole('button', { name: 'Create offer', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 20_000 });
    const offer = page.getByTestId('offer-1');
    await expect.poll(() => offer.getByTestId('offer-status').textContent(), { timeout: 15_000 }).toBe('Draft');
    for (const [status, label] of [['Sent', 'Mark sent'], ['Accepted', 'Mark accepted']] as const) {
      await offer.getByRole('button', { name: 'Set status' }).click();
      await page.getByRole('menuitem', { name: new RegExp(`^${status}`) }).click();
      await dialog().getByRole('button', { name: label }).click();
      await expect.poll(() => offer.getByTestId('offer-status').textContent(), { timeout: 15_000 }).toBe(status);
    }
    const won = page.getByTestId('action-bar').getByRole('button', { name: 'Mark won', exact: true });
    await expect.poll(() => won.isEnabled(), { timeout: 15_000 }).toBe(true);
    await won.click();
    await dialog().getByRole('button', { name: 'Mark won', exact: true }).click();
    await dialog().waitFor({ state: 'detached', timeout: 20_000 });
    const orderLink = page.getByTestId('lead-orders').getByRole('link', { name: /^Order / });
    await orderLink.waitFor({ timeout: 15_000 });
    await shot(page, '75-cpq-lead-won');
    await orderLink.click();
    await page.getByTestId('order-page').waitFor();
    expect(await page.getByTestId('order-status').textContent()).toBe('Confirmed');
    const lines = await page.getByTestId('order-line').allTextContents();
    expect(lines).toEqual([expect.stringMatching(/CRM Suite.*cloud, sso.*120.*€47\.70.*€5,724\.00/), expect.stringMatching(/Analytics Cloud.*data-warehouse.*20.*€65\.45.*€1,309\.00/)]);
    expect(await page.getByTestId('order-total').textContent()).toMatch(/€7,033\.00/);
    await shot(page, '75-cpq-order');
  });
});

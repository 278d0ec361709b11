import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// An admin in the browser: creates a rep (password shown once, and it signs in), a partner API key (shown once) and a
// loss reason, switches mail off, and finds each of these in the audit log; then their own settings page.

const password = 'admin password for the browser test';
let stack: TestStack;
let admin: TestUser;
let session: BrowserSession;
let browser: Browser;
let page: Page;
let baseUrl: string;
let ritaPassword = '';

beforeAll(async () => {
  stack = await createTestStack();
  admin = await createUser(stack.db.sql, { role: 'admin', id: 'u-admin-e2e', password });
  session = await openBrowserSession(stack, '40');
  ({ browser, page, baseUrl } = session);
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

const tab = (name: string) => page.getByRole('tab', { name, exact: true });

describe('admin pages end to end', () => {
  it('signs the admin in on the admin overview', async () => {
    await page.goto(`${baseUrl}/`);
    await signIn(page, admin.email, password);
    // Admins land on the dashboard; the admin area is one click away.
    await page.waitForURL(`${baseUrl}/dashboard`);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(`${baseUrl}/admin`);
    await page.getByTestId('admin-overview').waitFor();
    await shot(page, '40-01-admin-overview');
  });

  it('creates a rep: a bad e-mail is refused on the field, then the generated password is shown once and signs in', async () => {
    await tab('Users').click();
    await page.waitForURL(`${baseUrl}/admin/users`);
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('E-mail').fill('not an address');
    await dialog.getByLabel('Name').fill('Rita Rep');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText('must be an e-mail address').waitFor();
    await shot(page, '40-02-user-form-error');
    await dialog.getByLabel('E-mail').fill('rita.rep@example.test');
    await dialog.getByLabel('Capacity').fill('12');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const secret = page.getByTestId('secret-once');
    await secret.waitFor();
    const generated = (await secret.textContent())!.trim();
    expect(generated.length).toBeGreaterThanOrEqual(12);
    ritaPassword = generated;
    await shot(page, '40-03-user-password-once');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    const row = page.getByTestId('user-row-rita.rep@example.test');
    await row.waitFor();
    expect(await row.textContent()).toContain('rep');
    expect(await row.textContent()).toContain('12');
    const login = await stack.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'rita.rep@example.test', password: generated } });
    expect(login.statusCode, login.body).toBe(200);
    await shot(page, '40-04-users');
  });

  it('refuses to disable the last admin, with the reason', async () => {
    await page.getByRole('button', { name: `Actions for ${admin.id}` }).click();
    await page.getByRole('menuitem', { name: 'Disable' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await page.getByText('this is the last active admin; make another admin first').waitFor();
    await shot(page, '40-05-last-admin-refused');
    const [row] = await stack.db.sql`select active from users where id = ${admin.id}`;
    expect(row!.active).toBe(true);
  });

  it('creates a team and moves the rep into it', async () => {
    await tab('Teams').click();
    await page.getByRole('button', { name: 'New team' }).click();
    const dialog = page.getByRole('dialog', { name: 'New team' });
    await dialog.getByLabel('Id').fill('North Sales');
    await dialog.getByLabel('Name').fill('North sales');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('must be a slug').waitFor();
    await dialog.getByLabel('Id').fill('north');
    await dialog.getByLabel('Territory').fill('DE');
    await dialog.getByLabel('Territory').press('Enter');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const team = page.getByTestId('team-north');
    await team.waitFor();
    expect(await team.textContent()).toContain('DE');

    await tab('Users').click();
    await page.getByRole('button', { name: 'Actions for Rita Rep' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Rita Rep' });
    await edit.getByRole('combobox', { name: 'Team' }).click();
    await page.getByRole('option', { name: 'North sales' }).click();
    await edit.getByLabel('Routing weight').fill('3');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    const row = page.getByTestId('user-row-rita.rep@example.test');
    await expect.poll(() => row.textContent()).toContain('North sales');
    const [rita] = await stack.db.sql`select team_id, routing_weight from users where email = 'rita.rep@example.test'`;
    expect(rita).toEqual({ team_id: 'north', routing_weight: 3 });
    await shot(page, '40-05b-rep-in-team');
  });

  it('creates an API key shown once, listed by its prefix', async () => {
    await tab('API keys').click();
    await page.getByLabel('New key for').fill('Partner GmbH shop');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByTestId('secret-once');
    await secret.waitFor();
    const key = (await secret.textContent())!.trim();
    expect(key).toMatch(/^lfk_/);
    await shot(page, '40-06-api-key-once');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    const row = page.getByTestId('api-key-Partner GmbH shop');
    await row.waitFor();
    expect(await row.textContent()).toContain(key.slice(0, 10));
    expect(await page.content()).not.toContain(key);
  });

  it('adds a loss reason, renames it, and switches mail off', async () => {
    await tab('Constants').click();
    await page.getByLabel('New label').fill('Budget frozen');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.getByTestId('constant-budget_frozen');
    await row.waitFor();
    await row.getByRole('button', { name: 'Rename Budget frozen' }).click();
    await row.getByLabel('New label for Budget frozen').fill('Budget frozen this year');
    await row.getByRole('button', { name: 'Save label' }).click();
    await row.getByText('Budget frozen this year').waitFor();
    await shot(page, '40-07-constants');
    const [c] = await stack.db.sql`select label, active from constants where category = 'loss_reason' and code = 'budget_frozen'`;
    expect(c).toEqual({ label: 'Budget frozen this year', active: true });

    // A lost lead records the reason: deleting it is refused with the reason, deactivating works.
    await stack.db.sql`
      insert into leads (id, dedupe_key, source, status, name, lost_reason, pipeline_id, pipeline_version)
      values ('lead-e2e-lost', 'e2e-lost', 'manual', 'lost', 'Lost Lena', 'budget_frozen', 'default', 1)`;
    await row.getByRole('button', { name: 'Delete Budget frozen this year' }).click();
    await page.getByText('"Budget frozen this year" is used by 1 lost lead; deactivate it instead of deleting it').waitFor();
    await row.getByRole('switch', { name: 'Budget frozen this year active' }).click({ force: true });
    await row.getByText('deactivated').waitFor();
    await shot(page, '40-07b-constant-in-use');
    const [after] = await stack.db.sql`select active from constants where category = 'loss_reason' and code = 'budget_frozen'`;
    expect(after!.active).toBe(false);

    await tab('Mail').click();
    await page.getByRole('switch', { name: 'Outgoing e-mail' }).click({ force: true });
    await page.getByText('E-mail is switched off').waitFor();
    await shot(page, '40-08-mail-off');
  });

  it('finds the rep, the key and the loss reason in the audit log, and filters it', async () => {
    await tab('Audit log').click();
    const rows = page.getByTestId('audit-row');
    await expect.poll(async () => (await rows.allTextContents()).join('\n'), { timeout: 15_000 })
      .toMatch(/User created[\s\S]*/);
    const all = (await rows.allTextContents()).join('\n');
    for (const what of ['User created', 'Team created', 'Api key created', 'Constant created', 'Constant updated', 'Constant deactivated', 'Mail disabled']) expect(all).toContain(what);
    expect(all).toContain('loss_reason/budget_frozen');
    expect(all).toContain('User: Rita Rep');
    expect(all).toContain('Api key: Partner GmbH shop');
    await shot(page, '40-09-audit');

    await page.getByRole('combobox', { name: 'Action' }).fill('constant.created');
    await expect.poll(async () => (await rows.allTextContents()).map((t) => t.includes('Constant created'))).toEqual([true]);
    expect(page.url()).toContain('action=constant.created');
    await shot(page, '40-10-audit-filtered');
  });

  it('opens the own settings page from the user menu', async () => {
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Your settings' }).click();
    await page.waitForURL(`${baseUrl}/settings`);
    await page.getByTestId('settings-password').waitFor();
    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the new password').fill('short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('must be at least 12 characters').waitFor();
    await page.getByRole('switch', { name: /E-mail me about my leads/ }).click({ force: true });
    await expect.poll(async () => (await stack.db.sql`select notify_email from users where id = ${admin.id}`)[0]!.notify_email).toBe(false);
    await shot(page, '40-11-settings');
  });

  it('shows a rep their settings, and the admin area only as a notice', async () => {
    const repContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    try {
      const rep = await repContext.newPage();
      await rep.goto(`${baseUrl}/settings`);
      await signIn(rep, 'rita.rep@example.test', ritaPassword);
      await rep.getByTestId('settings-password').waitFor();
      await rep.getByText('rita.rep@example.test').first().waitFor();
      await rep.goto(`${baseUrl}/admin/users`);
      await rep.getByText('For admins only').waitFor();
      expect(await rep.getByTestId('admin-users-page').count()).toBe(0);
      await shot(rep, '40-12-rep-admin-notice');
    } finally {
      await repContext.close();
    }
  });
});

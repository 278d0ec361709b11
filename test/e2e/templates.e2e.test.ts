import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// An admin edits an e-mail template in the browser: an unknown variable is refused naming it, the edit is previewed
// on a real lead, saved (and audited), and a test mail lands in the outbox once.

const password = 'admin password for the templates test';
let stack: TestStack;
let admin: TestUser;
let session: BrowserSession;
let page: Page;
let baseUrl: string;

beforeAll(async () => {
  stack = await createTestStack();
  admin = await createUser(stack.db.sql, { role: 'admin', id: 'u-admin-tpl', password });
  const rep = await createUser(stack.db.sql, { role: 'rep', id: 'u-rep-tpl' });
  await stack.db.sql`
    insert into leads (id, dedupe_key, source, name, company, email, owner_id, score, grade, pipeline_id, pipeline_version)
    values ('lead-e2e-tpl', 'e2e-tpl', 'manual', 'Greta Gruber', 'Gruber Bau', 'greta@gruber.example', ${rep.id}, 72, 'A', 'default', 1)`;
  session = await openBrowserSession(stack, '46');
  ({ page, baseUrl } = session);
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

describe('e-mail templates in the browser', () => {
  it('lists the templates on the admin tab', async () => {
    await page.goto(`${baseUrl}/admin/templates?template=assignment`);
    await signIn(page, admin.email, password);
    const editor = page.getByTestId('template-editor');
    await editor.waitFor();
    expect(await editor.getByLabel('Subject').inputValue()).toContain('New lead for you');
    await shot(page, '46-01-templates');
  });

  it('refuses an unknown variable, naming it, and keeps the stored text', async () => {
    const editor = page.getByTestId('template-editor');
    await editor.getByLabel('Subject').fill('Hello {{ lead.nmae }}');
    await editor.getByRole('button', { name: 'Save' }).click();
    const refusal = page.getByTestId('template-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('unknown variable "lead.nmae"');
    await editor.getByText('lead has no field "nmae"').first().waitFor();
    await shot(page, '46-02-unknown-variable');
    const [stored] = await stack.db.sql<{ subject: string }[]>`select subject from mail_templates where name = 'assignment'`;
    expect(stored!.subject).toContain('New lead for you');
  });

  it('previews the edit on a lead chosen from the select, saves it and sends a test to the admin', async () => {
    const editor = page.getByTestId('template-editor');
    await editor.getByLabel('Subject').fill('Call {{ lead.company }} today — grade {{ lead.grade }}');
    await editor.getByPlaceholder('Choose a lead to render on').click();
    await page.getByRole('option', { name: 'Greta Gruber (Gruber Bau)' }).click();
    await editor.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('template-preview').waitFor();
    expect(await page.getByTestId('preview-subject').textContent()).toBe('Call Gruber Bau today — grade A');
    expect(await page.getByTestId('preview-text').textContent()).toContain('Greta Gruber');
    await shot(page, '46-03-preview');

    await editor.getByRole('button', { name: 'Save' }).click();
    // The saved state, not the toast (it closes by itself and can be gone before a slow run looks for it).
    await editor.getByRole('button', { name: 'Save' }).and(page.locator('[disabled], [data-disabled]')).waitFor();
    await expect.poll(async () => (await stack.db.sql`select 1 from audit_log where action = 'template.updated' and target_id = 'assignment'`).length, { timeout: 15_000 }).toBeGreaterThan(0);
    const [audit] = await stack.db.sql<{ actor_id: string }[]>`select actor_id from audit_log where action = 'template.updated' and target_id = 'assignment'`;
    expect(audit!.actor_id).toBe(admin.id);

    await editor.getByRole('button', { name: 'Send me a test' }).click();
    await page.getByText('Test mail written to the outbox').waitFor();
    const mails = await stack.db.sql<{ subject: string }[]>`select subject from mail_outbox where to_address = ${admin.email}`;
    expect(mails.map((m) => m.subject)).toEqual(['[Test] Call Gruber Bau today — grade A']);
    await shot(page, '46-04-saved-and-sent');
  });
});

import { hash } from '@node-rs/argon2';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot } from './helpers/browser';

/**
 * An operator on the lead page: a step of the lead's process that keeps failing (writing a visit fails with a transient
 * error the activity retries) shows as a line with its attempts and last failure; "Cancel step" ends it, the rep's waiting
 * action is refused and the line goes away.
 */
let stack: TestStack;
let session: BrowserSession;
let browser: Browser;
let baseUrl: string;
let leadId: string;
const password = 'correct horse battery staple';

beforeAll(async () => {
  stack = await createTestStack();
  const sql = stack.db.sql;
  await seedDefaults(sql);
  await sql`update users set password_hash = ${await hash(password)} where id = 'u-olga'`;
  await stack.startWorker();
  const admin = await bearerHeaders(sql, 'u-admin');
  const res = await stack.app.inject({ method: 'POST', url: '/api/leads', headers: admin, payload: { name: 'Stuck Step', email: 'stuck.step@werk.example', company: 'Werk GmbH', country: 'DE' } });
  leadId = (res.json() as { leadId: string }).leadId;
  await eventually(async () => (await sql`select 1 from leads where id = ${leadId} and stage = 'qualification' and owner_id is not null`).length > 0, 30_000);
  // Each test opens the pages it needs.
  session = await openBrowserSession(stack, '', { page: false });
  ({ browser, baseUrl } = session);
}, 180_000);

afterAll(async () => {
  if (stack) await stack.db.sql`drop trigger if exists e2e_visits_down on visits`.catch(() => undefined);
  await session?.close();
  await stack?.close();
});

describe('failing steps on the lead page', () => {
  it('shows a failing step to ops with its failure, and cancelling it frees the lead', async () => {
    const sql = stack.db.sql;
    const [owner] = await sql<{ owner_id: string }[]>`select owner_id from leads where id = ${leadId}`;
    const rep = await bearerHeaders(sql, owner!.owner_id);
    // Writing a visit fails with a transient error (the activity retries it) while the lead stays readable.
    await sql.unsafe(`create or replace function e2e_visits_down() returns trigger language plpgsql as $$
      begin raise exception 'the visits storage is unavailable' using errcode = '40001'; end $$`);
    await sql.unsafe('create trigger e2e_visits_down before insert on visits for each row execute function e2e_visits_down()');
    // The rep's visit cannot be written: after 10 s the API answers 503, while the step keeps being retried.
    const visit = await stack.app.inject({ method: 'POST', url: `/api/leads/${leadId}/visits`, headers: { ...rep, 'idempotency-key': 'stuck-visit' }, payload: { type: 'phone', status: 'contact' } });
    expect(visit.statusCode).toBe(503);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page: Page = await context.newPage();
    await page.goto(`${baseUrl}/leads/${leadId}`);
    await page.getByLabel('E-mail').fill('olga@leadflow.demo');
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const line = page.getByTestId('failing-steps');
    await line.waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
      await shot(page, 'failed-failing-step');
      throw err;
    });
    expect(await line.textContent()).toMatch(/recordVisit — attempt \d+/);
    expect(await line.textContent()).toMatch(/visits/);
    await shot(page, '70-failing-step');

    await line.getByRole('button', { name: 'Cancel step' }).click();
    await page.getByText('recordVisit: cancelled').waitFor();
    await expect.poll(() => line.count(), { timeout: 20_000 }).toBe(0);
    await sql.unsafe('drop trigger e2e_visits_down on visits');
    // The rep's retry of the same action gets the reason; the lead takes the next action.
    const again = await stack.app.inject({ method: 'POST', url: `/api/leads/${leadId}/visits`, headers: { ...rep, 'idempotency-key': 'stuck-visit' }, payload: { type: 'phone', status: 'contact' } });
    expect(again.statusCode, again.body).toBe(409);
    const next = await stack.app.inject({ method: 'POST', url: `/api/leads/${leadId}/visits`, headers: rep, payload: { type: 'phone', status: 'contact', outcome: 'after the cancel' } });
    expect(next.statusCode, next.body).toBe(200);
    await shot(page, '71-failing-step-cancelled');
  }, 120_000);
});

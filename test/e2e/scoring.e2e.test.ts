import { hash } from '@node-rs/argon2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot } from './helpers/browser';

/**
 * A partner reports that a lead opened a mail and clicked a link: on the lead page, the timeline shows both events and
 * the re-score with its why (old → new points, what triggered it, the rules that fired).
 */
let stack: TestStack;
let session: BrowserSession;
let leadId: string;
let before: number;
const password = 'correct horse battery staple';

beforeAll(async () => {
  stack = await createTestStack();
  const sql = stack.db.sql;
  await seedDefaults(sql);
  await sql`update users set password_hash = ${await hash(password)} where id = 'u-olga'`;
  await stack.startWorker();
  const admin = await bearerHeaders(sql, 'u-admin');
  const key = (await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin, payload: { name: 'Events partner' } })).json<{ key: string }>().key;
  const res = await stack.app.inject({ method: 'POST', url: '/api/partners/leads', headers: { 'x-api-key': key }, payload: { name: 'Tara Tracked', email: 'tara@tracked-sa.fr', company: 'Tracked SA', country: 'FR', companySize: 20 } });
  leadId = res.json<{ leadId: string }>().leadId;
  before = await eventually(async () => (await sql<{ score: number }[]>`select score from leads where id = ${leadId} and grade is not null`)[0]?.score, 30_000);
  const at = new Date(Date.now() - 60_000).toISOString();
  for (const [eventId, type, details] of [['t-open', 'email_open', {}], ['t-click', 'email_click', { url: 'https://www.tracked-sa.fr/pricing' }]] as const) {
    const r = await stack.app.inject({ method: 'POST', url: '/api/events', headers: { 'x-api-key': key }, payload: { eventId, leadId, type, occurredAt: at, details } });
    expect(r.statusCode, r.body).toBe(202);
  }
  await eventually(async () => (await sql`select 1 from lead_events where lead_id = ${leadId} and type = 'scored' and context->>'rescore' = 'true'`).length > 0, 30_000);
  session = await openBrowserSession(stack, 'scoring');
}, 180_000);

afterEach(({ task }) => session?.screenshotOnFailure(task));
afterAll(async () => {
  await session?.close();
  await stack?.close();
});

describe('continuous scoring on the lead page', () => {
  it('shows the events and the re-score with its why on the timeline', async () => {
    const page = session.page;
    await page.goto(`${session.baseUrl}/leads/${leadId}`);
    await page.getByLabel('E-mail').fill('olga@leadflow.demo');
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.isVisible(), { timeout: 20_000 }).toBe(true);
    const text = async () => (await timeline.innerText());
    await expect.poll(text, { timeout: 20_000 }).toContain(`Re-scored ${before} → ${before + 15} points`);
    const all = await text();
    expect(all).toContain('after an e-mail opened and a link clicked');
    expect(all).toContain('Opened an e-mail (partner API)');
    expect(all).toContain('Clicked a link in an e-mail: https://www.tracked-sa.fr/pricing (partner API)');
    const why = page.getByTestId('score-why').first();
    expect(await why.innerText()).toMatch(/email-opened \+5.*email-link-clicked \+10/);
    await shot(page, 'scoring-timeline-why');
  });
});

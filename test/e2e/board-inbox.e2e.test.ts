import { hash } from '@node-rs/argon2';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoHistory } from '../../db/demo-history';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot } from './helpers/browser';

/**
 * A rep's day in the browser on the real stack: the board refuses a move the workflow does not allow and the card
 * snaps back with the reason; an inbox task is marked done and leaves the list; a manager's team page and an admin's
 * landing page. Screenshots of every screen go to test-results/e2e.
 */
let stack: TestStack;
let session: BrowserSession;
let browser: Browser;
let baseUrl: string;
const password = 'correct horse battery staple';
const leads: Record<string, string> = {};
let admin: { authorization: string };

async function api(method: string, url: string, body?: unknown) {
  const res = await stack.app.inject({ method: method as 'GET', url, headers: admin, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

/** Captures a lead like a signed-in user would, waits until routing decided, then gives it to `owner`. */
async function captureFor(owner: string, person: { name: string; email: string; company: string; country: string }) {
  const { leadId } = await api('POST', '/api/leads', { ...person, productInterest: 'crm', companySize: 400, industry: 'manufacturing' }) as { leadId: string };
  const lead = await eventually(async () => {
    const [row] = await stack.db.sql<{ owner_id: string | null; stage: string }[]>`
      select owner_id, stage from leads where id = ${leadId} and stage not in ('captured', 'scored')
        and exists (select 1 from lead_events e where e.lead_id = leads.id and e.type in ('assigned', 'unassigned'))`;
    return row;
  }, 30_000);
  if (lead.owner_id !== owner) await api('POST', `/api/leads/${leadId}/reassign`, { ownerId: owner, reason: 'e2e setup' });
  await eventually(async () => (await stack.db.sql`select 1 from leads where id = ${leadId} and owner_id = ${owner}`).length > 0);
  return leadId;
}

async function signedInPage(email: string, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('E-mail').fill(email).catch(async (err: unknown) => {
    await shot(page, 'failed-sign-in');
    throw err;
  });
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

/** Drags with the mouse in small steps (the board's drag starts after a few pixels of movement). */
async function drag(page: Page, from: string, to: string) {
  const a = (await page.getByTestId(from).boundingBox())!;
  const b = (await page.getByTestId(to).boundingBox())!;
  // Grab the card below its name (the name itself is a link).
  const x = a.x + a.width / 2;
  const y = a.y + a.height - 10;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 12, y + 6, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 20 });
  await page.mouse.up();
}

beforeAll(async () => {
  stack = await createTestStack();
  const sql = stack.db.sql;
  await seedDefaults(sql);
  await loadDemoHistory(sql);
  const pw = await hash(password);
  await sql`update users set password_hash = ${pw} where id in ('u-anna', 'u-mia', 'u-admin')`;
  admin = await bearerHeaders(sql, 'u-admin');
  await stack.startWorker();
  leads.greta = await captureFor('u-anna', { name: 'Greta Weber', email: 'greta.weber@muster-maschinen.example', company: 'Muster Maschinen GmbH', country: 'DE' });
  leads.jonas = await captureFor('u-anna', { name: 'Jonas Klein', email: 'jonas.klein@muster-maschinen.example', company: 'Muster Maschinen GmbH', country: 'DE' });
  leads.paul = await captureFor('u-anna', { name: 'Paul Berger', email: 'paul.berger@hafen-logistik.example', company: 'Hafen Logistik GmbH', country: 'DE' });
  leads.lena = await captureFor('u-ben', { name: 'Lena Fischer', email: 'lena.fischer@alpenblick.example', company: 'Alpenblick AG', country: 'AT' });
  await sql`insert into tasks (id, lead_id, owner_id, kind, title, due_at) values
    ('e2e-overdue', ${leads.greta!}, 'u-anna', 'call', 'Call Greta back', now() - interval '1 day'),
    ('e2e-today', ${leads.jonas!}, 'u-anna', 'follow_up', 'Send Jonas the brochure', now() + interval '2 minutes'),
    ('e2e-upcoming', ${leads.greta!}, 'u-anna', 'visit', 'Prepare the on-site demo', now() + interval '3 days'),
    ('e2e-ben', ${leads.lena!}, 'u-ben', 'call', 'Call Lena', now() - interval '2 hours')`;
  // Each test opens the pages it needs.
  session = await openBrowserSession(stack, '', { page: false });
  ({ browser, baseUrl } = session);
}, 180_000);

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

describe('rep workspace in the browser', () => {
  let rep: Page;

  it('the board refuses a move the workflow does not allow: the card snaps back and shows why', async () => {
    rep = await signedInPage('anna@leadflow.demo', '/board');
    const card = rep.getByTestId(`board-card-${leads.greta}`);
    await card.waitFor();
    const stage = (await card.getAttribute('data-stage'))!;
    expect(['qualification', 'nurturing']).toContain(stage);
    await shot(rep, '20-board');

    // Won needs a qualified lead with an accepted offer: the workflow refuses, nothing changes.
    await drag(rep, `board-card-${leads.greta}`, 'column-won');
    const refusal = card.getByTestId('card-refusal');
    await refusal.waitFor({ timeout: 15_000 });
    expect(await refusal.textContent()).toMatch(/qualified lead with an accepted offer/);
    await rep.getByText(/Greta Weber was not moved/).waitFor();
    expect(await rep.getByTestId(`column-${stage}`).getByTestId(`board-card-${leads.greta}`).count()).toBe(1);
    const [row] = await stack.db.sql<{ status: string; stage: string }[]>`select status, stage from leads where id = ${leads.greta!}`;
    expect(row).toEqual({ status: stage === 'nurturing' ? 'nurturing' : 'open', stage });
    await shot(rep, '21-board-refused');

    // Lost asks for a reason (the admin constants), then the workflow closes the lead and it leaves the board.
    await drag(rep, `board-card-${leads.paul}`, 'column-lost');
    const modal = rep.getByRole('dialog', { name: 'Mark Paul Berger lost' });
    await modal.waitFor();
    await modal.getByRole('button', { name: 'Mark lost' }).click();
    await modal.getByText('Choose a reason.').waitFor();
    await modal.getByPlaceholder('Choose a reason').click();
    await rep.getByRole('option').first().click();
    await shot(rep, '21a-board-lost-reason');
    await modal.getByRole('button', { name: 'Mark lost' }).click();
    await expect.poll(() => rep.getByTestId(`board-card-${leads.paul}`).count()).toBe(0);
    await eventually(async () => (await stack.db.sql`select 1 from leads where id = ${leads.paul!} and status = 'lost' and lost_reason is not null`).length > 0, 15_000);

    // Offer is where a qualified lead goes: dropping Jonas there qualifies him, and he stays there.
    if (stage === 'qualification') {
      // A fresh board, so the drag starts on a settled layout (Paul's card just left the column above Jonas).
      await rep.reload();
      await rep.getByTestId('column-qualification').getByTestId(`board-card-${leads.jonas}`).waitFor();
      await drag(rep, `board-card-${leads.jonas}`, 'column-offer');
      await rep.getByTestId('column-offer').getByTestId(`board-card-${leads.jonas}`).waitFor({ timeout: 15_000 });
      await eventually(async () => (await stack.db.sql`select 1 from leads where id = ${leads.jonas!} and stage = 'offer' and status = 'qualified'`).length > 0, 15_000);
      await rep.reload();
      await rep.getByTestId('column-offer').getByTestId(`board-card-${leads.jonas}`).waitFor();
      await shot(rep, '21b-board-qualified');
    }

    // A stage the workflow enters by itself is refused before anything is sent.
    if (stage === 'nurturing') {
      await drag(rep, `board-card-${leads.greta}`, 'column-qualification');
      await expect.poll(() => refusal.textContent()).toMatch(/moves leads into Qualification by itself/);
    }
  });

  it('My work groups the rep\'s tasks and counts the open leads per stage', async () => {
    await rep.goto(`${baseUrl}/work`);
    await rep.getByTestId('bucket-overdue').getByText('Call Greta back').waitFor();
    expect(await rep.getByTestId('bucket-count-overdue').textContent()).toBe('1');
    // Upcoming: the demo to prepare, plus the first-contact tasks the pipeline gave Anna for her new leads.
    await rep.getByTestId('bucket-upcoming').getByText('Prepare the on-site demo').waitFor();
    const [{ n }] = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from tasks where owner_id = 'u-anna' and not done and due_at > now() + interval '1 day'`;
    expect(Number(await rep.getByTestId('bucket-count-upcoming').textContent())).toBeGreaterThanOrEqual(n);
    // Ben's task is not Anna's.
    expect(await rep.getByText('Call Lena').count()).toBe(0);
    await rep.getByTestId('stage-strip').getByText(/qualification|nurturing/i).first().waitFor();
    await shot(rep, '22-my-work');
  });

  it('an inbox task is marked done and leaves the list', async () => {
    await rep.goto(`${baseUrl}/inbox`);
    const row = rep.locator('[data-task-id="e2e-overdue"]');
    await row.waitFor();
    await shot(rep, '23-inbox');
    await rep.getByRole('button', { name: 'Mark "Call Greta back" done' }).click();
    await expect.poll(() => row.count()).toBe(0);
    await eventually(async () => (await stack.db.sql`select 1 from tasks where id = 'e2e-overdue' and done`).length > 0);
    // Snooze today's task to tomorrow morning: it moves to upcoming with its new due date.
    await rep.getByRole('button', { name: 'Snooze "Send Jonas the brochure"' }).click();
    await rep.getByRole('button', { name: 'Tomorrow 09:00' }).click();
    await rep.getByTestId('bucket-upcoming').locator('[data-task-id="e2e-today"]').waitFor();
    const [snoozed] = await eventually(async () => {
      const rows = await stack.db.sql<{ due_at: Date }[]>`select due_at from tasks where id = 'e2e-today' and due_at > now() + interval '2 hours'`;
      return rows.length ? rows : undefined;
    });
    expect(snoozed!.due_at.getTime()).toBeLessThan(Date.now() + 2 * 86_400_000);
    await rep.reload();
    await rep.locator('[data-task-id="e2e-upcoming"]').waitFor();
    expect(await rep.locator('[data-task-id="e2e-overdue"]').count()).toBe(0);
    expect(await rep.getByTestId('bucket-count-overdue').textContent()).toBe('0');
    await shot(rep, '24-inbox-after-done');
  });

  it('the task\'s lead link opens the lead page', async () => {
    await rep.getByRole('link', { name: 'Jonas Klein' }).first().click();
    await rep.waitForURL(`**/leads/${leads.jonas}`);
  });

  it('accounts list the rep\'s companies; an account shows its leads, each linking to the lead', async () => {
    await rep.goto(`${baseUrl}/accounts`);
    await rep.getByRole('link', { name: 'Muster Maschinen GmbH' }).waitFor();
    // Anna sees the accounts of her own leads only: Ben's Alpenblick is not hers.
    expect(await rep.getByRole('link', { name: 'Alpenblick AG' }).count()).toBe(0);
    await shot(rep, '25-accounts');
    await rep.getByRole('link', { name: 'Muster Maschinen GmbH' }).click();
    const leadsCard = rep.getByTestId('account-leads');
    await leadsCard.getByRole('link', { name: 'Greta Weber' }).waitFor();
    expect(await leadsCard.getByRole('link', { name: 'Jonas Klein' }).getAttribute('href')).toBe(`/leads/${leads.jonas}`);
    await shot(rep, '26-account');
  });

  it('a manager lands on the dashboard; the team page: per-rep load, the team inbox with every rep\'s tasks', async () => {
    const mgr = await signedInPage('mia@leadflow.demo', '/');
    await mgr.waitForURL('**/dashboard');
    await mgr.goto(`${baseUrl}/team`);
    const perRep = mgr.getByTestId('per-rep');
    await perRep.getByText('Anna Rep').waitFor();
    await mgr.locator('[data-task-id="e2e-ben"]').waitFor();
    await shot(mgr, '27-team');
    await mgr.locator('input[aria-label="filter tasks by rep"]').click();
    await mgr.getByRole('option', { name: 'Ben Rep' }).click();
    await expect.poll(() => mgr.locator('[data-task-id="e2e-upcoming"]').count()).toBe(0);
    await mgr.locator('[data-task-id="e2e-ben"]').waitFor();
    await mgr.goto(`${baseUrl}/board`);
    await mgr.getByTestId(`board-card-${leads.lena}`).waitFor();
    await shot(mgr, '28-board-team');
    await mgr.context().close();
  });

  it('an admin lands on the dashboard; the admin page has the users and the audit log', async () => {
    const adm = await signedInPage('admin@leadflow.demo', '/');
    await adm.waitForURL('**/dashboard');
    await adm.goto(`${baseUrl}/admin`);
    await adm.getByTestId('admin-users').getByText('Anna Rep').waitFor();
    // The reassignments of the setup are audited.
    await adm.getByTestId('admin-audit').getByText(/reassign/i).first().waitFor();
    await shot(adm, '29-admin');

    // A lead's "re-run this decision" link: the simulator opens with the lead and runs the published version on it.
    await adm.goto(`${baseUrl}/rules/scoring-default?simulateLead=${leads.greta}`);
    const result = adm.getByTestId('sim-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toContain(`v1 · lead ${leads.greta}`);
    expect(await adm.getByLabel('lead id').inputValue()).toBe(leads.greta);
    await shot(adm, '30-simulate-lead');
    await adm.context().close();
  });
});

import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords';
import { loadDemoHistory } from '../../db/demo-history';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// A manager lands on the dashboard with the demo history: funnel, loss reasons, cycle, velocity, forecast, stalled
// deals and time to close; a funnel bar opens its leads; the settings page previews the daily digest.

const password = 'correct horse battery staple';
const mia = { id: 'u-mia', email: 'mia@leadflow.demo' };
const DAY = 86_400_000;

let stack: TestStack;
let session: BrowserSession;
let page: Page;
let baseUrl: string;

beforeAll(async () => {
  stack = await createTestStack();
  const sql = stack.db.sql;
  await seedDefaults(sql);
  await loadDemoHistory(sql);
  await sql`update users set password_hash = ${await hashPassword(password)} where id = ${mia.id}`;
  // Open deals of Mia's team: two long in their stage (stalled), one fresh; the offers among them are forecast.
  const now = Date.now();
  const open = [
    { id: 'dash-open-1', owner: 'u-anna', stage: 'qualification', status: 'open', days: 80, offer: null },
    { id: 'dash-open-2', owner: 'u-ben', stage: 'offer', status: 'qualified', days: 70, offer: 'sent' },
    { id: 'dash-open-3', owner: 'u-anna', stage: 'offer', status: 'qualified', days: 1, offer: 'confirmed' },
  ] as const;
  for (const [i, d] of open.entries()) {
    const entered = new Date(now - d.days * DAY);
    const created = new Date(entered.getTime() - 10 * DAY);
    await sql`insert into leads (id, dedupe_key, source, status, stage, owner_id, team_id, name, company, company_size, pipeline_id, pipeline_version, created_at, stage_entered_at)
              values (${d.id}, ${d.id}, 'web', ${d.status}, ${d.stage}, ${d.owner}, 'team-dach', ${`Open deal ${i + 1}`}, 'Nordlicht Maschinenbau GmbH', 1200, 'default', 1, ${created}, ${entered})`;
    await sql`insert into lead_events (event_key, lead_id, type, at, stage) values (${`${d.id}:0`}, ${d.id}, 'captured', ${created}, 'captured')`;
    if (d.stage === 'offer') await sql`insert into lead_events (event_key, lead_id, type, at, stage) values (${`${d.id}:1`}, ${d.id}, 'stage_changed', ${new Date(created.getTime() + DAY)}, 'qualification')`;
    await sql`insert into lead_events (event_key, lead_id, type, at, stage) values (${`${d.id}:2`}, ${d.id}, 'stage_changed', ${entered}, ${d.stage})`;
    if (d.offer) await sql`insert into offers (id, lead_id, version, status, total, sent_at, created_at) values (${`${d.id}-o`}, ${d.id}, 1, ${d.offer}, ${4000 + i * 1000}, ${entered}, ${entered})`;
  }
  session = await openBrowserSession(stack, '70');
  ({ page, baseUrl } = session);
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

const card = (id: string) => page.getByTestId(`dash-${id}`);

describe('dashboard in the browser', () => {
  it('lands a manager on the dashboard with every widget', async () => {
    await page.goto(`${baseUrl}/`);
    await signIn(page, mia.email, password);
    await page.waitForURL(`${baseUrl}/dashboard`);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).waitFor();
    // The demo history spans a year.
    await page.getByTestId('dashboard-filters').getByText('12 months', { exact: true }).click();
    await page.waitForURL(/period=12m/);
    await card('funnel').locator('.recharts-bar-rectangle').first().waitFor();
    await card('loss').locator('.recharts-bar-rectangle').first().waitFor();
    await card('cycle').locator('.recharts-line').first().waitFor();
    await card('forecast').locator('.recharts-bar-rectangle').first().waitFor();
    expect(await card('cycle').innerText()).toMatch(/Average \d+(\.\d)? days from capture to won/);
    expect(await page.getByTestId('velocity-value').innerText()).toMatch(/€|—/);
    expect(await page.getByTestId('velocity-open').innerText()).toMatch(/Open opportunities\s*\d+/i);
    expect(await card('loss').innerText()).toMatch(/Price|Competition|Timing|No budget|No response/);
    // Stalled: the two deals long in their stage, not the fresh one.
    const stalled = card('stalled').getByTestId('stalled-row');
    await expect.poll(() => stalled.count()).toBe(2);
    expect(await card('stalled').innerText()).toContain('Open deal 1');
    expect(await card('stalled').innerText()).not.toContain('Open deal 3');
    expect(await card('ttc').getByTestId('ttc-row').count()).toBe(3);
    await page.waitForTimeout(600); // chart animations
    // Shots without a chart tooltip under the pointer.
    await page.mouse.move(1, 1);
    await shot(page, '70-dashboard-top');
    await card('forecast').scrollIntoViewIfNeeded();
    await page.mouse.move(1, 1);
    await shot(page, '70-dashboard-middle');
    await card('stalled').scrollIntoViewIfNeeded();
    await page.mouse.move(1, 1);
    await shot(page, '70-dashboard-deals');
  });

  it('opens the leads behind a funnel bar', async () => {
    const captured = card('funnel').getByRole('button', { name: /^Captured: \d+/ });
    const shown = Number(/Captured: ([\d,.]+)/.exec((await captured.getAttribute('aria-label'))!)![1]!.replace(/\D/g, ''));
    expect(shown).toBeGreaterThan(0);
    await card('funnel').scrollIntoViewIfNeeded();
    await card('funnel').locator('.recharts-bar-rectangle').first().click();
    await page.waitForURL(/drill=funnel%3Acaptured|drill=funnel:captured/);
    const drill = page.getByTestId('dashboard-drill');
    await expect.poll(() => drill.getByTestId('dashboard-drill-row').count(), { timeout: 15_000 }).toBe(Math.min(shown, 500));
    if (shown > 500) expect(await drill.innerText()).toContain(`The first 500 of ${shown} are shown.`);
    await expect.poll(() => page.locator('.mantine-Drawer-content').evaluate((e) => Math.round(e.getBoundingClientRect().right) <= window.innerWidth)).toBe(true);
    await shot(page, '70-dashboard-funnel-drill');
    await page.getByRole('button', { name: 'Close the list' }).click();
    await page.waitForURL((u) => !u.searchParams.has('drill'));
  });

  it('says so when a period has nothing in it', async () => {
    await page.goto(`${baseUrl}/dashboard?period=custom&from=2019-01-01&to=2019-01-31`);
    await card('funnel-empty').waitFor();
    expect(await card('funnel-empty').innerText()).toBe('No leads were captured in this period.');
    expect(await card('loss-empty').innerText()).toBe('No lead was lost in this period.');
    await shot(page, '70-dashboard-empty-period');
  });

  it('previews the daily digest on the settings page', async () => {
    await page.goto(`${baseUrl}/settings`);
    const digest = page.getByTestId('settings-digest');
    await digest.getByText('Send me the daily digest').waitFor();
    await digest.getByRole('button', { name: 'Preview my digest for today' }).click();
    const preview = page.getByTestId('digest-preview');
    await preview.waitFor();
    expect(await preview.innerText()).toMatch(/digest|today/i);
    await preview.scrollIntoViewIfNeeded();
    await shot(page, '70-settings-digest');
  });
});

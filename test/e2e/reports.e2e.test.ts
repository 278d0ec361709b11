import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords';
import { loadDemoHistory } from '../../db/demo-history';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// A manager reads the reports on the demo history: every number opens the leads behind it (the report's own list
// or the lead finder), an empty period says so, a bad filter is named on its field.

const password = 'correct horse battery staple';
const mia = { id: 'u-mia', email: 'mia@leadflow.demo' };

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
  // Two prospects of Mia's team nobody owns or visited yet, and one of another team she must not see.
  for (const [id, team] of [['nc-1', 'team-dach'], ['nc-2', 'team-dach'], ['nc-3', 'team-west']] as const) {
    await sql`insert into leads (id, dedupe_key, source, status, stage, team_id, name, pipeline_id, pipeline_version)
              values (${id}, ${id}, 'web', 'open', 'captured', ${team}, ${`Prospect ${id}`}, 'default', 1)`;
  }
  session = await openBrowserSession(stack, '60');
  ({ page, baseUrl } = session);
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

const nav = () => page.getByRole('navigation', { name: 'Main navigation' });

describe('reports in the browser', () => {
  it('shows a manager the reports in the navigation', async () => {
    await page.goto(`${baseUrl}/`);
    await signIn(page, mia.email, password);
    await nav().getByRole('link', { name: 'Reports' }).click();
    await page.getByTestId('report-card').first().waitFor();
    expect(await page.getByTestId('report-card').count()).toBe(6);
    await shot(page, '60-reports-index');
  });

  it('opens the leads behind a number of the conversion report, and the finder behind another', async () => {
    await page.getByRole('link', { name: 'Leads → offers → orders' }).click();
    const offers = page.getByRole('button', { name: /^By rep, Anna Rep, Became offers: / });
    await offers.waitFor();
    const shown = Number((await offers.textContent())!.replace(/\D/g, ''));
    expect(shown).toBeGreaterThan(0);
    await shot(page, '60-conversion');
    await offers.click();
    const drill = page.getByTestId('report-drill');
    await expect.poll(() => drill.getByTestId('report-drill-row').count(), { timeout: 15_000 }).toBe(shown);
    // The drawer slides in from the right: shoot once it is in place.
    await expect.poll(() => page.locator('.mantine-Drawer-content').evaluate((e) => Math.round(e.getBoundingClientRect().right) <= window.innerWidth)).toBe(true);
    await shot(page, '60-conversion-drill');
    await drill.getByTestId('report-drill-row').first().getByRole('link').click();
    await page.waitForURL(/\/leads\/[^/?]+$/);

    // Back on the report the list is open again; closing it leaves the report.
    await page.goBack();
    await page.getByRole('button', { name: 'Close the list' }).click();
    await page.waitForURL((u) => !u.searchParams.has('drill'));
    const leads = page.getByRole('link', { name: /^By rep, Anna Rep, Leads: / });
    await leads.waitFor();
    await leads.click();
    await page.waitForURL(/\/leads\?.*owner=u-anna/);
  });

  it('counts the team\'s prospects nobody owns and lists them', async () => {
    await page.goto(`${baseUrl}/reports/never-contacted`);
    const unassigned = page.getByRole('link', { name: /^Prospects never contacted, Not assigned to a rep, Leads: 2$/ });
    await unassigned.waitFor();
    await shot(page, '60-never-contacted');
    await unassigned.click();
    await page.waitForURL(/\/leads\?.*owner=unassigned/);
    await expect.poll(() => page.getByText('Prospect nc-1').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByText('Prospect nc-3').count()).toBe(0);
  });

  it('shows the general situation per rep, and visits per customer class and type', async () => {
    await page.goto(`${baseUrl}/reports/overview`);
    await page.getByTestId('report-table-byRep').waitFor();
    // Mia's teams only: Max's West team is not hers.
    expect(await page.getByTestId('report-table-byRep').getByText('Dario Rep').count()).toBe(0);
    await shot(page, '60-overview');
    await page.goto(`${baseUrl}/reports/visits`);
    await page.getByTestId('report-table-byType').waitFor();
    await page.getByRole('button', { name: /^Per customer class, Anna Rep, All: [1-9]/ }).waitFor();
    await shot(page, '60-visits');
  });

  it('says so when a period has no data, and names a bad filter on its field', async () => {
    await page.goto(`${baseUrl}/reports/visits?from=2019-01-01&to=2019-01-31`);
    await page.getByTestId('report-empty').waitFor();
    expect(await page.getByTestId('report-empty').textContent()).toContain('between 2019-01-01 and 2019-01-31');
    await shot(page, '60-empty-period');
    await page.goto(`${baseUrl}/reports/offers?days=0`);
    await page.getByText('must be at least 1').first().waitFor();
    await shot(page, '60-bad-filter');
  });
});

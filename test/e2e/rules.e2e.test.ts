import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultPipeline } from '../../db/pipelines';
import { ensureDefaultRuleSets } from '../../db/rule-sets';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// Ops in the browser: the default scoring rule set (25 rules) as short collapsed cards, then as a decision table where
// a cell and the points are edited; publishing shows the backtest (leads whose grade would change) before confirming;
// the versions tab shows the diff v1 → v2 rule by rule, and a rollback publishes v1's rules again as v3 with a note.

const password = 'ops password for the rules test';
let stack: TestStack;
let ops: TestUser;
let session: BrowserSession;
let page: Page;
let baseUrl: string;

beforeAll(async () => {
  stack = await createTestStack();
  ops = await createUser(stack.db.sql, { role: 'ops', id: 'u-ops-rules', password });
  await ensureDefaultRuleSets(stack.db.sql);
  await ensureDefaultPipeline(stack.db.sql);
  // Mid-sized German companies: 25 points today (grade C); with "large" starting at 250 employees and worth 50 points, grade A.
  for (let i = 0; i < 12; i++) {
    await stack.db.sql`
      insert into leads (id, dedupe_key, source, name, country, company_size, pipeline_id, pipeline_version, created_at)
      values (${`lead-rules-${i}`}, ${`rules-${i}`}, 'manual', ${`Lead ${i}`}, 'DE', ${i < 8 ? 300 : 20}, 'default', 1, now() - make_interval(hours => ${i}))`;
  }
  session = await openBrowserSession(stack, '47');
  ({ page, baseUrl } = session);
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

const tabButton = (name: RegExp) => page.getByRole('button', { name });

describe('rule sets in the browser', () => {
  it('opens the 25-rule scoring set as collapsed cards that fit a short page, and finds a rule by search', async () => {
    await page.goto(`${baseUrl}/rules/scoring-default`);
    await signIn(page, ops.email, password);
    await page.getByTestId('rule-24').waitFor();
    expect(await page.locator('[data-testid^="rule-"][data-collapsed]').count()).toBe(25);
    // The 25 collapsed cards take little more than a screen (the page scrolls inside the shell: measure the list itself).
    const top = (await page.getByTestId('rule-0').boundingBox())!.y;
    const last = (await page.getByTestId('rule-24').boundingBox())!;
    expect(last.y + last.height - top).toBeLessThan(1750);
    await shot(page, '47-01-collapsed-cards');
    await page.getByLabel('search rules').fill('company');
    expect(await page.locator('[data-testid^="rule-"][data-collapsed]').count()).toBe(3);
    await page.getByRole('button', { name: 'expand company-large' }).click();
    await page.getByTestId('rule-4').getByLabel('rule name').waitFor();
    await shot(page, '47-02-search-expand');
    await page.getByLabel('search rules').fill('');
  });

  it('edits a cell and the points in the decision table', async () => {
    await tabButton(/^Decision table$/).click();
    const table = page.getByTestId('decision-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(25);
    // Operators are named in words.
    expect(await page.getByTestId('cell-4-companySize').locator('select').inputValue()).toBe('greaterThanInclusive');
    expect(await page.getByTestId('cell-4-companySize').locator('select option:checked').textContent()).toBe('is at least');
    await page.getByTestId('cell-4-companySize').getByRole('textbox', { name: 'value', exact: true }).fill('250');
    await page.getByLabel('points of company-large').fill('50');
    await page.getByTestId('rule-status').filter({ hasText: 'Unsaved changes' }).waitFor();
    await shot(page, '47-03-decision-table');
  });

  it('publishes after a confirmation that shows the backtest on recent leads', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByTestId('publish-dialog');
    await dialog.getByTestId('backtest-summary').waitFor();
    expect(await dialog.getByTestId('backtest-summary').textContent()).toMatch(/On the 12 most recent leads, 8 would get a different decision than with v1/);
    expect(await dialog.getByTestId('backtest-grade').textContent()).toContain('8');
    await shot(page, '47-04-publish-confirmation');
    await dialog.getByLabel('Note').fill('Large companies start at 250 and weigh more');
    await dialog.getByRole('button', { name: 'Publish v2' }).click();
    await page.getByTestId('rule-status').filter({ hasText: 'Published version 2' }).waitFor();
    const [v2] = await stack.db.sql<{ note: string; published_by: string }[]>`select note, published_by from rule_set_versions where rule_set_id = 'scoring-default' and version = 2`;
    expect(v2).toEqual({ note: 'Large companies start at 250 and weigh more', published_by: ops.id });
  });

  it('shows the versions with notes and the diff v1 → v2 rule by rule', async () => {
    await tabButton(/^Versions \(2\)$/).click();
    const versions = page.getByTestId('rule-versions');
    await versions.getByTestId('version-2').waitFor();
    expect(await versions.getByTestId('version-2').textContent()).toContain('Large companies start at 250 and weigh more');
    expect(await versions.getByTestId('version-1').textContent()).toContain('shipped default');
    const changed = page.getByTestId('diff-changed');
    await changed.first().waitFor();
    expect(await changed.count()).toBe(1);
    expect(await changed.textContent()).toContain('company-large');
    const highlighted = changed.locator('[data-changed]');
    expect(await highlighted.textContent()).toContain('is at least 250');
    expect(await changed.textContent()).toMatch(/points:\s*15\s*→\s*50/);
    await shot(page, '47-05-diff');
  });

  it('rolls back to v1 with a note, audited, as v3', async () => {
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    const modal = page.getByRole('dialog', { name: 'Roll back to v1' });
    await modal.getByLabel('Note').fill('Backtest looked too generous');
    await modal.getByRole('button', { name: 'Roll back', exact: true }).click();
    await page.getByTestId('version-3').waitFor();
    expect(await page.getByTestId('version-3').textContent()).toContain('Backtest looked too generous');
    const [v3] = await stack.db.sql<{ document: { rules: { name: string; event: { params: { points: number } } }[] } }[]>`
      select document from rule_set_versions where rule_set_id = 'scoring-default' and version = 3`;
    expect(v3!.document.rules.find((r) => r.name === 'company-large')!.event.params.points).toBe(15);
    const [entry] = await stack.db.sql<{ actor_id: string; details: Record<string, unknown> }[]>`
      select actor_id, details from audit_log where action = 'rule_set.published' and target_id = 'scoring-default' order by id desc limit 1`;
    expect(entry).toMatchObject({ actor_id: ops.id, details: { version: 3, rolledBackTo: 1, note: 'Backtest looked too generous' } });
    await shot(page, '47-06-rolled-back');
  });

  it("edits a decision's branch conditions in the rule builder and picks the mail step's template from a list", async () => {
    await page.goto(`${baseUrl}/pipelines/default`);
    await page.locator('[data-testid="canvas"][data-fitted="true"]').waitFor();
    await page.locator('.react-flow__node[data-id="hot"]').click();
    const inspector = page.getByTestId('inspector');
    const branch = inspector.getByTestId('branch-conditions').first();
    await branch.waitFor();
    // Facts and operators are selects from the catalog, operators in words; no JSON to type.
    expect(await branch.getByLabel('fact').first().inputValue()).toBe('score');
    expect(await branch.getByLabel('operator').first().locator('option:checked').textContent()).toBe('is at least');
    expect(await inspector.locator('textarea').count()).toBe(0);
    await shot(page, '47-07-decision-branches');
    await page.locator('.react-flow__node[data-id="nurture-mail"]').click();
    const template = page.getByTestId('inspector').getByLabel('Template');
    expect(await template.inputValue()).toBe('nurture');
    // The list fills in when the templates arrive from the API.
    await expect.poll(() => template.locator('option').allTextContents()).toEqual(expect.arrayContaining(['assignment', 'nurture', 'thank_you']));
    await shot(page, '47-08-template-picker');
  });
});

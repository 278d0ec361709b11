import { hash } from '@node-rs/argon2';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { publishPipeline } from '../../db/pipelines';
import { createRuleSet, publishRuleSet } from '../../db/rule-sets';
import { defaultPipeline } from '../../engine/pipeline/default-pipeline';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import { packs } from '../../rules/packs';
import type { RuleSetDocument } from '../../rules/schema';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot } from './helpers/browser';

// Sales ops with several pipelines: duplicate the default one, publish the copy, send German leads to it with an
// entry rule, see a captured lead enter it (lead page and Live), and be refused publishing an unknown e-mail template,
// the problem shown on its node.

const password = 'ops password for the pipelines test';
let stack: TestStack;
let session: BrowserSession;
let page: Page;
let baseUrl: string;
let admin: Record<string, string>;

beforeAll(async () => {
  stack = await createTestStack();
  await seedDefaults(stack.db.sql);
  await stack.db.sql`update users set password_hash = ${await hash(password)} where id = 'u-olga'`;
  await stack.startWorker();
  admin = await bearerHeaders(stack.db.sql, 'u-admin');
  session = await openBrowserSession(stack, '80');
  ({ page, baseUrl } = session);
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

const status = () => page.getByTestId('status').textContent();

describe('several pipelines in the browser', () => {
  it('duplicates the default pipeline from the list and publishes the copy', async () => {
    await page.goto(`${baseUrl}/pipelines`);
    await page.getByLabel('E-mail').fill('olga@leadflow.demo');
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.getByTestId('pipeline-row-default');
    await row.waitFor();
    await row.getByRole('button', { name: /More actions/ }).click();
    await page.getByRole('menuitem', { name: 'Duplicate…' }).click();
    const dialog = page.getByRole('dialog', { name: /Duplicate/ });
    await dialog.getByLabel('Id of the copy').fill('partners');
    await dialog.getByLabel('Name').fill('Partner leads');
    await shot(page, '80-01-duplicate-dialog');
    await dialog.getByRole('button', { name: 'Duplicate' }).click();
    await page.waitForURL(`${baseUrl}/pipelines/partners`);
    await page.getByTestId('node-score').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog').getByLabel('Note for this version').fill('partner flow');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish version' }).click();
    await expect.poll(status).toMatch(/Published version 1/);

    await page.goto(`${baseUrl}/pipelines`);
    await page.getByTestId('pipeline-row-partners').waitFor();
    expect(await page.getByTestId('pipeline-row-partners').textContent()).toMatch(/Partner leads.*v1/);
    await shot(page, '80-02-pipeline-list');
  });

  it('adds an entry rule with selects: German leads enter the copy', async () => {
    await page.getByRole('link', { name: 'Entry rules' }).click();
    await page.waitForURL(`${baseUrl}/entry-rules`);
    await page.getByText('No entry rules: every lead enters the default pipeline.').waitFor();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByTestId('entry-rule').first();
    await rule.getByLabel('Rule name').fill('German leads');
    await rule.getByLabel('Enters pipeline').selectOption('partners');
    await rule.getByLabel('fact').selectOption('country');
    await rule.getByLabel('operator').selectOption('equal');
    await rule.getByLabel('value').fill('DE');
    await page.getByRole('button', { name: 'Save entry rules' }).click();
    await page.getByText('Entry rules saved').waitFor();
    await shot(page, '80-03-entry-rules');
    const saved = await stack.app.inject({ url: '/api/entry-rules', headers: admin });
    expect((saved.json() as { rules: unknown[] }).rules).toEqual([
      expect.objectContaining({ name: 'German leads', pipelineId: 'partners', conditions: { all: [{ fact: 'country', operator: 'equal', value: 'DE' }] } }),
    ]);
  });

  it('a captured German lead enters the copy, with the reason on its timeline and counted in Live', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads', headers: admin, payload: { name: 'Greta Partner', email: 'greta@partner-gmbh.example', company: 'Partner GmbH', country: 'DE' } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    const leadId = (res.json() as { leadId: string }).leadId;
    await eventually(async () => (await stack.db.sql`select 1 from leads where id = ${leadId} and stage <> 'captured'`).length > 0, 30_000);
    await page.goto(`${baseUrl}/leads/${leadId}`);
    const entered = page.getByText(/Entered pipeline “partners” v1: entry rule "German leads" matched/);
    await entered.waitFor();
    await entered.scrollIntoViewIfNeeded();
    await shot(page, '80-04-lead-entered-partners');

    await page.goto(`${baseUrl}/live/partners`);
    await expect.poll(() => page.getByText(/1\s*open/).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await shot(page, '80-05-live-partners');
  });

  it('refuses publishing an unknown e-mail template, the problem shown on its node', async () => {
    const draft = (await stack.app.inject({ url: '/api/pipelines/partners', headers: admin })).json() as { draft: { nodes: { id: string; config: Record<string, unknown> }[] } };
    draft.draft.nodes.find((n) => n.id === 'nurture-mail')!.config.template = 'no-such-template';
    const put = await stack.app.inject({ method: 'PUT', url: '/api/pipelines/partners/draft', headers: admin, payload: draft.draft });
    expect(put.statusCode, put.body).toBe(200);
    await page.goto(`${baseUrl}/pipelines/partners`);
    const node = page.getByTestId('node-nurture-mail');
    await node.waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(status).toMatch(/Publish refused: 1 problem/);
    await expect.poll(() => node.textContent()).toMatch(/e-mail template "no-such-template" does not exist/);
    // The problem's link in the list brings its node into view.
    await page.getByRole('button', { name: /Nurture content/ }).first().click().catch(() => undefined);
    await node.scrollIntoViewIfNeeded().catch(() => undefined);
    await shot(page, '80-06-unknown-template-refused');
    const versions = (await stack.app.inject({ url: '/api/pipelines/partners', headers: admin })).json() as { versions: unknown[] };
    expect(versions.versions).toHaveLength(1);
  });

  it('refuses publishing a custom step whose activity no worker registered, the problem shown on its node', async () => {
    const draft = (await stack.app.inject({ url: '/api/pipelines/partners', headers: admin })).json() as { draft: { nodes: { id: string; type: string; config: Record<string, unknown> }[] } };
    const mail = draft.draft.nodes.find((n) => n.id === 'nurture-mail')!;
    mail.type = 'custom';
    mail.config = { activity: 'enrichFromErp', input: {} };
    const put = await stack.app.inject({ method: 'PUT', url: '/api/pipelines/partners/draft', headers: admin, payload: draft.draft });
    expect(put.statusCode, put.body).toBe(200);
    await page.goto(`${baseUrl}/pipelines/partners`);
    const node = page.getByTestId('node-nurture-mail');
    await node.waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(status).toMatch(/Publish refused/);
    await expect.poll(() => node.textContent()).toMatch(/activity type "enrichFromErp" is not registered/);
    await node.scrollIntoViewIfNeeded().catch(() => undefined);
    await shot(page, '80-06b-unknown-activity-refused');
    const versions = (await stack.app.inject({ url: '/api/pipelines/partners', headers: admin })).json() as { versions: unknown[] };
    expect(versions.versions).toHaveLength(1);
  });

  it('shows a lead whose process failed with the reason, counted in Live, and Retry resumes it after the fix', async () => {
    // A version written straight to the store, past the checks: its score node names a rule set nobody published yet.
    const fragile: PipelineDocument = { ...structuredClone(defaultPipeline), id: 'fragile', name: 'Fragile' };
    (fragile.nodes.find((n) => n.id === 'score')!.config as { ruleSetId: string }).ruleSetId = 'scoring-later';
    await publishPipeline(stack.db.sql, fragile, null, 'unchecked');
    const rules = await stack.app.inject({ method: 'PUT', url: '/api/entry-rules', headers: admin, payload: { rules: [
      { name: 'Norway', pipelineId: 'fragile', conditions: { all: [{ fact: 'country', operator: 'equal', value: 'NO' }] } },
    ] } });
    expect(rules.statusCode, rules.body).toBe(200);
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads', headers: admin, payload: { name: 'Nora Fjord', email: 'nora@fjord.example', country: 'NO' } });
    const leadId = (res.json() as { leadId: string }).leadId;
    await eventually(async () => (await stack.db.sql`select 1 from leads where id = ${leadId} and status = 'failed'`).length > 0, 30_000);

    await page.goto(`${baseUrl}/live/fragile`);
    await page.getByTestId('live-failed').waitFor();
    expect(await page.getByTestId('live-failed').textContent()).toMatch(/1\s*failed/);

    await page.goto(`${baseUrl}/leads/${leadId}`);
    const failed = page.getByTestId('lead-failed');
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(/rule set "scoring-later" has no published version/);
    await shot(page, '80-07-lead-failed');

    const scoring = { ...packs.scoring, id: 'scoring-later', name: 'Scoring published late' } as RuleSetDocument;
    await createRuleSet(stack.db.sql, 'scoring-later', scoring);
    await publishRuleSet(stack.db.sql, 'scoring-later', scoring, null, 'the fix');
    await failed.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => failed.count(), { timeout: 30_000 }).toBe(0);
    await page.getByText(/Restarted by Olga Ops at “score”/).waitFor();
    await eventually(async () => (await stack.db.sql`select 1 from leads where id = ${leadId} and status <> 'failed' and stage <> 'captured'`).length > 0, 30_000);
    await page.reload();
    await page.getByText(/Scored \d+ points/).first().waitFor();
    await shot(page, '80-08-lead-retried');
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords';
import { defaultPipeline } from '../../engine/pipeline/default-pipeline';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// Ops move three of four live leads from v1 to v2 in the browser: preview, a mapping changed to v2's new step,
// one lead left out, the result per lead, and the move on a moved lead's timeline.

const password = 'correct horse battery staple';
const olga = { id: 'u-olga', email: 'olga@leadflow.demo' };

/** v2: a welcome call task between the qualification stage and the rep's decision. */
const v2: PipelineDocument = {
  ...defaultPipeline,
  nodes: [
    ...defaultPipeline.nodes,
    { id: 'welcome-call', type: 'create_task', label: 'Welcome call', config: { kind: 'call', title: 'Make the welcome call', dueHours: 24, assignee: 'owner' }, position: { x: 1100, y: 0 } },
  ],
  edges: defaultPipeline.edges.map((e) => (e.id === 'e6' ? { ...e, target: 'welcome-call' } : e)).concat({ id: 'e6b', source: 'welcome-call', target: 'qualify' }),
};

let stack: TestStack;
let session: BrowserSession;
let browser: Browser;
let page: Page;
let baseUrl: string;
const leads: { id: string; name: string }[] = [];

beforeAll(async () => {
  stack = await createTestStack();
  const sql = stack.db.sql;
  await seedDefaults(sql);
  await sql`update users set password_hash = ${await hashPassword(password)} where id = ${olga.id}`;
  await stack.startWorker();
  for (const [i, name] of ['Ada Mover', 'Ben Mover', 'Cleo Mover', 'Dan Stayer'].entries()) {
    const email = `${name.split(' ')[0]!.toLowerCase()}@browser-mover-${i}.de`;
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads/web-form', payload: { name, email, company: `Mover ${i} GmbH`, country: 'de', productInterest: 'crm', companySize: 800, message: 'Please call me' } });
    expect(res.statusCode, res.body).toBe(202);
    const id = await eventually(async () => (await sql<{ id: string }[]>`select id from leads where email = ${email}`)[0]?.id);
    leads.push({ id, name });
  }
  for (const l of leads) await eventually(async () => (await sql`select 1 from leads where id = ${l.id} and node_id = 'qualify' and owner_id is not null`).length > 0, 30_000);
  const pub = await stack.app.inject({ method: 'POST', url: '/api/pipelines/default/publish', headers: await bearerHeaders(sql, olga.id), payload: { note: 'welcome call', document: v2 } });
  expect(pub.statusCode, pub.body).toBe(201);
  session = await openBrowserSession(stack, 'moves');
  ({ browser, page, baseUrl } = session);
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

describe('moving live leads in the browser', () => {
  it('previews the move from the live view: every lead at "Rep qualifies" maps to the same node', async () => {
    await page.goto(`${baseUrl}/live/default`);
    await signIn(page, olga.email, password);
    await page.getByRole('link', { name: 'Move leads to this version…' }).click();
    const mapping = page.getByTestId('mapping-qualify');
    await mapping.waitFor();
    await page.getByTestId('move-stage').selectOption('qualification');
    await expect.poll(() => page.getByTestId('move-leads').locator('tbody tr').count(), { timeout: 15_000 }).toBe(4);
    expect(await mapping.textContent()).toContain('same node');
    expect(await page.getByLabel('target for Rep qualifies').inputValue()).toBe('qualify');
    await shot(page, 'moves-1-preview');
  });

  it('maps the leads to v2\'s new step, leaves one out and moves three', async () => {
    await page.getByLabel('target for Rep qualifies').selectOption('welcome-call');
    await expect.poll(async () => page.getByTestId('mapping-qualify').textContent(), { timeout: 15_000 }).toContain('chosen');
    await expect.poll(() => page.getByTestId(`move-lead-${leads[0]!.id}`).textContent()).toContain('v2 · Welcome call');
    await page.getByLabel('move Dan Stayer').uncheck();
    await page.getByRole('button', { name: 'Move 3 leads…' }).waitFor();
    await shot(page, 'moves-2-adjusted');
    await page.getByRole('button', { name: 'Move 3 leads…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Move leads' }).click();
    const result = page.getByTestId('move-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toContain('3 moved · 0 refused');
    for (const l of leads.slice(0, 3)) expect(await page.getByTestId(`move-result-${l.id}`).textContent()).toContain('moved');
    expect(await page.getByTestId(`move-result-${leads[3]!.id}`).count()).toBe(0);
    await shot(page, 'moves-3-result');
    const versions = await stack.db.sql<{ id: string; pipeline_version: number }[]>`select id, pipeline_version from leads where id in ${stack.db.sql(leads.map((l) => l.id))}`;
    expect(versions.filter((v) => v.pipeline_version === 2).map((v) => v.id).sort()).toEqual(leads.slice(0, 3).map((l) => l.id).sort());
  });

  it('shows the move on the lead\'s timeline, and the lead ran v2\'s new step', async () => {
    await page.getByTestId(`move-result-${leads[0]!.id}`).getByRole('link', { name: 'Ada Mover' }).click();
    await expect.poll(() => page.getByText('Moved from v1 Rep qualifies to v2 Welcome call by Olga Ops').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await stack.db.sql`select 1 from tasks where lead_id = ${leads[0]!.id} and title = 'Make the welcome call'`).length, { timeout: 15_000 }).toBe(1);
    await page.reload();
    await page.getByText('Moved from v1 Rep qualifies to v2 Welcome call by Olga Ops').first().scrollIntoViewIfNeeded();
    await shot(page, 'moves-4-timeline');
  });

  it('live view on load: stages in pipeline order, counts from the start, the list under a count matches it, moved leads on v2', async () => {
    await page.goto(`${baseUrl}/live/default`);
    const strip = page.getByTestId('stage-strip');
    await strip.locator('.stage-chip').first().waitFor({ timeout: 15_000 });
    // Pipeline order (the graph's walk from the trigger), not alphabetical: qualification, nurturing, offer.
    expect(await strip.locator('.stage-name').allTextContents()).toEqual(['qualification', 'nurturing', 'offer']);
    const chip = page.getByTestId('stage-qualification');
    await expect.poll(() => chip.locator('.stage-count').textContent(), { timeout: 10_000 }).toBe('4');
    await chip.click();
    const list = page.getByTestId('lead-list');
    await expect.poll(() => list.locator('.lead-row').count(), { timeout: 10_000 }).toBe(4);
    for (const l of leads.slice(0, 3)) expect(await page.getByTestId(`lead-${l.id}`).textContent()).toContain('v2');
    expect(await page.getByTestId(`lead-${leads[3]!.id}`).textContent()).toContain('v1');
    await shot(page, 'moves-5-live');
  });

  it('live view for a rep: the count is of the rep\'s own leads and matches the list', async () => {
    const sql = stack.db.sql;
    const [owner] = await sql<{ owner_id: string; email: string; n: number }[]>`
      select l.owner_id, u.email, count(*)::int as n from leads l join users u on u.id = l.owner_id
      where l.id in ${sql(leads.map((l) => l.id))} group by l.owner_id, u.email order by n desc limit 1`;
    const [{ total }] = await sql<{ total: number }[]>`select count(*)::int as total from leads where owner_id = ${owner!.owner_id} and stage = 'qualification' and status not in ('won', 'lost', 'disqualified')`;
    await sql`update users set password_hash = ${await hashPassword(password)} where id = ${owner!.owner_id}`;
    const repContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    try {
      const rep = await repContext.newPage();
      await rep.goto(`${baseUrl}/live/default`);
      await signIn(rep, owner!.email, password);
      const chip = rep.getByTestId('stage-qualification');
      await expect.poll(() => chip.locator('.stage-count').textContent(), { timeout: 15_000 }).toBe(String(total));
      expect(await rep.getByRole('link', { name: 'Move leads to this version…' }).count()).toBe(0);
      expect(total).toBeLessThan(4);
      await chip.click();
      await expect.poll(() => rep.getByTestId('lead-list').locator('.lead-row').count(), { timeout: 10_000 }).toBe(total);
      await shot(rep, 'moves-6-live-rep');
    } finally {
      await repContext.close();
    }
  });
});

import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords';
import { ensureDefaultPipeline, savePipelineDraft } from '../../db/pipelines';
import { ensureDefaultRuleSets } from '../../db/rule-sets';
import { createTestStack, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// The pipeline designer must never save one pipeline's graph as another's, and its publish dialog must cancel.

let stack: TestStack;
let session: BrowserSession;
let page: Page;
let baseUrl: string;
const email = 'ops-designer@example.test';
const password = 'correct horse battery staple';

const at = (x: number) => ({ x, y: 0 });
// Alpha is unfinished (its wait's branches are not wired and it has no end): publishing it is refused.
const alpha = {
  id: 'alpha', name: 'Alpha pipeline',
  nodes: [
    { id: 'alpha-start', type: 'trigger', label: 'Alpha captured', config: { sources: [] }, position: at(0) },
    { id: 'alpha-stage', type: 'stage', label: 'Alpha calling', config: { name: 'alpha-calling', status: 'open' }, position: at(300) },
    { id: 'alpha-wait', type: 'wait', label: 'Alpha waits', config: { until: 'close' }, position: at(600) },
  ],
  edges: [{ id: 'e1', source: 'alpha-start', target: 'alpha-stage' }, { id: 'e2', source: 'alpha-stage', target: 'alpha-wait' }],
};
// Beta is complete: it can be published.
const beta = {
  id: 'beta', name: 'Beta pipeline',
  nodes: [
    { id: 'beta-start', type: 'trigger', label: 'Beta captured', config: { sources: [] }, position: at(0) },
    { id: 'beta-stage', type: 'stage', label: 'Beta qualifying', config: { name: 'beta-qualifying', status: 'open' }, position: at(300) },
    { id: 'beta-won', type: 'end_won', label: 'Won', config: {}, position: at(600) },
  ],
  edges: [{ id: 'e1', source: 'beta-start', target: 'beta-stage' }, { id: 'e2', source: 'beta-stage', target: 'beta-won' }],
};

const draftOf = async (id: string) => (await stack.db.sql<{ draft: { nodes: { id: string }[] } }[]>`select draft from pipelines where id = ${id}`)[0]!.draft;
const versionsOf = async (id: string) => stack.db.sql<{ version: number; note: string }[]>`select version, note from pipeline_versions where pipeline_id = ${id} order by version`;
const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

beforeAll(async () => {
  stack = await createTestStack();
  await ensureDefaultRuleSets(stack.db.sql);
  await ensureDefaultPipeline(stack.db.sql);
  await savePipelineDraft(stack.db.sql, alpha.id, alpha.name, alpha);
  await savePipelineDraft(stack.db.sql, beta.id, beta.name, beta);
  await stack.db.sql`insert into users (id, email, name, role, password_hash) values ('ops-designer', ${email}, 'Dora Designer', 'ops', ${await hashPassword(password)})`;
  session = await openBrowserSession(stack, '', { locale: null });
  ({ page, baseUrl } = session);
  // A browser prompt would be the old publish note: fail loudly instead of answering it.
  page.on('dialog', (d) => {
    console.error('unexpected browser dialog:', d.message());
    void d.dismiss();
  });
}, 180_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

describe('pipeline designer keeps each pipeline\'s work apart', () => {
  it('opening B while it loads shows no graph and cannot save; saving B afterwards leaves A\'s draft unchanged', async () => {
    await page.goto(`${baseUrl}/pipelines/alpha`);
    await signIn(page, email, password);
    await node('alpha-stage').waitFor();
    const alphaBefore = await draftOf('alpha');

    // Beta's draft answers only when the test lets it.
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    await page.route('**/api/pipelines/beta', async (route) => {
      await gate;
      await route.continue();
    });
    // In-app navigation (no page load): the designer store still holds Alpha's graph.
    await page.getByRole('link', { name: 'Pipelines', exact: true }).first().click();
    await page.getByRole('link', { name: 'Beta pipeline' }).click();
    await page.getByTestId('canvas-loading').waitFor();
    expect(await node('alpha-stage').count()).toBe(0);
    const saveButton = page.getByRole('button', { name: 'Save draft' });
    const publishButton = page.getByRole('button', { name: 'Publish', exact: true });
    expect(await saveButton.isDisabled()).toBe(true);
    expect(await publishButton.isDisabled()).toBe(true);
    expect(await saveButton.getAttribute('title')).toMatch(/still loading/);
    await shot(page, '50-designer-b-loading');
    await saveButton.click({ force: true });
    await page.keyboard.press('Control+z');

    release();
    await node('beta-stage').waitFor();
    await page.unroute('**/api/pipelines/beta');
    expect(await node('alpha-stage').count()).toBe(0);
    expect(await saveButton.isEnabled()).toBe(true);
    await saveButton.click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Draft saved/);
    await shot(page, '50-designer-b-saved');

    expect(await draftOf('alpha')).toEqual(alphaBefore);
    expect((await draftOf('beta')).nodes.map((n) => n.id)).toEqual(['beta-start', 'beta-stage', 'beta-won']);
    // Nothing of either pipeline is left in this browser as an unsaved draft under the other's name.
    const stored = await page.evaluate(() => ({ a: localStorage.getItem('leadflow:draft:pipeline:alpha'), b: localStorage.getItem('leadflow:draft:pipeline:beta') }));
    expect(stored.b).toBeNull();
    if (stored.a) expect(JSON.parse(stored.a).doc.id).toBe('alpha');
  });

  it('a slow answer for A that arrives after B is open never replaces B\'s graph', async () => {
    await page.goto(`${baseUrl}/pipelines`);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    await page.route('**/api/pipelines/alpha', async (route) => {
      await gate;
      await route.continue();
    });
    await page.getByRole('link', { name: 'Alpha pipeline' }).click();
    await page.getByTestId('canvas-loading').waitFor();
    // Give up on A before it answers and open B.
    await page.getByRole('link', { name: 'Pipelines', exact: true }).first().click();
    await page.getByRole('link', { name: 'Beta pipeline' }).click();
    await node('beta-stage').waitFor();
    const answered = page.waitForResponse('**/api/pipelines/alpha');
    release();
    await answered;
    await page.unroute('**/api/pipelines/alpha');
    // B's graph stays, and a save writes B's graph to B.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Draft saved/);
    expect(await node('alpha-stage').count()).toBe(0);
    expect(await node('beta-stage').count()).toBe(1);
    expect((await draftOf('beta')).nodes.map((n) => n.id)).toEqual(['beta-start', 'beta-stage', 'beta-won']);
    expect(await draftOf('alpha')).toEqual(alpha);
  });

  it('cancelling the publish dialog publishes nothing; confirming publishes with the note', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Note for this version').waitFor();
    await dialog.getByLabel('Note for this version').fill('should never be published');
    // The dialog has faded in before the picture is taken.
    await expect.poll(() => dialog.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await shot(page, '50-designer-publish-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/nothing was published/);
    expect(await versionsOf('beta')).toEqual([]);

    // Escape closes it the same way.
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog').getByLabel('Note for this version').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(await versionsOf('beta')).toEqual([]);

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('dialog').getByLabel('Note for this version').fill('first beta');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish version' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Published version 1/);
    expect(await versionsOf('beta')).toEqual([{ version: 1, note: 'first beta' }]);
    expect(await draftOf('alpha')).toEqual(alpha);
  });

  it('a refused publish lists every problem at once, each named by its node, and marks the nodes', async () => {
    await page.goto(`${baseUrl}/pipelines/alpha`);
    await node('alpha-wait').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Publish refused: 3 problem/);
    expect(await page.getByRole('dialog').count()).toBe(0);
    const problems = page.getByTestId('problems');
    await problems.waitFor();
    const items = await problems.locator('li').allTextContents();
    expect(items).toHaveLength(3);
    expect(items.filter((t) => t.startsWith('Alpha waits (alpha-wait)'))).toHaveLength(2);
    expect(items.join('\n')).toMatch(/branch "won".*not connected/);
    expect(items.join('\n')).toMatch(/branch "lost".*not connected/);
    expect(items.join('\n')).toMatch(/^Pipeline: the pipeline has no end/m);
    await expect.poll(() => page.locator('.react-flow__node[data-id="alpha-wait"] .flow-node.has-problem').count()).toBe(1);
    expect(await versionsOf('alpha')).toEqual([]);
    await shot(page, '50-designer-refused');

    // Clicking a problem selects its node.
    await problems.getByRole('button', { name: 'Alpha waits (alpha-wait)' }).first().click();
    await expect.poll(() => page.locator('.react-flow__node.selected[data-id="alpha-wait"]').count()).toBe(1);
  });

  it('shows the keyboard shortcuts on "?"', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Shift+?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    expect(await help.textContent()).toMatch(/Undo/);
    await shot(page, '50-designer-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);

    // Keyboard add-node: N, type part of the name, Enter.
    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog', { name: 'Add a node' });
    await dialog.getByPlaceholder('Type to search the palette').waitFor();
    await page.keyboard.type('Task');
    await shot(page, '50-designer-add-node');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await node('create-task').waitFor();
    await expect.poll(() => page.locator('.react-flow__node.selected[data-id="create-task"]').count()).toBe(1);
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('opens the default pipeline at a zoom where node text is readable; auto layout wraps it into rows; panels collapse', async () => {
    const zoom = async () => Number(/scale\(([\d.]+)\)/.exec((await page.locator('.react-flow__viewport').getAttribute('style')) ?? '')?.[1]);
    await page.goto(`${baseUrl}/pipelines/default`);
    await node('capture').waitFor();
    await expect.poll(zoom).toBeGreaterThanOrEqual(0.7);
    // The trigger is on screen, its title at least 10 px high on the screen.
    const title = page.locator('.react-flow__node[data-id="capture"] .flow-node-title');
    expect(await title.isVisible()).toBe(true);
    expect((await title.boundingBox())!.height).toBeGreaterThanOrEqual(10);
    await shot(page, '50-designer-default-fitted');

    await page.getByRole('button', { name: 'Hide palette' }).click();
    await page.getByRole('button', { name: 'Hide side panel' }).click();
    expect(await page.getByTestId('palette').count()).toBe(0);
    await page.getByRole('button', { name: 'Auto layout' }).click();
    await expect.poll(zoom).toBeGreaterThanOrEqual(0.7);
    const ys = new Set(await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().y))));
    expect(ys.size).toBeGreaterThan(1);
    await shot(page, '50-designer-default-auto-layout');
    await page.getByRole('button', { name: 'Show palette' }).click();
    await page.getByRole('button', { name: 'Show side panel' }).click();
    await page.getByTestId('palette').waitFor();
  });

  it('live view shows the counts on load (no new event needed), every stage in pipeline order, lists matching the counts', async () => {
    // Two leads already sit in Beta's stage before the page opens; nothing changes while it is open.
    for (const id of ['live-1', 'live-2']) {
      await stack.db.sql`insert into leads (id, dedupe_key, source, name, email, country, pipeline_id, pipeline_version, stage, status, node_id)
                         values (${id}, ${id}, 'web', ${`Lead ${id}`}, ${`${id}@example.test`}, 'DE', 'beta', 1, 'beta-qualifying', 'open', 'beta-stage')`;
    }
    await page.goto(`${baseUrl}/live/beta`);
    const chip = page.getByTestId('stage-beta-qualifying');
    await expect.poll(() => chip.locator('.stage-count').textContent(), { timeout: 10_000 }).toBe('2');
    await expect.poll(() => page.getByTestId('count-beta-stage').textContent(), { timeout: 10_000 }).toBe('2');
    await chip.click();
    await expect.poll(() => page.getByTestId('lead-list').locator('.lead-row').count()).toBe(2);
    await shot(page, '50-live-counts-on-load');
  });
});

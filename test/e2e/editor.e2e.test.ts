import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords';
import { ensureDefaultPipeline } from '../../db/pipelines';
import { ensureDefaultRuleSets } from '../../db/rule-sets';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

let stack: TestStack;
let session: BrowserSession;
let page: Page;
let baseUrl: string;
const email = 'ops-e2e@example.test';
const password = 'correct horse battery staple';
const dialogs: string[] = [];

beforeAll(async () => {
  stack = await createTestStack();
  await stack.startWorker();
  await ensureDefaultRuleSets(stack.db.sql);
  await ensureDefaultPipeline(stack.db.sql);
  await stack.db.sql`insert into users (id, email, name, role, password_hash) values ('ops-e2e', ${email}, 'Olga Ops', 'ops', ${await hashPassword(password)})`;
  // Start from an empty draft of the default pipeline (the one web-form leads walk): only the trigger.
  await stack.db.sql`update pipelines set draft = ${stack.db.sql.json({ id: 'default', name: 'Default sales pipeline', nodes: [{ id: 'capture', type: 'trigger', label: 'Lead captured', config: { sources: [] }, position: { x: 0, y: 0 } }], edges: [] } as never)} where id = 'default'`;
  session = await openBrowserSession(stack, '', { locale: null });
  ({ page, baseUrl } = session);
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
}, 180_000);

// A failed step leaves a picture of what the browser showed.
afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

/** Drags a palette item onto the canvas at a fraction of its size (HTML5 drag and drop). */
async function dropFromPalette(type: string, fx: number, fy: number) {
  const canvas = page.getByTestId('canvas');
  const box = (await canvas.boundingBox())!;
  await page.getByTestId(`palette-${type}`).dragTo(canvas, { targetPosition: { x: box.width * fx, y: box.height * fy } });
}

async function connect(from: Locator, to: Locator) {
  const edges = page.locator('.react-flow__edge');
  const before = await edges.count();
  // A busy machine can drop a pointer gesture (the canvas was still settling): try the gesture again, at most twice.
  for (let attempt = 0; attempt < 3; attempt++) {
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2 - 20, b.y + b.height / 2, { steps: 8 });
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
    await page.mouse.up();
    const connected = await expect.poll(() => edges.count(), { timeout: 3_000 }).toBeGreaterThan(before).then(() => true, () => false);
    if (connected) return;
  }
}
const targetOf = (nodeId: string) => page.locator(`.react-flow__node[data-id="${nodeId}"] .react-flow__handle.target`);
const sourceOf = (nodeId: string, branch = 'next') => page.getByTestId(`handle-${nodeId}-${branch}`);
async function select(nodeId: string) {
  await page.locator(`.react-flow__node[data-id="${nodeId}"]`).click({ position: { x: 60, y: 20 } });
  await expect.poll(() => page.getByTestId('inspector').count()).toBe(1);
}

describe('editor end to end', () => {
  it('signs in', async () => {
    await page.goto(`${baseUrl}/pipelines`);
    await page.getByLabel('E-mail').waitFor();
    await shot(page, '01-sign-in');
    await signIn(page, email, password);
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    await shot(page, '02-pipelines');
  });

  it('builds a scoring rule in the rule builder, refuses an invalid one, then publishes', async () => {
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await page.getByLabel('New rule set name').fill('E2E scoring');
    await page.getByRole('button', { name: 'New rule set' }).click();
    await page.getByTestId('rule-0').waitFor();
    await page.getByTestId('add-rule').click();
    const rule = page.getByTestId('rule-1');
    await rule.getByLabel('rule name').fill('German leads');
    await rule.getByLabel('fact').selectOption('country');
    await rule.getByLabel('operator').selectOption('equal');
    await rule.getByLabel('value').fill('DE');
    await rule.getByLabel('points').fill('25');
    // Bad input: an empty rule name is shown inline and the server refuses the save; the edit is kept.
    await rule.getByLabel('rule name').fill('');
    await expect.poll(() => page.getByTestId('rule-problem-count').textContent()).toMatch(/problem/);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByTestId('rule-status').textContent()).toMatch(/Not saved/);
    await shot(page, '03-rule-invalid');
    await rule.getByLabel('rule name').fill('German leads');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByTestId('rule-status').textContent()).toMatch(/Published version 1/);
    await shot(page, '04-rule-published');
    // The JSON view shows the same document.
    await page.getByRole('button', { name: 'JSON' }).click();
    expect(await page.getByLabel('rule set JSON').inputValue()).toContain('"German leads"');
    // Simulate the draft on a sample lead from Germany: the new rule matches.
    await page.getByRole('button', { name: 'Simulate & backtest' }).click();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByTestId('sim-result').getByText('✓ German leads').waitFor();
    await shot(page, '05-rule-simulate');
  });

  it('builds the pipeline by dragging and connecting, is refused while broken, then publishes', async () => {
    await page.goto(`${baseUrl}/pipelines/default`);
    await page.locator('.react-flow__node[data-id="capture"]').waitFor();
    // Drops land where the test aims only once the canvas has been fitted to the graph.
    await page.locator('[data-testid="canvas"][data-fitted="true"]').waitFor();
    await dropFromPalette('score', 0.2, 0.15);
    await dropFromPalette('stage', 0.8, 0.15);
    await dropFromPalette('wait', 0.2, 0.85);
    await dropFromPalette('end_won', 0.8, 0.85);
    await dropFromPalette('end_lost', 0.5, 0.85);
    for (const id of ['score', 'stage', 'wait', 'end-won', 'end-lost']) await page.locator(`.react-flow__node[data-id="${id}"]`).waitFor();

    // Configure: the score node uses the new rule set, the stage is named, the wait waits for the close.
    await select('score');
    await page.getByLabel('Rule set').selectOption('e2e-scoring');
    await select('stage');
    await page.getByLabel('Name').fill('hot-leads');
    await select('wait');
    await page.getByLabel('Until').selectOption('close');

    await connect(sourceOf('capture'), targetOf('score'));
    await connect(sourceOf('score'), targetOf('stage'));
    await connect(sourceOf('stage'), targetOf('wait'));
    await connect(sourceOf('wait', 'won'), targetOf('end-won'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);

    // Bad input: the "lost" branch is not wired: publish is refused and the node is marked.
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Publish refused/);
    await expect.poll(() => page.locator('.react-flow__node[data-id="wait"] .flow-node.has-problem').count()).toBe(1);
    expect(await page.locator('.react-flow__node[data-id="wait"] .flow-node-problem').textContent()).toMatch(/branch "lost"/);
    await shot(page, '06-publish-refused');
    const versions = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from pipeline_versions where pipeline_id = 'default'`;
    expect(versions[0]!.n).toBe(1);

    // Undo / redo round trip on a connection.
    await connect(sourceOf('wait', 'lost'), targetOf('end-lost'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(5);
    await page.locator('body').press('Control+z');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4);
    await page.locator('body').press('Control+Shift+z');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(5);

    await page.getByRole('button', { name: 'Auto layout' }).click();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('dialog').getByLabel('Note for this version').fill('hot leads wait for the close');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish version' }).click();
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toMatch(/Published version 2/);
    await expect.poll(() => page.locator('.flow-node.has-problem').count()).toBe(0);
    await shot(page, '07-published');

    // Versions and diff: v1 (the shipped default) → v2 shows added and removed nodes.
    await page.getByRole('button', { name: /Versions/ }).click();
    await page.getByLabel('compare from').selectOption('1');
    await page.getByLabel('compare to').selectOption('2');
    await page.getByTestId('diff').getByText('+ node').first().waitFor();
    await shot(page, '08-versions-diff');
  });

  it('counts a captured lead live at its stage and shows its timeline with the rule set behind the score', async () => {
    await page.goto(`${baseUrl}/live/default`);
    await page.locator('.react-flow__node[data-id="stage"]').waitFor();
    const res = await fetch(`${baseUrl}/api/leads/web-form`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Greta Example', email: 'greta@example-gmbh.de', company: 'Example GmbH', country: 'DE' }),
    });
    expect(res.status).toBe(202);
    // The public form answers without naming the lead; find it by its e-mail.
    await eventually(async () => (await stack.db.sql`select 1 from leads where email = 'greta@example-gmbh.de' and stage = 'hot-leads'`).length > 0, 30_000);
    const [{ id: leadId }] = await stack.db.sql<{ id: string }[]>`select id from leads where email = 'greta@example-gmbh.de'`;
    const chip = page.getByTestId('stage-hot-leads');
    // Every stage of the pipeline is listed from the start (0 when empty); the count turns 1 when the lead arrives.
    await expect.poll(() => chip.locator('.stage-count').textContent(), { timeout: 10_000 }).toBe('1');
    await expect.poll(async () => {
      const badges = await page.locator('.count-badge').allTextContents();
      return badges.map((b) => b.trim()).filter((b) => b.startsWith('1')).length;
    }, { timeout: 10_000 }).toBeGreaterThan(0);
    await shot(page, '09-live-counts');

    await chip.click();
    await page.getByTestId(`lead-${leadId}`).click();
    await page.getByTestId('timeline').getByText('Greta Example').waitFor();
    await page.getByTestId('timeline-cause').first().waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('timeline').textContent()).toContain('E2E scoring');
    await shot(page, '10-lead-timeline');
  });

  it('keeps unsaved edits across a reload and a server error', async () => {
    await page.goto(`${baseUrl}/pipelines/default`);
    await page.locator('.react-flow__node[data-id="capture"]').waitFor();
    // Drops land where the test aims only once the canvas has been fitted to the graph.
    await page.locator('[data-testid="canvas"][data-fitted="true"]').waitFor();
    await dropFromPalette('create_task', 0.5, 0.1);
    await page.locator('.react-flow__node[data-id="create-task"]').waitFor();
    // The server refuses the save (500 on the draft route): the edit stays in this browser.
    await page.route('**/api/pipelines/default/draft', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal","message":"Something went wrong on our side; it has been logged."}' }));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/Not saved/);
    await page.unroute('**/api/pipelines/default/draft');
    await page.reload();
    await page.locator('.react-flow__node[data-id="create-task"]').waitFor();
    expect(await page.getByText('Restored unsaved changes').count()).toBe(1);
    await shot(page, '11-restored-draft');
    // Deleting the node that would break nothing needs no confirmation; deleting "stage" warns.
    const before = dialogs.length;
    await page.locator('.react-flow__node[data-id="stage"]').click({ position: { x: 60, y: 20 } });
    await page.keyboard.press('Delete');
    await expect.poll(() => dialogs.length).toBe(before + 1);
    expect(dialogs[dialogs.length - 1]).toMatch(/breaks the pipeline/);
  });
});

// Editor speed: time from navigation to a generated 500-node pipeline rendered, frame times while dragging a node
// (GPU off), and a 200-rule scoring set: rendered and answering a search.
// Builds the editor (into LEADFLOW_EDITOR_DIR when set), starts the API on a real (embedded) database, drives Chromium.
// Run: npx tsx bench/editor.ts   (CHROMIUM_PATH overrides the browser)
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium } from 'playwright-core';
import { buildApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { migrate } from '../db/migrate';
import { openDatabase } from '../db/open';
import { createRuleSet, ensureDefaultRuleSets } from '../db/rule-sets';
import { validateRuleSet } from '../rules/validate';
import { printTable } from './lib/table';
import type { PipelineDocument } from '../engine/pipeline/schema';
import { loadConfig } from '../runtime/config';

const NODES = 500;
const RULES = 200;

/** A valid chain of stages and decisions: trigger → (stage → decision → …) → won / lost. */
function generatePipeline(n: number): PipelineDocument {
  const nodes: PipelineDocument['nodes'] = [{ id: 'capture', type: 'trigger', config: { sources: [] }, position: { x: 0, y: 0 } }];
  const edges: PipelineDocument['edges'] = [];
  let prev = 'capture';
  for (let i = 1; nodes.length < n - 2; i++) {
    const id = `stage-${i}`;
    nodes.push({ id, type: 'stage', label: `Stage ${i}`, config: { name: `stage ${i}` }, position: { x: (i % 25) * 240, y: Math.floor(i / 25) * 120 } });
    edges.push({ id: `e${edges.length + 1}`, source: prev, target: id });
    prev = id;
  }
  nodes.push({ id: 'won', type: 'end_won', config: {}, position: { x: 0, y: 3000 } }, { id: 'lost', type: 'end_lost', config: {}, position: { x: 240, y: 3000 } });
  edges.push({ id: `e${edges.length + 1}`, source: prev, target: 'won' });
  return { id: 'bench', name: 'Bench 500', nodes, edges };
}

/** A scoring set of `n` rules over a few facts, like a large real one (collapsed cards, one comparison or two each). */
function generateRules(n: number): unknown {
  const facts = [
    (i: number) => ({ fact: 'companySize', operator: 'greaterThanInclusive', value: 10 * i }),
    (i: number) => ({ fact: 'visitsLast30Days', operator: 'greaterThan', value: i % 20 }),
    (i: number) => ({ fact: 'country', operator: 'in', value: [['DE', 'AT', 'CH', 'FR', 'SE'][i % 5]!] }),
    (i: number) => ({ fact: 'formSubmissions', operator: 'greaterThanInclusive', value: 1 + (i % 4) }),
  ];
  const rules = Array.from({ length: n }, (_, i) => ({
    name: `rule-${String(i + 1).padStart(3, '0')}`,
    conditions: { all: i % 3 === 0 ? [facts[i % 4]!(i), facts[(i + 1) % 4]!(i)] : [facts[i % 4]!(i)] },
    event: { type: 'score', params: { points: (i % 11) - 3 } },
  }));
  return { name: `Bench ${n} rules`, kind: 'scoring', settings: { grades: { A: 60, B: 30 } }, rules };
}

async function main() {
  // A side build when LEADFLOW_EDITOR_DIR is set (the API serves the same folder), the default build otherwise.
  execSync(process.env.LEADFLOW_EDITOR_DIR ? 'npx vite build --config editor/vite.config.ts --logLevel warn' : 'npm run build:editor --silent', { stdio: 'inherit' });
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  // In-memory PGlite unless DATABASE_URL is set: the bench never touches the app's data.
  const db = await openDatabase(config, { memory: true });
  await migrate(db.sql, { singleConnection: db.embedded });
  const connection = await Connection.lazy({ address: config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const app = await buildApp({ sql: db.sql, temporal: new Client({ connection }), config });
  await ensureDefaultRuleSets(db.sql);
  await db.sql`insert into users (id, email, name, role, password_hash) values ('bench', 'bench@example.test', 'Bench', 'ops', ${await hashPassword('bench-password-1')}) on conflict (id) do nothing`;
  const doc = generatePipeline(NODES);
  await db.sql`insert into pipelines (id, name, draft) values ('bench', ${doc.name}, ${db.sql.json(doc as never)})
               on conflict (id) do update set draft = excluded.draft`;
  // Stored as the API would store it: validated, with its defaults filled in.
  const rulesDoc = validateRuleSet(generateRules(RULES));
  if (!rulesDoc.ok) throw new Error(`generated rule set invalid: ${rulesDoc.problems[0]?.message}`);
  await createRuleSet(db.sql, 'bench-rules', rulesDoc.doc);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${base}/pipelines`);
  await page.getByLabel('E-mail').fill('bench@example.test');
  await page.getByLabel('Password').fill('bench-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();

  const results: Record<string, number> = {};
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = Date.now();
    await page.goto(`${base}/pipelines/bench`);
    await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length >= n, NODES, { timeout: 30_000, polling: 'raf' });
    runs.push(Date.now() - t0);
  }
  results.firstRenderMsBest = Math.min(...runs);
  results.firstRenderMsMean = runs.reduce((a, b) => a + b, 0) / runs.length;

  // Frame times while dragging: record requestAnimationFrame deltas during 60 mouse moves.
  const node = page.locator('.react-flow__node[data-id="stage-1"]');
  const box = (await node.boundingBox())!;
  // A string, not a function: tsx's helpers (__name) do not exist in the page.
  await page.evaluate(`(() => {
    window.__frames = []; window.__stop = false; let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await page.mouse.move(box.x + 40, box.y + 15);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) await page.mouse.move(box.x + 40 + i * 4, box.y + 15 + i * 2);
  await page.mouse.up();
  const frames = await page.evaluate<number[]>('(() => { window.__stop = true; return window.__frames.slice(1); })()');
  const sorted = [...frames].sort((a, b) => a - b);
  results.dragFrames = frames.length;
  results.dragFrameMsMean = frames.reduce((a, b) => a + b, 0) / frames.length;
  results.dragFrameMsP95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  results.dragFrameMsMax = sorted[sorted.length - 1] ?? 0;

  // Rules page: navigation → all 200 rule cards rendered; then interactive: a search narrows the list to one rule.
  const ruleRuns: number[] = [];
  const searchRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = Date.now();
    await page.goto(`${base}/rules/bench-rules`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="rule-"][data-collapsed]').length >= n, RULES, { timeout: 30_000, polling: 'raf' })
      .catch(async (err: unknown) => { await page.screenshot({ path: join('bench', 'results', 'editor-rules-timeout.png') }); throw err; });
    ruleRuns.push(Date.now() - t0);
    const t1 = Date.now();
    await page.getByLabel('search rules').fill('rule-150');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="rule-"][data-collapsed]').length === 1, undefined, { timeout: 10_000, polling: 'raf' });
    searchRuns.push(Date.now() - t1);
  }
  results.rulesRenderMsBest = Math.min(...ruleRuns);
  results.rulesRenderMsMean = ruleRuns.reduce((a, b) => a + b, 0) / ruleRuns.length;
  results.rulesSearchMsBest = Math.min(...searchRuns);
  await page.getByLabel('search rules').fill('');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="rule-"][data-collapsed]').length >= n, RULES, { timeout: 10_000 });
  // Height of the list of collapsed cards (the page scrolls inside the shell, so the document height says nothing).
  results.rulesListHeightPx = await page.evaluate((n) => {
    const first = document.querySelector('[data-testid="rule-0"]')?.getBoundingClientRect();
    const last = document.querySelector(`[data-testid="rule-${n - 1}"]`)?.getBoundingClientRect();
    return first && last ? last.bottom - first.top : -1;
  }, RULES);

  await browser.close();
  await app.close();
  await db.close();

  const goals: Record<string, [number, string]> = {
    firstRenderMsBest: [1000, `${NODES}-node pipeline: navigation → nodes rendered`],
    dragFrameMsP95: [16, 'drag frame p95 (GPU off: software rendering)'],
    rulesRenderMsBest: [1000, `${RULES}-rule set: navigation → cards rendered`],
    rulesSearchMsBest: [1000, `${RULES}-rule set: search answers`],
  };
  const rows = Object.entries(results).map(([metric, value]) => {
    const goal = goals[metric];
    return { metric, value: Math.round(value * 10) / 10, goal: goal ? `< ${goal[0]}` : '', met: goal ? (value < goal[0] ? 'yes' : 'NO') : '', what: goal?.[1] ?? '' };
  });
  printTable(rows);
  if (results.dragFrameMsP95! >= 16) {
    // Headless Chromium with --disable-gpu rasterises every frame on the CPU; on a shared 2-core machine a frame of a
    // 1440×900 canvas with hundreds of nodes costs more than 16 ms whatever React does.
    console.log(`drag p95 ${results.dragFrameMsP95!.toFixed(1)} ms misses 16 ms: bounded by software rendering (GPU off) on ${(await import('node:os')).cpus().length} CPU cores`);
  }
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(join('bench', 'results', 'editor.json'), JSON.stringify({ nodes: NODES, rules: RULES, at: new Date().toISOString(), results, goals }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

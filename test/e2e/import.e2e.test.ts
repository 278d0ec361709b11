import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/passwords';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { makeImportCsv } from '../import/fixture';
import { type BrowserSession, openBrowserSession, shot, signIn } from './helpers/browser';

// Olga (ops) imports a 10,000-row list with known duplicates and bad rows through the page; the worker is stopped
// halfway and started again, and the counts come out exact. The capture dispatcher is held for this file: the import
// feeds the capture inbox (what it owns); turning 9,000 inbox rows into lead workflows is the dispatcher's job and
// would only make this test slow.

const password = 'correct horse battery staple';
const olga = { id: 'u-olga', email: 'olga@leadflow.demo' };
const ROWS = 10_000;
const fixture = makeImportCsv({ rows: ROWS, tag: 'browser' });

let stack: TestStack;
let session: BrowserSession;
let page: Page;
let baseUrl: string;
let dir: string;
const rate = process.env.IMPORT_ROWS_PER_SECOND;

beforeAll(async () => {
  // Fast enough for a test, slow enough that the import is still running when the worker stops.
  process.env.IMPORT_ROWS_PER_SECOND = '1000';
  stack = await createTestStack();
  await seedDefaults(stack.db.sql);
  await stack.db.sql`update users set password_hash = ${await hashPassword(password)} where id = ${olga.id}`;
  await stack.startWorker();
  await stack.app.ready();
  await stack.app.captureDispatcher.stop();
  dir = await mkdtemp(join(tmpdir(), 'import-e2e-'));
  // Saved as a spreadsheet in a German locale does: ; separated, Windows-1252.
  await writeFile(join(dir, 'trade-fair.csv'), Buffer.from(fixture.csv, 'latin1'));
  session = await openBrowserSession(stack, 'import', { context: { acceptDownloads: true } });
  ({ page, baseUrl } = session);
}, 120_000);

afterEach(async ({ task }) => {
  await session?.screenshotOnFailure(task, page);
});

afterAll(async () => {
  if (rate === undefined) delete process.env.IMPORT_ROWS_PER_SECOND;
  else process.env.IMPORT_ROWS_PER_SECOND = rate;
  await session?.close();
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const count = async (label: string) => Number((await page.getByTestId(`count-${label}`).locator('p').last().textContent())?.replace(/,/g, ''));
const progressValue = async () => Number(await page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow'));

describe('importing a lead list in the browser', () => {
  it('uploads the file and shows the detected columns and the first rows checked', async () => {
    await page.goto(`${baseUrl}/imports`);
    await signIn(page, olga.email, password);
    await page.getByText('No imports yet').waitFor();
    await page.locator('input[type="file"]').setInputFiles(join(dir, 'trade-fair.csv'));
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    await page.waitForURL(/\/imports\/imp-/);
    await page.getByText('Windows-1252 / Latin-1, separated by ";"').waitFor();
    expect(await page.getByLabel('Column E-Mail').inputValue()).toBe('email');
    expect(await page.getByLabel('Column Vorname').inputValue()).toBe('firstName');
    const preview = page.getByRole('table', { name: 'Preview' });
    await expect.poll(() => preview.locator('tbody tr').count(), { timeout: 15_000 }).toBe(20);
    expect(await preview.locator('tbody tr').first().textContent()).toContain('Müller-browser');
    await shot(page, 'import-1-mapping');
  });

  it('imports with a moving progress bar; a worker stopped halfway changes nothing in the counts', async () => {
    await page.getByLabel('List name').fill('Trade fair 2026');
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('progressbar', { name: 'Import progress' }).waitFor();
    const seen = new Set<number>();
    await expect.poll(async () => {
      const v = await progressValue();
      if (v > 0 && v < 100) seen.add(v);
      return seen.size;
    }, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(2);

    const [id] = page.url().match(/imp-[0-9a-f]+/)!;
    const rowsDone = async () => (await stack.db.sql<{ n: number }[]>`select rows_done as n from imports where id = ${id}`)[0]!.n;
    await eventually(async () => (await rowsDone()) >= ROWS / 2, 60_000, 100);
    await stack.stopWorker();
    const atStop = await rowsDone();
    expect(atStop).toBeLessThan(ROWS);
    await shot(page, 'import-2-worker-stopped');
    await new Promise((r) => setTimeout(r, 1500));
    await stack.startWorker();

    await page.getByText('Finished', { exact: true }).waitFor({ timeout: 90_000 });
    expect(await progressValue()).toBe(100);
    expect(await count('rows-done')).toBe(ROWS);
    expect(await count('created')).toBe(fixture.unique);
    expect(await count('skipped')).toBe(fixture.duplicates);
    expect(await count('merged')).toBe(0);
    expect(await count('failed')).toBe(fixture.badRows.length);
    const [{ n }] = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from capture_inbox where submission_id like ${`import-${id}-%`}`;
    expect(n).toBe(fixture.unique);
    await shot(page, 'import-3-finished');
  }, 150_000);

  it('the error file lists every bad row with its field and reason', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download error file/ }).click()]);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('row,field,reason');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(fixture.badRows);
    expect(lines.slice(1).every((l) => /^\d+,email,"must be an e-mail address/.test(l))).toBe(true);
    await page.getByRole('link', { name: 'Imports' }).first().click();
    await expect.poll(() => page.getByRole('table', { name: 'Imports' }).textContent()).toContain('Trade fair 2026');
  });
});

import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { chromiumPath } from '../../../scripts/check-browser.mjs';

export const screenshotDir = join(process.cwd(), 'test-results', 'e2e');

/** Debian's Chromium, headless, with everything that phones home turned off. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

/** Fills the sign-in form shown in place of any page and submits it. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('E-mail').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export interface BrowserSessionOptions {
  /** Viewport of every page the session opens (default 1440×900). */
  viewport?: { width: number; height: number };
  /** Locale of the session's contexts (default 'en-GB'); null leaves the browser's own. */
  locale?: string | null;
  /** More options for every context the session opens (e.g. acceptDownloads). */
  context?: BrowserContextOptions;
  /** Open the first page (and its context) right away (default true). */
  page?: boolean;
}

export interface BrowserSession {
  browser: Browser;
  /** Where the stack's API and editor answer (127.0.0.1, a free port). */
  baseUrl: string;
  /** The first page and its context (opened unless `page: false`). */
  page: Page;
  context: BrowserContext;
  /** A page in a context of its own (the session's viewport and locale), logging page errors; closed with the session. */
  newPage(extra?: BrowserContextOptions): Promise<Page>;
  /** For afterEach: when the test failed, a screenshot of `page` (default: the first page) named `<prefix>-failed-<test>`. */
  screenshotOnFailure(task: { name: string; result?: { state?: string } }, page?: Page, label?: string): Promise<void>;
  /** Closes every context the session opened, then the browser (the stack stays open). */
  close(): Promise<void>;
}

/**
 * The browser set-up every browser test shares: the stack's app listening on 127.0.0.1 (a free port), Debian's
 * Chromium, a 1440×900 en-GB context with a page whose errors are logged, screenshots of failed tests, and one close().
 * @example
 * beforeAll(async () => { stack = await createTestStack(); session = await openBrowserSession(stack, '46'); ({ page, baseUrl } = session); });
 * afterEach(({ task }) => session?.screenshotOnFailure(task));
 * afterAll(async () => { await session?.close(); await stack?.close(); });
 */
export async function openBrowserSession(stack: { app: FastifyInstance }, prefix: string, opts: BrowserSessionOptions = {}): Promise<BrowserSession> {
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const locale = opts.locale === undefined ? 'en-GB' : opts.locale;
  const newPage = async (extra: BrowserContextOptions = {}) => {
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 }, ...(locale ? { locale } : {}), ...opts.context, ...extra });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    return page;
  };
  const first = opts.page === false ? undefined : await newPage();
  const session: BrowserSession = {
    browser, baseUrl, newPage,
    get page(): Page {
      if (!first) throw new Error('this browser session was opened without a first page (page: false); use newPage()');
      return first;
    },
    get context(): BrowserContext {
      return session.page.context();
    },
    async screenshotOnFailure(task, page = first, label) {
      if (task.result?.state !== 'fail' || !page) return;
      await shot(page, `${prefix ? `${prefix}-` : ''}failed-${label ? `${label}-` : ''}${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
    },
  };
  return session;
}

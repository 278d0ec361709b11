import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';
import { startReceiver } from '../webhooks/receiver';
import { openBrowserSession, shot, signIn, type BrowserSession } from './helpers/browser';

// An admin in the browser: a URL pointing at the app itself is refused on the field; a real receiver is subscribed,
// its secret shown once; a test ping arrives signed with it and shows as delivered (200) in the delivery log.

const password = 'admin password for the webhooks test';
let stack: TestStack;
let admin: TestUser;
let session: BrowserSession;
let page: Page;
let baseUrl: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  stack = await createTestStack();
  admin = await createUser(stack.db.sql, { role: 'admin', id: 'u-admin-webhooks', password });
  await stack.startWorker();
  session = await openBrowserSession(stack, '45');
  ({ page, baseUrl } = session);
}, 180_000);

afterEach(({ task }) => session?.screenshotOnFailure(task));

afterAll(async () => {
  const subs = stack ? await stack.db.sql<{ id: string }[]>`select id from webhook_subscriptions` : [];
  for (const s of subs) await stack.client.workflow.getHandle(`webhook-${s.id}`).terminate('test over').catch(() => undefined);
  await session?.close();
  await stack?.close();
  await receiver?.stop();
});

describe('webhooks page', () => {
  it('subscribes a receiver, pings it, and shows the delivery in the log', async () => {
    await page.goto(`${baseUrl}/admin/webhooks`);
    await signIn(page, admin.email, password);
    await page.getByTestId('admin-webhooks-page').waitFor();
    await page.getByText('No webhooks yet').waitFor();

    await page.getByLabel('Name').fill('CRM sync');
    await page.getByLabel('Receiver URL').fill(`${baseUrl}/api/webhooks`);
    await page.getByRole('button', { name: 'Add subscription' }).click();
    await page.getByText('must not point at this API itself').waitFor();
    await shot(page, '45-01-url-refused');

    await page.getByLabel('Receiver URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add subscription' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByTestId('webhook-CRM sync').waitFor();
    await page.getByText('Nothing delivered yet').waitFor();

    await page.getByTestId('webhook-CRM sync').getByRole('button', { name: 'Ping' }).click();
    const row = page.getByTestId('delivery-ping');
    await row.getByTestId('delivery-status').filter({ hasText: 'delivered' }).waitFor({ timeout: 20_000 });
    expect((await row.getByTestId('delivery-code').textContent())?.trim()).toBe('200');
    await shot(page, '45-02-ping-delivered');
    const got = receiver.received.filter((r) => r.event === 'ping');
    expect(got).toHaveLength(1);
    expect(receiver.valid(got[0]!, secret)).toBe(true);
  });
});

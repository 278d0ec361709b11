import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

describe('smoke: api -> Temporal -> worker -> Postgres -> api', () => {
  let stack: TestStack;
  let ops: TestUser;
  beforeAll(async () => {
    stack = await createTestStack();
    ops = await createUser(stack.db.sql, { role: 'ops' });
    await stack.startWorker();
  });
  afterAll(async () => stack?.close());

  it('reports healthy Postgres and Temporal', async () => {
    const res = await stack.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', postgres: { ok: true }, temporal: { ok: true }, captureBacklog: { pending: 0, failing: 0 } });
  });

  it('starts a workflow whose activity writes a row the API reads back', async () => {
    const start = await stack.app.inject({ method: 'POST', url: '/api/smoke', headers: ops.headers, payload: { note: 'first' } });
    expect(start.statusCode).toBe(202);
    const { workflowId } = start.json() as { workflowId: string };
    const row = await eventually(async () => {
      const r = await stack.app.inject({ url: `/api/smoke/${workflowId}`, headers: ops.headers });
      return r.statusCode === 200 ? r.json() : undefined;
    });
    expect(row).toMatchObject({ workflowId, note: 'first' });
  });

  it('completes with exactly one row when the worker is stopped mid-workflow and restarted', async () => {
    const start = await stack.app.inject({ method: 'POST', url: '/api/smoke', headers: ops.headers, payload: { note: 'restart', delayMs: 1500 } });
    const { workflowId } = start.json() as { workflowId: string };
    const handle = stack.client.workflow.getHandle(workflowId);
    // Wait until the workflow has started its durable timer, then take the worker away.
    await eventually(async () => (await handle.fetchHistory()).events!.some((e) => e.timerStartedEventAttributes));
    await stack.stopWorker();
    const missing = await stack.app.inject({ url: `/api/smoke/${workflowId}`, headers: ops.headers });
    expect(missing.statusCode).toBe(404);
    await new Promise((r) => setTimeout(r, 1600));
    await stack.startWorker();
    await expect(handle.result()).resolves.toEqual({ written: true });
    const rows = await stack.db.sql`select count(*)::int as n from smoke_runs where workflow_id = ${workflowId}`;
    expect(rows[0]!.n).toBe(1);
  });

  it('rejects a malformed body with the field and the reason, and starts nothing', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/smoke', headers: ops.headers, payload: { note: 7 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].path).toBe('body.note');
  });

  it('refuses the smoke endpoint without a session', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/smoke', payload: { note: 'x' } });
    expect(res.statusCode).toBe(401);
  });

  it('answers 503 naming Postgres when the database is gone', async () => {
    const { buildApp } = await import('../../api/app');
    const { createSql } = await import('../../db/client');
    const dead = createSql('postgres://nobody@127.0.0.1:1/x', { max: 1 });
    const app = await buildApp({ sql: dead, temporal: stack.client, config: stack.config });
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', postgres: { ok: false }, temporal: { ok: true } });
    await app.close();
    await dead.end({ timeout: 1 });
  });
});

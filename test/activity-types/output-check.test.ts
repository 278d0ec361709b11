import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { defineActivity, toTemporalActivity } from '../../sdk/index';
import type { ActivityCall } from '../../sdk/protocol';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

const lead = { id: 'l-1', name: 'A', email: null, company: 'A GmbH', country: 'DE', companySize: 10, industry: null, productInterest: null, score: 0, grade: null, stage: 'captured' };

describe('an activity whose output does not match its schema fails the step with that reason, without retries', () => {
  let stack: TestStack;
  let admin: TestUser;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  const calls: ActivityCall[] = [];

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    await stack.startWorker();
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    await stack?.close();
  });

  it('checks the output of a worker that does not use the SDK (the lead fails naming the field)', async () => {
    const queue = `rating-${stack.taskQueue}`;
    const keyRes = await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.headers, payload: { name: 'Rating', scopes: ['activity:register'] } });
    const reg = await stack.app.inject({
      method: 'POST', url: '/api/activity-types/register', headers: { 'x-api-key': (keyRes.json() as { key: string }).key },
      payload: { activities: [{ name: 'rateLead', label: 'Rate lead', taskQueue: queue, inputSchema: { type: 'object' },
        outputSchema: { type: 'object', properties: { rating: { type: 'string', enum: ['good', 'review'] } }, required: ['rating'] } }] },
    });
    expect(reg.statusCode, reg.body).toBe(200);
    // A worker in any language may return what it likes: this one answers a rating the schema does not allow.
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    worker = await Worker.create({
      connection, namespace: stack.config.TEMPORAL_NAMESPACE, taskQueue: queue,
      activities: { rateLead: async (call: ActivityCall) => { calls.push(call); return { rating: 'excellent' }; } },
    });
    running = worker.run();

    const at = { x: 0, y: 0 };
    const document = {
      name: 'Rated',
      nodes: [
        { id: 'capture', type: 'trigger', label: 'Captured', config: { sources: [] }, position: at },
        { id: 'rate', type: 'custom', label: 'Rate', config: { activity: 'rateLead', input: {} }, position: at },
        { id: 'won', type: 'end_won', label: 'Won', config: {}, position: at },
      ],
      edges: [{ id: 'e1', source: 'capture', target: 'rate' }, { id: 'e2', source: 'rate', target: 'won' }],
    };
    const published = await stack.app.inject({ method: 'POST', url: '/api/pipelines/default/publish', headers: admin.headers, payload: { document } });
    expect(published.statusCode, published.body).toBe(201);
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads', headers: admin.headers, payload: { name: 'Rated Person', email: 'rated@example.test', company: 'Rated AG', companySize: 40 } });
    const leadId = (res.json() as { leadId: string }).leadId;

    const page = await eventually(async () => {
      const p = (await stack.app.inject({ method: 'GET', url: `/api/leads/${leadId}`, headers: admin.headers })).json() as { lead: { status: string }; events: { type: string; context: Record<string, unknown> }[] };
      return p.events.some((e) => e.type === 'custom_activity_failed') ? p : undefined;
    }, 30_000, 250);
    const failed = page.events.find((e) => e.type === 'custom_activity_failed')!;
    expect(failed.context.reason).toMatch(/rateLead v1 returned output that does not match its schema: \/rating must be equal to one of the allowed values \(good, review\)/);
    expect(page.events.some((e) => e.type === 'won')).toBe(false);
    // The workflow got the activity's result once: the refusal is not retried.
    const status = await eventually(async () => { const d = await stack.client.workflow.getHandle(leadId).describe(); return d.status.name === 'FAILED' ? d.status.name : undefined; }, 20_000, 250);
    expect(status).toBe('FAILED');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ input: {}, key: `${leadId}:rate:1`, nodeId: 'rate', lead: { id: leadId, company: 'Rated AG', companySize: 40 } });
  });

  it('SDK activities check their own input and output: both fail at once, not retried', async () => {
    const act = defineActivity({
      name: 'strict', label: 'Strict',
      input: z.object({ n: z.number().int() }),
      output: z.object({ ok: z.boolean() }),
      async run(input) { return (input.n > 0 ? { ok: true } : { ok: 'yes' }) as never; },
    });
    const env = new MockActivityEnvironment();
    const fn = toTemporalActivity(act);
    await expect(env.run(fn, { input: { n: 1 }, key: 'k', lead, nodeId: 'x' })).resolves.toEqual({ ok: true });
    await expect(env.run(fn, { input: { n: 'one' }, key: 'k', lead, nodeId: 'x' })).rejects.toMatchObject({ nonRetryable: true, type: 'InvalidInput', message: expect.stringContaining('n:') });
    await expect(env.run(fn, { input: { n: 0 }, key: 'k', lead, nodeId: 'x' })).rejects.toMatchObject({ nonRetryable: true, type: 'InvalidOutput', message: expect.stringContaining('ok:') });
  });
});

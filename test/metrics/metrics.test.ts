import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { serveMetrics } from '../../api/metrics';
import { freePort } from '../../runtime/temporal-dev-server';
import { installTemporalRuntime } from '../../runtime/temporal-runtime';
import { WorkerMetrics } from '../../workers/metrics';
import { createLeadflowWorker } from '../../workers/worker';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

/** The value of one series (`name{labels}`) in a Prometheus text exposition, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const scrape = async (url: string) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  return res.text();
};

/**
 * /metrics of the API and of a worker, over their own listeners: the figures an operator watches move when a lead is
 * captured and worked, and nothing in them identifies a person or a lead.
 */
describe('Prometheus metrics of the API and the worker', () => {
  let stack: TestStack;
  let admin: TestUser;
  let worker: Worker;
  let running: Promise<void>;
  let connection: NativeConnection;
  let workerMetrics: WorkerMetrics;
  let apiUrl: string;
  let workerUrl: string;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // First in this process: the SDK's own metrics (workflow task latency …) are exported on a port of ours.
    const sdkPort = await freePort();
    installTemporalRuntime('ERROR', { metricsBindAddress: `127.0.0.1:${sdkPort}` });
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    workerMetrics = new WorkerMetrics({ sdkMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics` });
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    worker = await createLeadflowWorker({
      connection, namespace: stack.config.TEMPORAL_NAMESPACE, taskQueue: stack.taskQueue,
      deps: { sql: stack.db.sql, mailFrom: stack.config.MAIL_FROM, appUrl: 'http://127.0.0.1' },
      workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
      tuning: { maxConcurrentWorkflowTaskExecutions: 10, maxCachedWorkflows: 50 },
      metrics: workerMetrics,
    });
    running = worker.run();
    await stack.app.ready();
    const api = await serveMetrics(() => stack.app.metrics.render(), { host: '127.0.0.1', port: 0 });
    const wk = await serveMetrics(() => workerMetrics.render(), { host: '127.0.0.1', port: 0 });
    closers.push(api.close, wk.close);
    apiUrl = api.url;
    workerUrl = wk.url;
  });
  afterAll(async () => {
    for (const close of closers) await close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    await stack?.close();
  });

  it('moves after a capture: request latency by route pattern, activities and workflow tasks per type; no personal data anywhere', async () => {
    const person = { name: 'Zelda Quintero', email: `Zelda.Quintero.${randomUUID().slice(0, 6)}@quintero-feinmechanik.example`, company: 'Quintero Feinmechanik', country: 'de', message: 'Bitte rufen Sie mich an' };
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads/web-form', payload: person });
    expect(res.statusCode, res.body).toBe(202);
    const lead = await eventually(async () => (await stack.db.sql<{ id: string; owner_id: string | null }[]>`
      select id, owner_id from leads where email = ${person.email.toLowerCase()} and owner_id is not null`)[0], 30_000);
    // A lead page: its id is in the URL, but only the route pattern may become a label.
    expect((await stack.app.inject({ url: `/api/leads/${lead.id}`, headers: admin.headers })).statusCode).toBe(200);

    const api = await scrape(apiUrl);
    expect(sample(api, 'leadflow_http_request_duration_seconds_count{method="POST",route="/api/leads/web-form",status_class="2xx"}')).toBe(1);
    expect(sample(api, 'leadflow_http_request_duration_seconds_count{method="GET",route="/api/leads/:id",status_class="2xx"}')).toBe(1);
    expect(sample(api, 'leadflow_db_up')).toBe(1);
    expect(sample(api, 'leadflow_capture_backlog')).toBe(0);
    expect(sample(api, 'leadflow_mail_outbox_backlog{status="queued"}')).toBeGreaterThanOrEqual(0);
    expect(api).toMatch(/^process_cpu_seconds_total \d/m);

    const work = await eventually(async () => {
      const text = await scrape(workerUrl);
      return (sample(text, 'leadflow_activity_duration_seconds_count{activity_type="routeLead",outcome="ok"}') ?? 0) >= 1 ? text : undefined;
    }, 20_000);
    expect(sample(work, 'leadflow_activity_duration_seconds_count{activity_type="recordCapture",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(work).toMatch(/^temporal_workflow_task_execution_latency_count\{[^}]*workflow_type="leadWorkflow"[^}]*\} [1-9]/m);
    expect(work).toMatch(/^process_resident_memory_bytes \d/m);

    for (const [name, text] of [['API', api], ['worker', work]] as const) {
      const lower = text.toLowerCase();
      for (const secret of [person.email, person.email.split('@')[0]!, 'zelda', 'quintero', lead.id, lead.owner_id!]) {
        expect(lower.includes(secret.toLowerCase()), `${name} metrics mention ${secret}`).toBe(false);
      }
    }
  });

  it('reads the capture and mail backlogs at scrape time: count and age of the oldest', async () => {
    const sql = stack.db.sql;
    const sub = `metrics-${randomUUID()}`;
    const mail = `metrics-${randomUUID()}`;
    // Claimed by "another API" for an hour, so the dispatcher leaves it waiting; an hour-old queued mail.
    await sql`insert into capture_inbox (submission_id, lead_id, dedupe_key, input, created_at, claimed_until)
      values (${sub}, ${'lead-' + sub}, ${'dk-' + sub}, ${sql.json({})}, now() - interval '1 hour', now() + interval '1 hour')`;
    await sql`insert into mail_outbox (id, to_address, subject, body_text, template, created_at)
      values (${mail}, 'backlog.person@example.org', 'Hello', 'Hello', 'test', now() - interval '10 minutes')`;
    try {
      const text = await eventually(async () => {
        const t = await scrape(apiUrl);
        return (sample(t, 'leadflow_capture_backlog') ?? 0) >= 1 ? t : undefined;
      }, 5000);
      expect(sample(text, 'leadflow_capture_dispatch_lag_seconds')).toBeGreaterThanOrEqual(3590);
      expect(sample(text, 'leadflow_mail_outbox_backlog{status="queued"}')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'leadflow_mail_outbox_oldest_seconds')).toBeGreaterThanOrEqual(590);
      expect(text).not.toContain('backlog.person');
    } finally {
      await sql`delete from capture_inbox where submission_id = ${sub}`;
      await sql`delete from mail_outbox where id = ${mail}`;
    }
  });

  it('keeps label sets bounded: unknown URLs are one "unmatched" series and never appear in the output', async () => {
    const count = (t: string) => t.split('\n').filter((l) => l.startsWith('leadflow_http_request_duration_seconds_count{')).length;
    const before = count(await scrape(apiUrl));
    const probes = Array.from({ length: 30 }, () => randomUUID());
    for (const p of probes) {
      await stack.app.inject({ url: `/api/leads/by-mail/${p}@example.org` });
      await stack.app.inject({ url: `/no-such-page-${p}/x.php` });
    }
    const text = await scrape(apiUrl);
    expect(count(text) - before).toBeLessThanOrEqual(2);
    for (const p of probes) expect(text).not.toContain(p);
    expect(text).toMatch(/route="unmatched",status_class="4xx"/);
  });

  it('counts activity failures by kind, per activity type', async () => {
    const metrics = new WorkerMetrics();
    const ctx = { info: { activityType: 'sendEmail' }, cancellationSignal: new AbortController().signal } as never;
    const inbound = metrics.activityInterceptor(ctx).inbound!;
    const input = { args: [], headers: {} } as never;
    await expect(inbound.execute!(input, async () => {
      throw ApplicationFailure.nonRetryable('no such template', 'BadInput');
    })).rejects.toThrow('no such template');
    await expect(inbound.execute!(input, async () => {
      throw new Error('SMTP timeout');
    })).rejects.toThrow('SMTP timeout');
    await inbound.execute!(input, async () => 'ok');
    const text = await metrics.render();
    expect(sample(text, 'leadflow_activity_failures_total{activity_type="sendEmail",kind="non_retryable"}')).toBe(1);
    expect(sample(text, 'leadflow_activity_failures_total{activity_type="sendEmail",kind="retryable"}')).toBe(1);
    expect(sample(text, 'leadflow_activity_duration_seconds_count{activity_type="sendEmail",outcome="failed"}')).toBe(2);
    expect(sample(text, 'leadflow_activity_duration_seconds_count{activity_type="sendEmail",outcome="ok"}')).toBe(1);
  });
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

const root = join(import.meta.dirname, '..', '..');
const hasPython = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;

/** A worker process of its own; its output is kept for the failure message. */
class WorkerProcess {
  child?: ChildProcess;
  output = '';
  constructor(private readonly command: string, private readonly args: string[], private readonly env: Record<string, string>) {}
  start(): void {
    this.child = spawn(this.command, this.args, { cwd: root, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.output += String(d)));
    this.child.stderr!.on('data', (d) => (this.output += String(d)));
  }
  async ready(): Promise<void> {
    await eventually(async () => {
      if (this.child?.exitCode != null) throw new Error(`worker exited (${this.child.exitCode}):\n${this.output}`);
      return this.output.includes('ready');
    }, 60_000, 200).catch((err: Error) => { throw new Error(`${err.message}\n${this.output}`); });
  }
  /** SIGTERM: the worker says goodbye to Leadflow and stops polling. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode != null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode == null) child.kill('SIGKILL');
  }
}

type LeadPage = { lead: { status: string; stage: string; lostReason: string | null }; events: { type: string; context: Record<string, unknown> }[] };

describe('developers\' activity workers in TypeScript and Python, on their own task queues', () => {
  let stack: TestStack;
  let admin: TestUser;
  let ts: WorkerProcess;
  let py: WorkerProcess;
  const enrichQueue = `enrich-${randomBytes(3).toString('hex')}`;
  const creditQueue = `credit-${randomBytes(3).toString('hex')}`;

  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) => stack.app.inject({ method, url, headers: admin.headers, ...(payload ? { payload } : {}) });
  const lead = async (id: string) => (await api('GET', `/api/leads/${id}`)).json() as LeadPage;
  const capture = async (name: string, companySize: number) => {
    const res = await api('POST', '/api/leads', { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.test`, company: `${name} GmbH`, country: 'DE', companySize });
    expect(res.statusCode, res.body).toBe(202);
    return (res.json() as { leadId: string }).leadId;
  };
  /** What the lead and its process look like, for a failure message. */
  const diagnose = async (id: string) => {
    const page = await lead(id);
    let pending: unknown;
    try {
      const d = await stack.client.workflow.getHandle(id).describe();
      pending = { status: d.status.name, pending: (d.raw.pendingActivities ?? []).map((p) => ({ type: p.activityType?.name, attempt: p.attempt, failure: p.lastFailure?.message })) };
    } catch (err) { pending = (err as Error).message; }
    return `lead ${id}: ${page.lead.status} ${JSON.stringify(page.events.map((e) => [e.type, e.context]))}\nprocess: ${JSON.stringify(pending)}\nts worker: ${ts.output.slice(-2000)}\npy worker: ${py.output.slice(-2000)}`;
  };
  const until = async (id: string, status: string) => eventually(async () => { const p = await lead(id); return p.lead.status === status ? p : undefined; }, 45_000, 250)
    .catch(async (err: Error) => { throw new Error(`${err.message}\n${await diagnose(id)}`); });
  const activityEvents = (page: LeadPage, activity: string) => page.events.filter((e) => e.type === 'custom_activity' && e.context.activity === activity);

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    await stack.startWorker();
    await stack.app.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
    const key = async (name: string, owner: string) => ((await api('POST', '/api/api-keys', { name, scopes: ['activity:register'], owner })).json() as { key: string }).key;
    const common = { LEADFLOW_API_URL: apiUrl, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: stack.config.TEMPORAL_NAMESPACE, HEARTBEAT_MS: '1000' };
    ts = new WorkerProcess(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'examples/typescript-worker/worker.ts'],
      { ...common, LEADFLOW_API_KEY: await key('Enrichment worker', 'enrichment-team'), TASK_QUEUE: enrichQueue });
    py = new WorkerProcess('python3', ['examples/python-worker/worker.py'],
      { ...common, LEADFLOW_API_KEY: await key('Credit worker', 'credit-team'), TASK_QUEUE: creditQueue, PYTHONPATH: join(root, '.tools', 'python') });
    ts.start();
    if (hasPython) py.start();
    await ts.ready();
    if (hasPython) await py.ready();
  });
  afterAll(async () => {
    await ts?.stop();
    await py?.stop();
    await stack?.close();
  });

  it.skipIf(!hasPython)('both workers register their types; the palette shows them online with their schemas (python3 absent: skipped)', async () => {
    const items = await eventually(async () => {
      const all = ((await api('GET', '/api/palette')).json() as { items: { activity?: string; online?: boolean; taskQueue?: string; inputSchema?: Record<string, unknown>; outputSchema?: Record<string, unknown> }[] }).items;
      const mine = all.filter((i) => i.activity === 'enrichCompany' || i.activity === 'assessCredit');
      return mine.length === 2 && mine.every((i) => i.online) ? mine : undefined;
    });
    const enrich = items.find((i) => i.activity === 'enrichCompany')!;
    const credit = items.find((i) => i.activity === 'assessCredit')!;
    expect(enrich.taskQueue).toBe(enrichQueue);
    expect(credit.taskQueue).toBe(creditQueue);
    expect(enrich.inputSchema).toMatchObject({ type: 'object', properties: { enterpriseFrom: { type: 'integer' } } });
    expect(enrich.outputSchema).toMatchObject({ properties: { segment: { enum: ['enterprise', 'midmarket', 'smb'] } } });
    expect(credit.outputSchema).toMatchObject({ properties: { rating: { enum: ['good', 'review'] } } });
  });

  it.skipIf(!hasPython)('a pipeline calling both is published; leads pass through both and the decision branches on the Python output', async () => {
    const at = { x: 0, y: 0 };
    const document: Omit<PipelineDocument, 'id'> = {
      name: 'Credit-checked pipeline',
      nodes: [
        { id: 'capture', type: 'trigger', label: 'Captured', config: { sources: [] }, position: at },
        { id: 'enrich', type: 'custom', label: 'Enrich', config: { activity: 'enrichCompany', version: 1, input: { enterpriseFrom: 500 } }, position: at },
        { id: 'credit', type: 'custom', label: 'Credit', config: { activity: 'assessCredit', version: 1, input: { minEmployees: 50 } }, position: at },
        { id: 'rated', type: 'decision', label: 'Good credit?', config: { branches: [{ id: 'good', label: 'Good credit', when: { all: [{ fact: 'custom.assessCredit.rating', operator: 'equal', value: 'good' }] } }] }, position: at },
        { id: 'won', type: 'end_won', label: 'Won', config: {}, position: at },
        { id: 'review', type: 'end_lost', label: 'Credit review', config: { reason: 'credit_review' }, position: at },
      ],
      edges: [
        { id: 'e1', source: 'capture', target: 'enrich' },
        { id: 'e2', source: 'enrich', target: 'credit' },
        { id: 'e3', source: 'credit', target: 'rated' },
        { id: 'e4', source: 'rated', target: 'won', branch: 'good' },
        { id: 'e5', source: 'rated', target: 'review', branch: 'default' },
      ],
    } as Omit<PipelineDocument, 'id'>;
    const published = await stack.app.inject({ method: 'POST', url: '/api/pipelines/default/publish', headers: admin.headers, payload: { note: 'credit check', document } });
    expect(published.statusCode, published.body).toBe(201);

    const big = await capture('Big Buyer', 800);
    const small = await capture('Small Shop', 12);
    const bigPage = await until(big, 'won');
    const smallPage = await until(small, 'lost');

    expect(activityEvents(bigPage, 'enrichCompany')[0]?.context.output).toEqual({ employees: 800, segment: 'enterprise' });
    expect(activityEvents(bigPage, 'assessCredit')[0]?.context.output).toEqual({ rating: 'good', limit: 80_000 });
    expect(activityEvents(smallPage, 'assessCredit')[0]?.context.output).toEqual({ rating: 'review', limit: 0 });
    expect(bigPage.events.find((e) => e.type === 'decision')?.context).toMatchObject({ branch: 'good' });
    expect(smallPage.events.find((e) => e.type === 'decision')?.context).toMatchObject({ branch: 'default' });
    expect(smallPage.lead.lostReason).toBe('credit_review');
  });

  it.skipIf(!hasPython)('with the Python worker stopped the lead waits for it (not failed), and completes exactly once when it is back', async () => {
    await py.stop();
    const id = await capture('Patient Corp', 900);
    const waiting = await eventually(async () => {
      const items = ((await api('GET', `/api/leads/${id}/waiting`)).json() as { items: { activity: string; label: string }[] }).items;
      return items.length ? items : undefined;
    }, 30_000, 250);
    expect(waiting).toEqual([expect.objectContaining({ activity: 'assessCredit', label: 'Assess credit' })]);
    const page = await lead(id);
    expect(page.lead.status).toBe('open');
    expect(activityEvents(page, 'enrichCompany')).toHaveLength(1);
    const live = (await api('GET', '/api/pipelines/default/waiting')).json() as { items: { nodeId: string; activity: string; leads: number }[] };
    expect(live.items).toEqual([expect.objectContaining({ nodeId: 'credit', activity: 'assessCredit', leads: 1 })]);

    py.start();
    await py.ready();
    const done = await until(id, 'won');
    expect(activityEvents(done, 'assessCredit')).toHaveLength(1);
    expect(done.events.filter((e) => e.type === 'won')).toHaveLength(1);
    expect(((await api('GET', `/api/leads/${id}/waiting`)).json() as { items: unknown[] }).items).toEqual([]);
  });
});

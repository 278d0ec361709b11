/**
 * Leadflow activity SDK: write an activity with zod schemas, and serve it from your own process on your own task
 * queue. `runWorker` registers the activity types with Leadflow (they appear in the designer's palette), sends a
 * heartbeat while it runs (the palette shows the worker online) and polls Temporal for the steps of leads.
 *
 * @example
 * const enrich = defineActivity({
 *   name: 'enrichCompany', label: 'Enrich company',
 *   input: z.object({ source: z.enum(['registry', 'web']).default('registry') }),
 *   output: z.object({ employees: z.number().int() }),
 *   async run(input, ctx) { return { employees: await lookUp(ctx.lead.company, { idempotencyKey: ctx.key }) }; },
 * });
 * await runWorker({ apiUrl: 'http://localhost:3000', apiKey: process.env.LEADFLOW_API_KEY!, temporalAddress: 'localhost:7233',
 *   taskQueue: 'enrichment', activities: [enrich] });
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { z } from 'zod';
import type { ActivityCall, ActivityTypeRegistration, LeadContext, RetryPolicy } from './protocol';

export type { ActivityCall, LeadContext } from './protocol';

/** What `run` gets besides its input. */
export interface ActivityContext {
  /** Idempotency key of the step: the same on every retry of it; pass it to the systems you call. */
  key: string;
  /** The lead the step runs for. */
  lead: LeadContext;
  /** The pipeline node that called the activity. */
  nodeId: string;
  /** 1 on the first try. */
  attempt: number;
  /** Tells Temporal a long step is still alive. */
  heartbeat(details?: unknown): void;
}

export interface ActivityDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** Activity type name: camelCase letters and digits. Unique across owners. */
  name: string;
  version?: number;
  label: string;
  description?: string;
  /** Input a pipeline node configures; its JSON Schema is the node's form. Must be an object schema. */
  input: I;
  /** Output; its top-level fields become decision facts `custom.<name>.<field>`. Must be an object schema. */
  output: O;
  startToCloseTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  run(input: z.output<I>, ctx: ActivityContext): Promise<z.input<O>>;
}

/** Declares an activity (typed by its schemas). */
export function defineActivity<I extends z.ZodType, O extends z.ZodType>(def: ActivityDefinition<I, O>): ActivityDefinition<I, O> {
  return def;
}

/** A refusal that no retry can fix (bad input, a business rule): the step fails at once with this reason. */
export function nonRetryable(message: string, type = 'InvalidInput'): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');

/** The Temporal activity function for a definition: validates input and output, passes the lead context. */
export function toTemporalActivity(def: ActivityDefinition): (call: ActivityCall) => Promise<unknown> {
  return async (call) => {
    const input = def.input.safeParse(call?.input ?? {});
    if (!input.success) throw nonRetryable(`${def.name}: bad input: ${issues(input.error)}`);
    const ctx = Context.current();
    const raw = await def.run(input.data, { key: call.key, lead: call.lead, nodeId: call.nodeId, attempt: ctx.info.attempt, heartbeat: (d) => ctx.heartbeat(d) });
    const output = def.output.safeParse(raw);
    if (!output.success) throw nonRetryable(`${def.name} returned output that does not match its schema: ${issues(output.error)}`, 'InvalidOutput');
    return output.data;
  };
}

/** The registration Leadflow stores for a definition served on `taskQueue`. */
export function registrationOf(def: ActivityDefinition, taskQueue: string): ActivityTypeRegistration {
  return {
    name: def.name, version: def.version ?? 1, label: def.label, ...(def.description ? { description: def.description } : {}), taskQueue,
    inputSchema: z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    outputSchema: z.toJSONSchema(def.output, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>,
    ...(def.startToCloseTimeoutMs ? { startToCloseTimeoutMs: def.startToCloseTimeoutMs } : {}),
    ...(def.retry ? { retry: def.retry as RetryPolicy } : {}),
  };
}

export interface RunWorkerOptions {
  /** Base URL of the Leadflow API, e.g. `http://localhost:3000`. */
  apiUrl: string;
  /** A developer key (scope `activity:register`), created by an admin. */
  apiKey: string;
  /** `host:port` of the Temporal frontend Leadflow uses. */
  temporalAddress: string;
  namespace?: string;
  /** The task queue your activities are served on (not Leadflow's own). */
  taskQueue: string;
  activities: ActivityDefinition[];
  /** How often the worker tells Leadflow it is alive (default 10 s; Leadflow shows it offline after 30 s). */
  heartbeatMs?: number;
  /** Stop on SIGINT / SIGTERM (default true). */
  handleSignals?: boolean;
  log?: (message: string) => void;
}

export interface RunningWorker {
  /** Says goodbye to Leadflow (the types show offline at once) and stops polling; running steps get 5 s to finish. */
  stop(): Promise<void>;
  /** Settles when the worker has stopped. */
  finished: Promise<void>;
}

class RegistrationError extends Error {}

/** Registers the activities with Leadflow, then serves them until stopped. Resolves once the worker polls. */
export async function runWorker(opts: RunWorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? ((m: string) => console.log(`[leadflow-worker] ${m}`));
  const call = async (path: string, body: unknown): Promise<Response> => fetch(new URL(path, opts.apiUrl), {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': opts.apiKey }, body: JSON.stringify(body),
  });
  const register = async () => {
    const res = await call('/api/activity-types/register', { activities: opts.activities.map((a) => registrationOf(a, opts.taskQueue)) });
    if (!res.ok) {
      const text = await res.text();
      let reason = text;
      try { reason = (JSON.parse(text) as { message?: string }).message ?? text; } catch { /* not JSON */ }
      // 4xx: the registration itself is wrong (schema, name clash, key) and retrying will not help.
      if (res.status >= 400 && res.status < 500) throw new RegistrationError(`registration refused (${res.status}): ${reason}`);
      throw new Error(`registration failed (${res.status}): ${reason}`);
    }
  };
  // Leadflow may start after the worker: keep trying, except when it refuses the registration outright.
  for (let attempt = 1; ; attempt++) {
    try {
      await register();
      break;
    } catch (err) {
      if (err instanceof RegistrationError || attempt >= 30) throw err;
      log(`Leadflow not reachable yet (${(err as Error).message}); trying again`);
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  }
  log(`registered ${opts.activities.map((a) => `${a.name}@${a.version ?? 1}`).join(', ')} on task queue "${opts.taskQueue}"`);

  const connection = await NativeConnection.connect({ address: opts.temporalAddress });
  const worker = await Worker.create({
    connection, namespace: opts.namespace ?? 'default', taskQueue: opts.taskQueue,
    activities: Object.fromEntries(opts.activities.map((a) => [a.name, toTemporalActivity(a)])),
    shutdownGraceTime: '5 seconds',
  });

  const beat = async (stopping: boolean) => {
    const res = await call('/api/activity-types/heartbeat', { taskQueue: opts.taskQueue, stopping });
    if (res.status === 404 && !stopping) await register(); // the types were removed meanwhile: register again
  };
  const timer = setInterval(() => void beat(false).catch((err: Error) => log(`heartbeat failed: ${err.message}`)), opts.heartbeatMs ?? 10_000);
  const finished = worker.run().finally(async () => {
    clearInterval(timer);
    await connection.close();
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      await beat(true).catch((err: Error) => log(`could not tell Leadflow the worker stops: ${err.message}`));
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await finished;
    })();
    return stopping;
  };
  if (opts.handleSignals !== false) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
  }
  return { stop, finished };
}

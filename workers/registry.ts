import { z } from 'zod';
import type { Sql } from '../db/client';
import type { ActivityCall, LeadContext } from '../sdk/protocol';
import type { ActivityTypeInput } from '../db/activity-types';

/**
 * Built-in custom activities: served by the main worker on the main task queue and registered at its start as
 * activity types (source 'builtin') in the same table developers' workers register theirs in. Developers add
 * activities in their own workers with the SDK (`sdk/`), not here.
 *
 * @example
 * registerCustomActivity({
 *   name: 'enrichCompany', label: 'Enrich company data',
 *   input: z.object({ provider: z.enum(['clearbit', 'internal']).default('internal') }),
 *   output: z.object({ employees: z.number().optional() }),
 *   async run(input, ctx) { return { employees: 42 }; },
 * });
 */
export interface CustomActivity<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  label: string;
  description?: string;
  input: I;
  output: O;
  /** `key` is the idempotency key of this pipeline step; `sql` is the worker's database pool for the activity's own writes. */
  run(input: z.output<I>, ctx: { leadId: string; key: string; lead: Record<string, unknown>; context?: LeadContext; sql: Sql }): Promise<z.input<O>>;
}

const registry = new Map<string, CustomActivity>();

export function registerCustomActivity<I extends z.ZodType, O extends z.ZodType>(activity: CustomActivity<I, O>): void {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(activity.name)) throw new Error(`custom activity name "${activity.name}" must be camelCase letters and digits`);
  registry.set(activity.name, activity as unknown as CustomActivity);
}

export function getCustomActivity(name: string): CustomActivity | undefined {
  return registry.get(name);
}

/** The built-in activities as activity types on the main worker's task queue. */
export function builtinActivityTypes(taskQueue: string): ActivityTypeInput[] {
  return [...registry.values()].map((a) => ({
    name: a.name, version: 1, label: a.label, description: a.description, taskQueue,
    inputSchema: z.toJSONSchema(a.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    outputSchema: z.toJSONSchema(a.output, { unrepresentable: 'any' }) as Record<string, unknown>,
    startToCloseTimeoutMs: 30_000,
    retry: { initialIntervalMs: 500, backoffCoefficient: 2, maximumIntervalMs: 30_000, maximumAttempts: 0 },
  }));
}

/** Temporal activity functions for the built-ins, named like their types, taking the call every custom activity gets. */
export function builtinActivityFunctions(sql: Sql, fail: (message: string, type: string) => Error): Record<string, (call: ActivityCall) => Promise<unknown>> {
  return Object.fromEntries([...registry.values()].map((a) => [a.name, async (call: ActivityCall) => {
    const input = a.input.safeParse(call.input);
    if (!input.success) throw fail(`${a.name}: ${input.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`, 'InvalidInput');
    const [lead] = await sql<Record<string, unknown>[]>`select * from leads where id = ${call.lead.id}`;
    return a.output.parse(await a.run(input.data, { leadId: call.lead.id, key: call.key, lead: lead ?? {}, context: call.lead, sql }));
  }]));
}

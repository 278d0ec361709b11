import { z } from 'zod';
import type { Sql } from '../db/client';

/**
 * Custom activities developers add to the palette. Register one with a typed input schema and a handler;
 * it appears as a "custom" node in the editor and runs on the worker like any other activity.
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
  run(input: z.output<I>, ctx: { leadId: string; key: string; lead: Record<string, unknown>; sql: Sql }): Promise<z.input<O>>;
}

const registry = new Map<string, CustomActivity>();

export function registerCustomActivity<I extends z.ZodType, O extends z.ZodType>(activity: CustomActivity<I, O>): void {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(activity.name)) throw new Error(`custom activity name "${activity.name}" must be camelCase letters and digits`);
  registry.set(activity.name, activity as unknown as CustomActivity);
}

export function getCustomActivity(name: string): CustomActivity | undefined {
  return registry.get(name);
}

/** What the palette shows: name, label, and JSON schemas of input and output. */
export function customActivityRegistry(): { name: string; label: string; description?: string; input: unknown; output: unknown }[] {
  return [...registry.values()].map((a) => ({ name: a.name, label: a.label, description: a.description, input: z.toJSONSchema(a.input), output: z.toJSONSchema(a.output) }));
}

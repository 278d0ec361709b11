/**
 * What an activity worker sends to Leadflow: the activity types it serves (registration at start) and its
 * heartbeat. The API validates with these schemas and the TypeScript SDK builds its requests from them; a worker
 * in another language sends the same JSON (see examples/python-worker).
 *
 * @example
 * POST /api/activity-types/register  (x-api-key: a developer key)
 * { "activities": [{ "name": "assessCredit", "version": 1, "label": "Assess credit", "taskQueue": "credit",
 *   "inputSchema": { "type": "object" }, "outputSchema": { "type": "object", "properties": { "rating": { "type": "string" } } } }] }
 */
import { z } from 'zod';

export const activityNameSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,62}$/, 'must be camelCase letters and digits, starting with a letter (at most 63)');
export const taskQueueSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1–200 letters, digits or . _ : -');

/** Temporal retry policy of the activity (times in milliseconds); `maximumAttempts: 0` retries without limit. */
export const retryPolicySchema = z.object({
  initialIntervalMs: z.number().int().min(100).max(3_600_000).default(1000),
  backoffCoefficient: z.number().min(1).max(10).default(2),
  maximumIntervalMs: z.number().int().min(100).max(86_400_000).default(60_000),
  maximumAttempts: z.number().int().min(0).max(1000).default(0),
}).strict();
export type RetryPolicy = z.output<typeof retryPolicySchema>;

const jsonSchemaObject = z.record(z.string(), z.unknown());

/** One activity type as a worker registers it. */
export const activityTypeRegistrationSchema = z.object({
  name: activityNameSchema,
  version: z.number().int().min(1).max(1_000_000).default(1),
  label: z.string().trim().min(1, 'is required').max(80),
  description: z.string().max(500).optional(),
  /** JSON Schema (draft 2020-12) of the input a pipeline node configures; must describe an object. */
  inputSchema: jsonSchemaObject,
  /** JSON Schema of the output; its top-level properties become decision facts `custom.<name>.<property>`. */
  outputSchema: jsonSchemaObject,
  taskQueue: taskQueueSchema,
  startToCloseTimeoutMs: z.number().int().min(1000).max(86_400_000).default(30_000),
  retry: retryPolicySchema.default(() => retryPolicySchema.parse({})),
}).strict();
export type ActivityTypeRegistration = z.input<typeof activityTypeRegistrationSchema>;

export const registerBodySchema = z.object({ activities: z.array(activityTypeRegistrationSchema).min(1).max(50) }).strict();

/** Sent every few seconds while the worker runs, and once with `stopping: true` when it shuts down. */
export const heartbeatBodySchema = z.object({ taskQueue: taskQueueSchema, stopping: z.boolean().default(false) }).strict();

/** What the lead workflow passes to every custom activity (one argument). */
export interface ActivityCall<I = Record<string, unknown>> {
  /** The node's configured input (validated against the input schema before the call). */
  input: I;
  /** Idempotency key of this step: the same on every retry, different for every lead, node and visit of the node. */
  key: string;
  /** The lead the step runs for. */
  lead: LeadContext;
  /** Pipeline node that called the activity. */
  nodeId: string;
}

/** Lead fields an activity gets as context. */
export interface LeadContext {
  id: string;
  name: string | null;
  email: string | null;
  company: string | null;
  country: string | null;
  companySize: number | null;
  industry: string | null;
  productInterest: string | null;
  score: number | null;
  grade: string | null;
  stage: string | null;
}

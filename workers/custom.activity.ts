import { ApplicationFailure } from '@temporalio/activity';
import { describeSchemaErrors, getActivityType, schemaErrors } from '../db/activity-types';
import type { LeadContext } from '../sdk/protocol';
import type { ActivityDeps } from './deps';
import './custom/index';
import { recordEvent } from './lead/events';
import { getCustomActivity } from './registry';

/** What the lead workflow needs to schedule a custom node's activity on the worker that serves it. */
export interface ResolvedActivityType {
  name: string;
  version: number;
  taskQueue: string;
  startToCloseMs: number;
  retry: { initialIntervalMs: number; backoffCoefficient: number; maximumIntervalMs: number; maximumAttempts: number };
  lead: LeadContext;
}

/**
 * Custom nodes: resolving the activity type a node names (input checked against its schema at run time too), and
 * recording the output once the type's own worker returned it (checked against the output schema) — the built-in
 * activities themselves are registered by `workers/worker.ts` under their type names. `runCustomActivity` is the pre-registry path, kept
 * for leads whose history started before patch `activity-task-queues`.
 */
export function createCustomActivities({ sql }: ActivityDeps) {
  return {
    async resolveActivityType(a: { leadId: string; nodeId: string; activity: string; version?: number; input: Record<string, unknown> }): Promise<ResolvedActivityType> {
      const t = await getActivityType(sql, a.activity, a.version);
      if (!t) throw ApplicationFailure.nonRetryable(`activity type "${a.activity}"${a.version ? ` v${a.version}` : ''} is not registered`, 'InvalidInput');
      const errors = schemaErrors(t.inputSchema, a.input ?? {});
      if (errors.length) throw ApplicationFailure.nonRetryable(`input of ${t.name} v${t.version} at node ${a.nodeId}: ${describeSchemaErrors(errors)}`, 'InvalidInput');
      const [lead] = await sql<{ name: string | null; email: string | null; company: string | null; country: string | null; company_size: number | null; industry: string | null; product_interest: string | null; score: number | null; grade: string | null; stage: string | null }[]>`
        update leads set node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}
        returning name, email, company, country, company_size, industry, product_interest, score, grade, stage`;
      if (!lead) throw new Error(`lead ${a.leadId} is not on the read side yet`);
      return {
        name: t.name, version: t.version, taskQueue: t.taskQueue, startToCloseMs: t.startToCloseMs, retry: t.retry,
        lead: {
          id: a.leadId, name: lead.name, email: lead.email, company: lead.company, country: lead.country, companySize: lead.company_size,
          industry: lead.industry, productInterest: lead.product_interest, score: lead.score, grade: lead.grade, stage: lead.stage,
        },
      };
    },

    /** Checks the output against the type's output schema (a mismatch fails the step, not retried) and puts it on the timeline. */
    async recordActivityOutput(a: { leadId: string; nodeId: string; activity: string; version: number; key: string; input: Record<string, unknown>; output: unknown }): Promise<Record<string, unknown>> {
      const t = await getActivityType(sql, a.activity, a.version);
      if (!t) throw ApplicationFailure.nonRetryable(`activity type "${a.activity}" v${a.version} is not registered any more`, 'InvalidInput');
      const errors = schemaErrors(t.outputSchema, a.output);
      if (errors.length) {
        const reason = `${a.activity} v${a.version} returned output that does not match its schema: ${describeSchemaErrors(errors)}`;
        await recordEvent(sql, { key: `${a.key}:custom:failed`, leadId: a.leadId, type: 'custom_activity_failed', context: { activity: a.activity, version: a.version, node: a.nodeId, reason } });
        throw ApplicationFailure.nonRetryable(reason, 'InvalidOutput');
      }
      const output = a.output as Record<string, unknown>;
      await recordEvent(sql, { key: `${a.key}:custom`, leadId: a.leadId, type: 'custom_activity', context: { activity: a.activity, version: a.version, node: a.nodeId, input: a.input, output } });
      return output;
    },

    async runCustomActivity(a: { leadId: string; nodeId: string; activity: string; input: Record<string, unknown>; key: string }): Promise<unknown> {
      const def = getCustomActivity(a.activity);
      if (!def) throw ApplicationFailure.nonRetryable(`no custom activity "${a.activity}" is registered on this worker`, 'InvalidInput');
      const [done] = await sql<{ context: { output: unknown } }[]>`select context from lead_events where event_key = ${`${a.key}:custom`}`;
      if (done) return done.context.output;
      const input = def.input.safeParse(a.input);
      if (!input.success) throw ApplicationFailure.nonRetryable(`custom activity ${a.activity}: ${input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'InvalidInput');
      const [lead] = await sql<Record<string, unknown>[]>`select * from leads where id = ${a.leadId}`;
      const output = def.output.parse(await def.run(input.data, { leadId: a.leadId, key: a.key, lead: lead ?? {}, sql }));
      await sql`update leads set node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}`;
      await recordEvent(sql, { key: `${a.key}:custom`, leadId: a.leadId, type: 'custom_activity', context: { activity: a.activity, input: input.data, output } });
      return output;
    },
  };
}

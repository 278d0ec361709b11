import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import './custom/index';
import { recordEvent } from './lead/events';
import { getCustomActivity } from './registry';

/** Runs a developer-registered activity by name with validated input, and records its typed output on the lead. */
export function createCustomActivities({ sql }: ActivityDeps) {
  return {
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

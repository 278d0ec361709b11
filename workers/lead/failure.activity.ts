import type { ActivityDeps } from '../deps';
import { recordEvent } from './events';

/** What a failed lead keeps so a retry can resume it where it stopped. */
export interface FailureState {
  /** The workflow input without the pipeline document (a retry loads the version it resumes on). */
  input: Record<string, unknown>;
  /** The lead's workflow state when it failed (the node it failed at included). */
  snapshot: Record<string, unknown>;
}

/** A lead whose process failed: marked failed with the reason (never "closed"), on its timeline too. */
export function createFailureActivities({ sql }: ActivityDeps) {
  return {
    async recordLeadFailure(a: { leadId: string; nodeId: string; reason: string; state: FailureState; runId: string }): Promise<void> {
      const reason = a.reason.slice(0, 1000);
      await sql.begin(async (tx) => {
        // A lead that failed before its capture was written has no row to mark; the run's failure stays in Temporal.
        const [lead] = await tx`update leads set status = 'failed', failure_reason = ${reason}, failed_at = now(), node_id = ${a.nodeId},
                                  failure_state = ${tx.json(a.state as never)}, updated_at = now()
                                where id = ${a.leadId} returning id`;
        if (!lead) return;
        await recordEvent(tx, { key: `${a.leadId}:failed:${a.runId}`, leadId: a.leadId, type: 'failed', actor: 'pipeline', context: { node: a.nodeId, reason } });
      });
    },
  };
}

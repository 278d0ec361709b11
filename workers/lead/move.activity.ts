import type { PipelineDocument } from '../../engine/pipeline/schema';
import type { ActivityDeps } from '../deps';
import { recordEvent } from './events';

/** A lead moving to another published version of its pipeline (applied by the workflow at a node boundary). */
export function createMoveActivities({ sql }: ActivityDeps) {
  return {
    /** One published (immutable) version, or null when it does not exist: the workflow refuses the move then. */
    async loadPipelineVersion(a: { pipelineId: string; version: number }): Promise<PipelineDocument | null> {
      const [row] = await sql<{ document: PipelineDocument }[]>`
        select document from pipeline_versions where pipeline_id = ${a.pipelineId} and version = ${a.version}`;
      return row?.document ?? null;
    },

    /**
     * Records an applied move: the lead's version and node (so live counts follow), the timeline event and the
     * job's row for this lead, in one transaction; once per move (the event key).
     */
    async recordLeadMove(a: {
      leadId: string; moveId: string; pipelineId: string; by: string;
      fromVersion: number; fromNodeId: string; fromLabel?: string; toVersion: number; toNodeId: string; toLabel?: string; stage: string;
    }): Promise<void> {
      await sql.begin(async (tx) => {
        await tx`update leads set pipeline_version = ${a.toVersion}, node_id = ${a.toNodeId}, updated_at = now() where id = ${a.leadId}`;
        await recordEvent(tx, {
          key: `${a.leadId}:move:${a.moveId}`, leadId: a.leadId, type: 'moved', actor: a.by, stage: a.stage,
          context: {
            moveId: a.moveId, pipelineId: a.pipelineId, fromVersion: a.fromVersion, fromNode: a.fromNodeId, fromLabel: a.fromLabel ?? a.fromNodeId,
            toVersion: a.toVersion, toNode: a.toNodeId, toLabel: a.toLabel ?? a.toNodeId,
          },
        });
        await tx`update lead_move_items set status = 'moved', reason = null, updated_at = now() where move_id = ${a.moveId} and lead_id = ${a.leadId}`;
      });
    },

    /** A move the lead could not apply when it reached its node boundary (e.g. it had moved on): the job says why. */
    async refuseLeadMove(a: { leadId: string; moveId: string; reason: string }): Promise<void> {
      await sql`update lead_move_items set status = 'refused', reason = ${a.reason}, updated_at = now()
                where move_id = ${a.moveId} and lead_id = ${a.leadId} and status = 'pending'`;
    },
  };
}

import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getLatestPublishedPipeline, getPipelineVersion } from '../../db/pipelines';
import type { LeadSnapshot, LeadWorkflowInput } from '../../engine/lead/types';
import { leadWorkflow } from '../../engine/lead/workflow';
import { audit } from '../auth/audit';
import { opsOnly } from '../auth/types';
import { conflict, notFound } from '../errors';

const errorSchema = z.object({ error: z.string(), message: z.string() });

/**
 * Failed leads: a lead whose process failed (a step refused for good, a broken pipeline) is marked failed with the
 * reason by the workflow. After the fix (a rule set published, a pipeline corrected) an operator retries it: a new
 * run starts from the state it failed in, at the node it failed at, on the newest version of its pipeline when that
 * version still has the node (else on its own version).
 */
export const leadRetryRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/leads/:id/retry', {
    config: { access: opsOnly },
    schema: {
      tags: ['leads'], summary: 'Restart a failed lead where it stopped (409 when it has not failed)',
      params: z.object({ id: z.string().min(1).max(80) }),
      response: { 200: z.object({ leadId: z.string(), pipelineId: z.string(), version: z.number().int(), nodeId: z.string(), status: z.string() }), 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    const [lead] = await app.sql<{ id: string; status: string; pipeline_id: string; pipeline_version: number; failure_reason: string | null; failure_state: { input: Omit<LeadWorkflowInput, 'pipeline' | 'resume'>; snapshot: LeadSnapshot } | null }[]>`
      select id, status, pipeline_id, pipeline_version, failure_reason, failure_state from leads where id = ${req.params.id}`;
    if (!lead) throw notFound('lead');
    if (lead.status !== 'failed' || !lead.failure_state) throw conflict('the lead has not failed: there is nothing to retry');
    const { input, snapshot } = lead.failure_state;
    const latest = await getLatestPublishedPipeline(app.sql, lead.pipeline_id);
    const onLatest = latest?.document.nodes.some((n) => n.id === snapshot.nodeId);
    const target = onLatest ? latest! : await getPipelineVersion(app.sql, lead.pipeline_id, lead.pipeline_version);
    if (!target) throw conflict(`version ${lead.pipeline_version} of pipeline "${lead.pipeline_id}" is not published`);
    try {
      await app.temporal.workflow.start(leadWorkflow, {
        workflowId: lead.id, taskQueue: app.config.TEMPORAL_TASK_QUEUE,
        args: [{ ...input, pipelineId: lead.pipeline_id, pipelineVersion: target.version, pipeline: target.document, resume: snapshot }],
        // Only a run that ended in failure may be followed by a new one: a running or completed lead is left alone.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw conflict('the lead\'s process is running or has ended normally; it cannot be retried');
      throw err;
    }
    const status = snapshot.status === 'failed' ? 'open' : snapshot.status;
    await app.sql.begin(async (tx) => {
      await tx`update leads set status = ${status}, failure_reason = null, failed_at = null, failure_state = null,
                                pipeline_version = ${target.version}, updated_at = now() where id = ${lead.id}`;
      await tx`insert into lead_events (event_key, lead_id, type, actor, context)
               values (${`${lead.id}:retried:${Date.now()}`}, ${lead.id}, 'retried', ${req.user!.id},
                       ${tx.json({ node: snapshot.nodeId, version: target.version, previousReason: lead.failure_reason } as never)})`;
      await audit(tx as never, { actorId: req.user!.id, action: 'lead.retried', targetType: 'lead', targetId: lead.id, details: { node: snapshot.nodeId, version: target.version, reason: lead.failure_reason } });
    });
    return { leadId: lead.id, pipelineId: lead.pipeline_id, version: target.version, nodeId: snapshot.nodeId, status };
  });
};

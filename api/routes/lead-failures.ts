import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cancelStepUpdate } from '../../engine/lead/messages';
import { opsOnly } from '../auth/types';
import { DomainError, notFound } from '../errors';
import { runLeadUpdate } from '../leads/updates';

const leadParams = z.object({ id: z.string().min(1).max(80) });
const stepParams = leadParams.extend({ activityId: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'an activity id from GET /api/leads/:id/failures') });

const stepSchema = z.object({
  activityId: z.string(),
  activityType: z.string(),
  /** 1 on the first try; above 1 the step has failed `attempt - 1` times. */
  attempt: z.number().int(),
  failing: z.boolean(),
  lastFailure: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  /** Whether `POST …/cancel` can end it (steps a rep action waits on). */
  cancellable: z.boolean(),
});

/** Activities whose failing runs an operator may cancel (the workflow runs them as cancellable steps). */
const cancellable = new Set(['recordVisit']);

const iso = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null =>
  t?.seconds != null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null;

/**
 * Operations on a lead's process: see the steps it is running (with attempts and the last failure), retry a
 * failing one now (attempts start again) or cancel it (the rep action waiting on it fails; the lead goes on).
 */
export const leadFailureRoutes: FastifyPluginAsyncZod = async (app) => {
  const pendingSteps = async (leadId: string) => {
    const [lead] = await app.sql`select 1 from leads where id = ${leadId}`;
    if (!lead) throw notFound('lead');
    try {
      const d = await app.temporal.workflow.getHandle(leadId).describe();
      return (d.raw.pendingActivities ?? []).map((p) => {
        const type = p.activityType?.name ?? 'unknown';
        const attempt = p.attempt ?? 1;
        return {
          activityId: p.activityId ?? '', activityType: type, attempt, failing: attempt > 1 || Boolean(p.lastFailure),
          lastFailure: p.lastFailure?.message ?? null, lastAttemptAt: iso(p.lastAttemptCompleteTime), nextAttemptAt: iso(p.nextAttemptScheduleTime),
          cancellable: cancellable.has(type),
        };
      });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  };
  const findStep = async (leadId: string, activityId: string) => {
    const found = (await pendingSteps(leadId)).find((s) => s.activityId === activityId);
    if (!found) throw notFound(`step ${activityId} (it is not running on this lead any more)`);
    return found;
  };

  app.get('/api/leads/:id/failures', {
    config: { access: opsOnly },
    schema: { tags: ['operations'], summary: 'Steps the lead\'s process is running, with attempts and the last failure', params: leadParams, response: { 200: z.object({ items: z.array(stepSchema) }) } },
  }, async (req) => ({ items: await pendingSteps(req.params.id) }));

  app.post('/api/leads/:id/failures/:activityId/retry', {
    config: { access: opsOnly },
    schema: { tags: ['operations'], summary: 'Retry a failing step now (its attempts start again)', params: stepParams, response: { 200: z.object({ retried: z.string() }) } },
  }, async (req) => {
    const found = await findStep(req.params.id, req.params.activityId);
    await app.temporal.workflowService.resetActivity({
      namespace: app.temporal.options.namespace, execution: { workflowId: req.params.id }, id: found.activityId, identity: `leadflow-api:${req.user!.id}`,
    });
    req.log.info({ leadId: req.params.id, activityId: found.activityId, by: req.user!.id }, 'step retried by an operator');
    return { retried: found.activityId };
  });

  app.post('/api/leads/:id/failures/:activityId/cancel', {
    config: { access: opsOnly },
    schema: { tags: ['operations'], summary: 'Cancel a failing step: the rep action waiting on it fails and the lead takes the next action', params: stepParams, response: { 200: z.object({ cancelled: z.string() }) } },
  }, async (req) => {
    const found = await findStep(req.params.id, req.params.activityId);
    if (!found.cancellable) throw new DomainError('conflict', `a ${found.activityType} step cannot be cancelled; retry it instead`);
    await runLeadUpdate(app, req.params.id, (h) => h.executeUpdate(cancelStepUpdate, { args: [{ activityType: found.activityType, by: req.user!.id }] }));
    req.log.info({ leadId: req.params.id, activityId: found.activityId, by: req.user!.id }, 'step cancelled by an operator');
    return { cancelled: found.activityId };
  });
};

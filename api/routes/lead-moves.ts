import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createMoveJob, findMoveCandidates, finishMoveJobIfDone, getMoveJob, listMoveJobs, settleMoveItem, type MoveFilter, type MoveJob,
} from '../../db/lead-moves';
import { getPipelineVersion } from '../../db/pipelines';
import { moveToVersionUpdate } from '../../engine/lead/messages';
import {
  moveJobSchema, moveJobSummarySchema, movePlanSchema, movePreviewSchema, moveRequestSchema, type MoveJobView,
} from '../../engine/lead/move-schemas';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import { audit } from '../auth/audit';
import { leadScope } from '../auth/scope';
import { opsOnly } from '../auth/types';
import { DomainError, notFound, unprocessable } from '../errors';
import { runLeadUpdate } from '../leads/updates';
import { planMove } from '../pipelines/move-plan';
import { pipelineIdParams } from '../pipelines/schemas';

const errorSchema = z.object({ error: z.string(), message: z.string() });
/** Leads told about a move at the same time (each answers within seconds: at once when it waits). */
const PARALLEL = 8;

type Plan = z.infer<typeof movePlanSchema>;

/** The target and source versions a plan needs, and the chosen leads, with the mapping applied. */
async function preview(app: FastifyInstance, pipelineId: string, plan: Plan, user: FastifyRequest['user']) {
  const target = await getPipelineVersion(app.sql, pipelineId, plan.toVersion);
  if (!target) {
    const [known] = await app.sql`select 1 from pipelines where id = ${pipelineId}`;
    if (!known) throw notFound(`pipeline "${pipelineId}"`);
    throw unprocessable(`toVersion: version ${plan.toVersion} of pipeline "${pipelineId}" is not published`, [{ path: 'body.toVersion', message: `version ${plan.toVersion} is not published` }]);
  }
  if (plan.fromVersion && !(await getPipelineVersion(app.sql, pipelineId, plan.fromVersion))) {
    throw unprocessable(`fromVersion: version ${plan.fromVersion} of pipeline "${pipelineId}" is not published`, [{ path: 'body.fromVersion', message: `version ${plan.fromVersion} is not published` }]);
  }
  const filter: MoveFilter = { fromVersion: plan.fromVersion, stage: plan.stage, nodeId: plan.nodeId, leadIds: plan.leadIds };
  const candidates = await findMoveCandidates(app.sql, pipelineId, filter, leadScope(app.sql, user, 'l'));
  const docs = new Map<number, PipelineDocument>();
  for (const v of new Set(candidates.map((c) => c.pipelineVersion))) {
    const d = v === plan.toVersion ? target : await getPipelineVersion(app.sql, pipelineId, v);
    if (d) docs.set(v, d.document);
  }
  return { filter, result: { pipelineId, ...planMove(candidates, docs, target.document, plan.toVersion, plan.mapping) } };
}

const jobView = (j: MoveJob): MoveJobView => ({
  id: j.id, pipelineId: j.pipelineId, fromVersion: j.fromVersion, toVersion: j.toVersion, createdBy: j.createdBy, createdByName: j.createdByName,
  createdAt: j.createdAt.toISOString(), finishedAt: j.finishedAt?.toISOString() ?? null,
  counts: {
    moved: j.items.filter((i) => i.status === 'moved').length,
    refused: j.items.filter((i) => i.status === 'refused').length,
    pending: j.items.filter((i) => i.status === 'pending').length,
  },
  items: j.items.map((i) => ({ ...i, updatedAt: i.updatedAt.toISOString() })),
});

/**
 * Sends the move to every lead still pending in the job; each answers moved or refused (with the reason). A lead
 * that does not answer in time stays pending and settles the row itself when it reaches its node boundary.
 */
async function sendMoves(app: FastifyInstance, job: MoveJob, by: string): Promise<void> {
  const queue = job.items.filter((i) => i.status === 'pending');
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const leadId = item.leadId;
      try {
        const r = await runLeadUpdate(app, leadId, (h) => h.executeUpdate(moveToVersionUpdate, {
          updateId: `move:${job.id}`,
          args: [{ moveId: job.id, version: job.toVersion, nodeId: item.toNodeId!, fromNodeId: item.fromNodeId!, mapping: job.mapping, by }],
        }));
        await settleMoveItem(app.sql, job.id, leadId, r.moved ? 'moved' : 'refused', r.moved ? null : (r.reason ?? 'refused'));
      } catch (err) {
        if (err instanceof DomainError && err.code === 'unavailable') {
          app.log.warn({ leadId, moveId: job.id }, 'lead did not answer the move in time; it stays pending');
        } else if (err instanceof DomainError) {
          await settleMoveItem(app.sql, job.id, leadId, 'refused', err.message);
        } else {
          app.log.error({ err, leadId, moveId: job.id }, 'move not delivered');
          await settleMoveItem(app.sql, job.id, leadId, 'refused', 'the move could not be delivered to the lead; try again');
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  await finishMoveJobIfDone(app.sql, job.id);
}

/** Moving live leads to another published version of their pipeline: preview, execute, and the jobs with per-lead results. */
export const leadMoveRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/pipelines/:id/moves/preview', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Which chosen leads would move to which node of the target version, and why the others cannot',
      params: pipelineIdParams, body: movePlanSchema, response: { 200: movePreviewSchema, 404: errorSchema, 422: errorSchema },
    },
  }, async (req) => (await preview(app, req.params.id, req.body, req.user)).result);

  app.post('/api/pipelines/:id/moves', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'],
      summary: 'Move the chosen leads to the target version (each at its next node boundary); a repeated moveId returns the same job',
      params: pipelineIdParams, body: moveRequestSchema, response: { 200: moveJobSchema, 201: moveJobSchema, 404: errorSchema, 422: errorSchema },
    },
  }, async (req, reply) => {
    const pipelineId = req.params.id;
    const by = req.user!.id;
    const moveId = req.body.moveId ?? `mv-${randomUUID()}`;
    const existing = await getMoveJob(app.sql, pipelineId, moveId);
    if (existing) {
      await sendMoves(app, existing, existing.createdBy ?? by);
      return reply.status(200).send(jobView((await getMoveJob(app.sql, pipelineId, moveId))!));
    }
    const { filter, result } = await preview(app, pipelineId, req.body, req.user);
    const mapping = Object.fromEntries(result.sources.filter((s) => s.target).map((s) => [s.nodeId, s.target!]));
    const created = await createMoveJob(app.sql, { id: moveId, pipelineId, fromVersion: req.body.fromVersion ?? null, toVersion: req.body.toVersion, filter, mapping, by },
      result.leads.map((l) => ({ leadId: l.id, fromVersion: l.fromVersion, fromNodeId: l.fromNodeId, toNodeId: l.toNodeId, status: l.movable ? 'pending' : 'refused', reason: l.reason })));
    if (!created) {
      // The same moveId arrived twice at once: the other request owns the job.
      const job = await getMoveJob(app.sql, pipelineId, moveId);
      if (!job) throw new DomainError('conflict', `moveId: ${moveId} belongs to another pipeline's move`, [{ path: 'body.moveId', message: 'already used by another pipeline' }]);
      return reply.status(200).send(jobView(job));
    }
    await audit(app.sql, {
      actorId: by, action: 'lead.migrated', targetType: 'pipeline', targetId: pipelineId,
      details: { moveId, fromVersion: req.body.fromVersion ?? null, toVersion: req.body.toVersion, filter, mapping, leads: result.movable, refused: result.refused },
    });
    await sendMoves(app, (await getMoveJob(app.sql, pipelineId, moveId))!, by);
    req.log.info({ pipelineId, moveId, toVersion: req.body.toVersion }, 'leads moved');
    return reply.status(201).send(jobView((await getMoveJob(app.sql, pipelineId, moveId))!));
  });

  app.get('/api/pipelines/:id/moves', {
    config: { access: opsOnly },
    schema: { tags: ['pipelines'], summary: 'The newest move jobs of a pipeline with their counts', params: pipelineIdParams, response: { 200: z.object({ items: z.array(moveJobSummarySchema) }) } },
  }, async (req) => ({
    items: (await listMoveJobs(app.sql, req.params.id)).map((j) => ({ ...j, createdAt: j.createdAt.toISOString(), finishedAt: j.finishedAt?.toISOString() ?? null })),
  }));

  app.get('/api/pipelines/:id/moves/:moveId', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'One move job with the result per lead (moved, refused with the reason, or still pending)',
      params: pipelineIdParams.extend({ moveId: z.string().min(1).max(80) }), response: { 200: moveJobSchema, 404: errorSchema },
    },
  }, async (req) => {
    const job = await getMoveJob(app.sql, req.params.id, req.params.moveId);
    if (!job) throw notFound(`move "${req.params.moveId}"`);
    return jobView(job);
  });
};

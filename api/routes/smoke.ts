import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { smokeWorkflow } from '../../engine/smoke/workflow';
import { opsOnly } from '../auth/types';
import { notFound } from '../errors';

const smokeRun = z.object({ workflowId: z.string(), note: z.string(), createdAt: z.string() });

/** A round trip through the whole stack, used by the smoke test and by operators after a deploy. */
export const smokeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/smoke', {
    config: { access: opsOnly },
    schema: {
      tags: ['system'],
      summary: 'Start a smoke workflow that writes one row through a worker activity',
      body: z.object({ note: z.string().max(200).default(''), delayMs: z.number().int().min(0).max(60_000).optional() }),
      response: { 202: z.object({ workflowId: z.string() }) },
    },
  }, async (req, reply) => {
    const workflowId = `smoke-${crypto.randomUUID()}`;
    await app.temporal.workflow.start(smokeWorkflow, {
      taskQueue: app.config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [{ note: req.body.note, delayMs: req.body.delayMs }],
    });
    return reply.status(202).send({ workflowId });
  });

  app.get('/api/smoke/:workflowId', {
    config: { access: opsOnly },
    schema: { tags: ['system'], summary: 'State of a smoke workflow run (started by POST /api/smoke)', params: z.object({ workflowId: z.string().max(100) }), response: { 200: smokeRun } },
  }, async (req) => {
    const [row] = await app.sql<{ workflow_id: string; note: string; created_at: Date }[]>`
      select workflow_id, note, created_at from smoke_runs where workflow_id = ${req.params.workflowId}`;
    if (!row) throw notFound('smoke run');
    return { workflowId: row.workflow_id, note: row.note, createdAt: row.created_at.toISOString() };
  });
};

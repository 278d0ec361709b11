import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withCustomNodeChecks } from '../../db/activity-types';
import { collectPublishProblems } from '../../db/pipeline-checks';
import { duplicatePipeline, getPipelineMeta, getPipelineVersion, renamePipeline, rollbackPipeline, setPipelineArchived } from '../../db/pipelines';
import { validatePipeline } from '../../engine/pipeline/validate';
import { audit } from '../auth/audit';
import { opsOnly } from '../auth/types';
import { DomainError, conflict, notFound } from '../errors';
import { DEFAULT_PIPELINE_ID, forgetEntryRules } from '../pipelines/entry';
import { pipelineIdParams, problemSchema } from '../pipelines/schemas';

const errorSchema = z.object({ error: z.string(), message: z.string(), problems: z.array(problemSchema).optional() });
const newId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
const name = z.string().trim().min(1, 'must not be empty').max(100);

/** Pipelines as objects ops manage: rename, duplicate, archive (no new leads) and roll back. Every change is audited. */
export const pipelineAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const existing = async (id: string) => {
    const p = await getPipelineMeta(app.sql, id);
    if (!p) throw notFound(`pipeline "${id}"`);
    return p;
  };

  app.patch('/api/pipelines/:id', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Rename a pipeline', params: pipelineIdParams, body: z.object({ name }),
      response: { 200: z.object({ id: z.string(), name: z.string() }), 404: errorSchema },
    },
  }, async (req) => {
    const before = await renamePipeline(app.sql, req.params.id, req.body.name);
    if (before === undefined) throw notFound(`pipeline "${req.params.id}"`);
    if (before !== req.body.name) {
      await audit(app.sql, { actorId: req.user!.id, action: 'pipeline.renamed', targetType: 'pipeline', targetId: req.params.id, details: { from: before, to: req.body.name } });
    }
    return { id: req.params.id, name: req.body.name };
  });

  app.post('/api/pipelines/:id/duplicate', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Copy the draft into a new, unpublished pipeline', params: pipelineIdParams,
      body: z.object({ id: newId, name }),
      response: { 201: z.object({ id: z.string(), name: z.string() }), 404: errorSchema, 409: errorSchema },
    },
  }, async (req, reply) => {
    await existing(req.params.id);
    if (!(await duplicatePipeline(app.sql, req.params.id, req.body.id, req.body.name))) throw conflict(`id: a pipeline "${req.body.id}" exists already; choose another id`);
    await audit(app.sql, { actorId: req.user!.id, action: 'pipeline.duplicated', targetType: 'pipeline', targetId: req.body.id, details: { from: req.params.id, name: req.body.name } });
    return reply.status(201).send({ id: req.body.id, name: req.body.name });
  });

  app.post('/api/pipelines/:id/archive', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Archive a pipeline: it receives no new leads (entry rules naming it are skipped); its running leads go on',
      params: pipelineIdParams, body: z.object({ archived: z.boolean().default(true) }).default({ archived: true }),
      response: { 200: z.object({ id: z.string(), archived: z.boolean() }), 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    const p = await existing(req.params.id);
    const { archived } = req.body;
    if (archived && p.id === DEFAULT_PIPELINE_ID) throw conflict('the default pipeline takes every lead no entry rule takes; it cannot be archived');
    await setPipelineArchived(app.sql, p.id, archived, req.user!.id);
    if (Boolean(p.archivedAt) !== archived) {
      await audit(app.sql, { actorId: req.user!.id, action: archived ? 'pipeline.archived' : 'pipeline.restored', targetType: 'pipeline', targetId: p.id, details: { name: p.name } });
    }
    forgetEntryRules();
    return { id: p.id, archived };
  });

  app.post('/api/pipelines/:id/rollback', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Publish an earlier version again as the newest one (it also becomes the draft); 422 lists its problems',
      params: pipelineIdParams,
      body: z.object({ version: z.number().int().positive(), note: z.string().trim().min(1, 'say why you roll back').max(500) }),
      response: { 201: z.object({ version: z.number().int(), from: z.number().int() }), 404: errorSchema, 422: errorSchema },
    },
  }, async (req, reply) => {
    const p = await existing(req.params.id);
    const earlier = await getPipelineVersion(app.sql, p.id, req.body.version);
    if (!earlier) throw notFound(`version ${req.body.version} of pipeline "${p.id}"`);
    // Rule sets, templates and activity types may have changed since: the old version is checked like any publish.
    const result = validatePipeline({ ...earlier.document, id: p.id, name: p.name });
    const problems = result.ok ? await withCustomNodeChecks(app.sql, result.doc, await collectPublishProblems(app.sql, result.doc)) : result.problems;
    if (!result.ok || problems.length) throw new DomainError('unprocessable', `version ${req.body.version} has ${problems.length} problem(s) today; nothing was published`, problems);
    const note = `rollback to v${req.body.version}: ${req.body.note}`;
    const version = await rollbackPipeline(app.sql, result.doc, req.user!.id, note);
    await audit(app.sql, { actorId: req.user!.id, action: 'pipeline.rolled_back', targetType: 'pipeline', targetId: p.id, details: { from: req.body.version, version, note: req.body.note } });
    forgetEntryRules();
    return reply.status(201).send({ version, from: req.body.version });
  });
};

import { leadScope } from '../auth/scope';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  countLeadsByNode, getLatestPublishedPipeline, getPipelineVersion, getPipelineWithVersions, listLeadsAt, listPipelines,
  publishPipeline, savePipelineDraft,
} from '../../db/pipelines';
import { outputsOf } from '../../engine/pipeline/outputs';
import { nodeConfigSchemas, nodeTypes, type PipelineNode } from '../../engine/pipeline/schema';
import { validatePipeline, type PipelineProblem } from '../../engine/pipeline/validate';
import { collectPublishProblems } from '../../db/pipeline-checks';
import { audit } from '../auth/audit';
import { anyUser, opsOnly } from '../auth/types';
import { DomainError, notFound } from '../errors';
import { listActivityTypes, outputFacts, withCustomNodeChecks } from '../../db/activity-types';
import { diffPipelines, type DiffableDocument } from '../pipelines/diff';
import { forgetEntryRules } from '../pipelines/entry';
import {
  diffSchema, leadAtNodeSchema, liveCountsSchema, paletteItemSchema, pipelineDraftSchema, pipelineIdParams, problemSchema,
  versionInfoSchema, jsonObject, type LiveCounts, type PipelineDraft,
} from '../pipelines/schemas';

const errorSchema = z.object({ error: z.string(), message: z.string(), problems: z.array(problemSchema).optional() });
const validationSchema = z.object({ ok: z.boolean(), problems: z.array(problemSchema) });

/** Config a node gets when dropped from the palette (zod defaults applied, required strings left empty). */
const paletteDefaults: Record<string, Record<string, unknown>> = {
  trigger: { sources: [] },
  score: { ruleSetId: 'scoring-default' },
  route: { ruleSetId: 'routing-default' },
  stage: { name: 'new stage', status: 'open' },
  wait: { until: 'qualification' },
  decision: { branches: [{ id: 'yes', label: 'Yes' }] },
  send_email: { template: 'nurture', to: 'lead' },
  create_task: { kind: 'call', title: 'Call the lead', dueHours: 24, assignee: 'owner' },
  configurator_check: { ruleSetId: 'configurator-default' },
  custom: { activity: '', input: {} },
  end_won: {},
  end_lost: {},
};

/** Graph checks, then (for a well-formed graph) the checks that need the database: rule sets, templates, facts. */
async function validateDraft(app: FastifyInstance, draft: unknown): Promise<PipelineProblem[]> {
  const result = validatePipeline(draft);
  if (!result.ok) return result.problems;
  return withCustomNodeChecks(app.sql, result.doc, await collectPublishProblems(app.sql, result.doc));
}

/** Counts of the leads the viewer may see (the same scope as the lists behind them), so a count and its list agree. */
async function liveCounts(app: FastifyInstance, pipelineId: string, user: FastifyRequest['user']): Promise<LiveCounts> {
  const [rows, latest] = await Promise.all([countLeadsByNode(app.sql, pipelineId, leadScope(app.sql, user)), getLatestPublishedPipeline(app.sql, pipelineId)]);
  const nodes = new Map<string, { open: number; closed: number; failed: number }>();
  const stages = new Map<string, { open: number; closed: number; failed: number }>();
  const total = { open: 0, closed: 0, failed: 0 };
  for (const r of rows) {
    for (const [map, key] of [[nodes, r.nodeId], [stages, r.stage]] as const) {
      if (key === null) continue;
      const c = map.get(key) ?? { open: 0, closed: 0, failed: 0 };
      c.open += r.open;
      c.closed += r.closed;
      c.failed += r.failed;
      map.set(key, c);
    }
    total.open += r.open;
    total.closed += r.closed;
    total.failed += r.failed;
  }
  return {
    pipelineId, version: latest?.version ?? null,
    nodes: [...nodes].map(([nodeId, c]) => ({ nodeId, ...c })),
    stages: [...stages].map(([stage, c]) => ({ stage, ...c })),
    total, at: new Date().toISOString(),
  };
}

const leadRows = (rows: Awaited<ReturnType<typeof listLeadsAt>>) => rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));

/** Pipeline designer API: palette, drafts, validation, publishing, versions and diffs, live counts. */
export const pipelineRoutes: FastifyPluginAsyncZod = async (app) => {
  // Open event streams are ended before the server closes, or close() would wait on them forever.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
    streams.clear();
  });

  app.get('/api/palette', {
    config: { access: anyUser },
    schema: { tags: ['pipelines'], summary: 'Node types the designer offers, with config JSON schemas and branches', response: { 200: z.object({ items: z.array(paletteItemSchema) }) } },
  }, async () => {
    const builtins = nodeTypes.filter((t) => t !== 'custom').map((type) => {
      const schema = nodeConfigSchemas[type];
      const defaults = paletteDefaults[type] ?? {};
      const outputs = outputsOf({ id: 'x', type, config: defaults, position: { x: 0, y: 0 } } as PipelineNode);
      return {
        type, label: schema.description ?? type, kind: 'builtin' as const,
        branches: outputs.map((o) => o ?? 'next'), dynamicBranches: type === 'decision' || type === 'wait',
        configSchema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>, defaults,
      };
    });
    // Activity types are data: registered by the workers that serve them (built-in ones by the main worker).
    const configSchema = z.toJSONSchema(nodeConfigSchemas.custom, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const custom = (await listActivityTypes(app.sql)).map((a) => ({
      type: 'custom' as const, label: a.label, ...(a.description ? { description: a.description } : {}), kind: 'custom' as const, activity: a.name, version: a.version,
      branches: ['next'], dynamicBranches: false, configSchema, defaults: { activity: a.name, version: a.version, input: {} },
      inputSchema: a.inputSchema, outputSchema: a.outputSchema, outputFacts: outputFacts(a.name, a.outputSchema),
      source: a.source, taskQueue: a.taskQueue, online: a.online, lastSeenAt: a.lastSeenAt?.toISOString() ?? null,
    }));
    return { items: [...builtins, ...custom] };
  });

  app.get('/api/pipelines', {
    config: { access: anyUser },
    schema: {
      tags: ['pipelines'], summary: 'All pipelines with their newest published version',
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), draftUpdatedAt: z.string(), latestVersion: z.number().int().nullable(), publishedAt: z.string().nullable(), archivedAt: z.string().nullable() })) }) },
    },
  }, async () => ({
    items: (await listPipelines(app.sql)).map((p) => ({
      ...p, draftUpdatedAt: p.draftUpdatedAt.toISOString(), publishedAt: p.publishedAt?.toISOString() ?? null, archivedAt: p.archivedAt?.toISOString() ?? null,
    })),
  }));

  app.get('/api/pipelines/:id', {
    config: { access: anyUser },
    schema: {
      tags: ['pipelines'], summary: 'The draft of a pipeline, its problems and its published versions', params: pipelineIdParams,
      response: { 200: z.object({ id: z.string(), name: z.string(), draft: jsonObject, draftUpdatedAt: z.string(), problems: z.array(problemSchema), versions: z.array(versionInfoSchema) }), 404: errorSchema },
    },
  }, async (req) => {
    const p = await getPipelineWithVersions(app.sql, req.params.id);
    if (!p) throw notFound(`pipeline "${req.params.id}"`);
    return {
      id: p.id, name: p.name, draft: p.draft as Record<string, unknown>, draftUpdatedAt: p.draftUpdatedAt.toISOString(),
      problems: await validateDraft(app, p.draft),
      versions: p.versions.map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() })),
    };
  });

  app.put('/api/pipelines/:id/draft', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Save the draft (kept even when the graph has problems; they are returned)', params: pipelineIdParams,
      body: pipelineDraftSchema,
      response: { 200: z.object({ savedAt: z.string(), problems: z.array(problemSchema) }), 400: errorSchema },
    },
  }, async (req) => {
    const draft: PipelineDraft = { ...req.body, id: req.params.id };
    const savedAt = await savePipelineDraft(app.sql, req.params.id, draft.name, draft);
    return { savedAt: savedAt.toISOString(), problems: await validateDraft(app, draft) };
  });

  app.post('/api/pipelines/:id/validate', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Check a pipeline (the body, or the stored draft when the body is empty)', params: pipelineIdParams,
      body: pipelineDraftSchema.optional(), response: { 200: validationSchema, 404: errorSchema },
    },
  }, async (req) => {
    let draft: unknown = req.body ? { ...req.body, id: req.params.id } : undefined;
    if (!draft) {
      const p = await getPipelineWithVersions(app.sql, req.params.id);
      if (!p) throw notFound(`pipeline "${req.params.id}"`);
      draft = p.draft;
    }
    const problems = await validateDraft(app, draft);
    return { ok: problems.length === 0, problems };
  });

  app.post('/api/pipelines/:id/publish', {
    config: { access: opsOnly },
    schema: {
      tags: ['pipelines'], summary: 'Publish the draft (or the given document) as a new immutable version; 422 lists the problems',
      params: pipelineIdParams,
      body: z.object({ note: z.string().max(500).default(''), document: pipelineDraftSchema.optional() }).default({ note: '' }),
      response: { 201: z.object({ version: z.number().int(), publishedAt: z.string() }), 422: errorSchema, 404: errorSchema },
    },
  }, async (req, reply) => {
    const id = req.params.id;
    let draft: unknown;
    if (req.body.document) {
      draft = { ...req.body.document, id };
      await savePipelineDraft(app.sql, id, req.body.document.name, draft);
    } else {
      const p = await getPipelineWithVersions(app.sql, id);
      if (!p) throw notFound(`pipeline "${id}"`);
      draft = { ...(p.draft as object), id };
    }
    const result = validatePipeline(draft);
    const problems = result.ok ? await withCustomNodeChecks(app.sql, result.doc, await collectPublishProblems(app.sql, result.doc)) : result.problems;
    if (!result.ok || problems.length) {
      throw new DomainError('unprocessable', `the pipeline has ${problems.length} problem(s); nothing was published`, problems);
    }
    const version = await publishPipeline(app.sql, result.doc, req.user?.id ?? null, req.body.note);
    await audit(app.sql, { actorId: req.user?.id ?? null, action: 'pipeline.published', targetType: 'pipeline', targetId: id, details: { version, note: req.body.note } });
    forgetEntryRules();
    req.log.info({ pipelineId: id, version }, 'pipeline published');
    return reply.status(201).send({ version, publishedAt: new Date().toISOString() });
  });

  app.get('/api/pipelines/:id/versions/:version', {
    config: { access: anyUser },
    schema: {
      tags: ['pipelines'], summary: 'One published (immutable) version',
      params: pipelineIdParams.extend({ version: z.coerce.number().int().positive().max(2_147_483_647) }),
      response: { 200: z.object({ pipelineId: z.string(), version: z.number().int(), document: jsonObject }), 404: errorSchema },
    },
  }, async (req) => {
    const v = await getPipelineVersion(app.sql, req.params.id, req.params.version);
    if (!v) throw notFound(`version ${req.params.version} of pipeline "${req.params.id}"`);
    return { pipelineId: v.pipelineId, version: v.version, document: v.document as unknown as Record<string, unknown> };
  });

  app.get('/api/pipelines/:id/diff', {
    config: { access: anyUser },
    schema: {
      tags: ['pipelines'], summary: 'Nodes and edges added, removed and changed between two versions ("draft" = the current draft)',
      params: pipelineIdParams,
      querystring: z.object({ from: z.string().regex(/^([1-9]\d{0,8}|draft)$/, 'a version number (1 … 999999999) or "draft"'), to: z.string().regex(/^([1-9]\d{0,8}|draft)$/, 'a version number (1 … 999999999) or "draft"') }),
      response: { 200: diffSchema, 404: errorSchema },
    },
  }, async (req) => {
    const load = async (ref: string): Promise<DiffableDocument> => {
      if (ref === 'draft') {
        const p = await getPipelineWithVersions(app.sql, req.params.id);
        if (!p) throw notFound(`pipeline "${req.params.id}"`);
        const d = p.draft as Partial<DiffableDocument>;
        return { nodes: d.nodes ?? [], edges: d.edges ?? [] };
      }
      const v = await getPipelineVersion(app.sql, req.params.id, Number(ref));
      if (!v) throw notFound(`version ${ref} of pipeline "${req.params.id}"`);
      return v.document;
    };
    const diff = diffPipelines(await load(req.query.from), await load(req.query.to));
    return { from: req.query.from, to: req.query.to, ...(diff as unknown as Omit<z.infer<typeof diffSchema>, 'from' | 'to'>) };
  });

  app.get('/api/pipelines/:id/live', {
    config: { access: anyUser },
    schema: { tags: ['pipelines'], summary: 'Leads of the pipeline per node and per stage, open vs closed', params: pipelineIdParams, response: { 200: liveCountsSchema } },
  }, async (req) => liveCounts(app, req.params.id, req.user));

  app.get('/api/pipelines/:id/live/stream', {
    config: { access: anyUser },
    schema: { tags: ['pipelines'], summary: 'Server-sent events: the live counts, pushed (about every second) when they change', params: pipelineIdParams },
  }, async (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let last = '';
    let closed = false;
    let busy = false;
    const push = async () => {
      if (closed || busy) return;
      busy = true;
      try {
        const counts = await liveCounts(app, req.params.id, req.user);
        const key = JSON.stringify({ ...counts, at: '' });
        if (key !== last) {
          last = key;
          res.write(`event: counts\ndata: ${JSON.stringify(counts)}\n\n`);
        } else {
          res.write(': keep-alive\n\n');
        }
      } catch (err) {
        req.log.warn({ err }, 'live counts failed');
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void push(), 1000);
    const stop = () => {
      closed = true;
      clearInterval(timer);
    };
    const end = () => {
      stop();
      res.end();
    };
    streams.add(end);
    req.raw.on('close', () => {
      stop();
      streams.delete(end);
    });
    await push();
  });

  const leadsResponse = { 200: z.object({ items: z.array(leadAtNodeSchema) }) };
  app.get('/api/pipelines/:id/nodes/:nodeId/leads', {
    config: { access: anyUser },
    schema: { tags: ['pipelines'], summary: 'Leads currently at a node', params: pipelineIdParams.extend({ nodeId: z.string().min(1).max(64) }), response: leadsResponse },
  }, async (req) => ({ items: leadRows(await listLeadsAt(app.sql, req.params.id, { nodeId: req.params.nodeId }, leadScope(app.sql, req.user, 'l'))) }));

  app.get('/api/pipelines/:id/stages/:stage/leads', {
    config: { access: anyUser },
    schema: { tags: ['pipelines'], summary: 'Leads currently in a stage', params: pipelineIdParams.extend({ stage: z.string().min(1).max(64) }), response: leadsResponse },
  }, async (req) => ({ items: leadRows(await listLeadsAt(app.sql, req.params.id, { stage: req.params.stage }, leadScope(app.sql, req.user, 'l'))) }));
};

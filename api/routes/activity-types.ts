import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ActivityTypeError, BUILTIN_OWNER, heartbeat, listActivityTypes, outputFacts, pipelinesUsing, registerActivityTypes, retireActivityType,
  type ActivityTypeRow,
} from '../../db/activity-types';
import { activityNameSchema, heartbeatBodySchema, registerBodySchema } from '../../sdk/protocol';
import { leadScope } from '../auth/scope';
import { anyUser, opsOnly } from '../auth/types';
import { DomainError, notFound } from '../errors';

const errorSchema = z.object({ error: z.string(), message: z.string() }).passthrough();

const activityTypeSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  label: z.string(),
  description: z.string().nullable(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()),
  /** Decision facts the output offers (`custom.<name>.<field>`), with their types. */
  outputFacts: z.array(z.object({ name: z.string(), type: z.string(), label: z.string(), values: z.array(z.string()).optional() })),
  taskQueue: z.string(),
  startToCloseTimeoutMs: z.number().int(),
  retry: z.object({ initialIntervalMs: z.number(), backoffCoefficient: z.number(), maximumIntervalMs: z.number(), maximumAttempts: z.number() }),
  source: z.enum(['builtin', 'developer']),
  owner: z.string(),
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  retiredAt: z.string().nullable(),
});

const toView = (t: ActivityTypeRow): z.infer<typeof activityTypeSchema> => ({
  name: t.name, version: t.version, label: t.label, description: t.description, inputSchema: t.inputSchema, outputSchema: t.outputSchema,
  outputFacts: outputFacts(t.name, t.outputSchema), taskQueue: t.taskQueue, startToCloseTimeoutMs: t.startToCloseMs, retry: t.retry,
  source: t.source, owner: t.owner, online: t.online, lastSeenAt: t.lastSeenAt?.toISOString() ?? null, retiredAt: t.retiredAt?.toISOString() ?? null,
});

const waitingSchema = z.object({
  activity: z.string(),
  version: z.number().int(),
  label: z.string(),
  taskQueue: z.string(),
  lastSeenAt: z.string().nullable(),
  /** When the step was scheduled (it waits in the task queue for the worker). */
  since: z.string().nullable(),
});

const usageSchema = z.array(z.object({ id: z.string(), name: z.string(), nodeIds: z.array(z.string()), where: z.array(z.enum(['draft', 'published'])) }));

const iso = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null =>
  t?.seconds != null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null;

/**
 * Activity types: workers register what they serve and send heartbeats (developer key); everyone signed in lists
 * them; ops retire a version (told which pipelines use it). Leads whose step waits for an offline worker are
 * shown as "waiting for worker", on the lead and per pipeline node.
 */
export const activityTypeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/activity-types/register', {
    config: { access: 'developer' },
    schema: {
      tags: ['activity types'], summary: 'A worker registers (or updates) the activity types it serves, at its start',
      body: registerBodySchema, response: { 200: z.object({ items: z.array(activityTypeSchema) }), 409: errorSchema, 422: errorSchema },
    },
  }, async (req) => {
    const key = req.developerKey!;
    if (key.owner === BUILTIN_OWNER) throw new DomainError('forbidden', `the owner "${BUILTIN_OWNER}" is reserved for built-in activities`);
    req.body.activities.forEach((a, i) => {
      // The main task queue is polled by the lead worker, which could never run a developer's activity.
      if (a.taskQueue === app.config.TEMPORAL_TASK_QUEUE) {
        throw new DomainError('unprocessable', `activities[${i}].taskQueue: "${a.taskQueue}" is Leadflow's own task queue; serve your activities on a queue of their own`, [{ path: `activities[${i}].taskQueue`, message: 'is the main task queue' }]);
      }
    });
    try {
      const rows = await registerActivityTypes(app.sql, { owner: key.owner, keyId: key.id }, req.body.activities);
      req.log.info({ owner: key.owner, types: rows.map((r) => `${r.name}@${r.version}`) }, 'activity types registered');
      return { items: rows.map(toView) };
    } catch (err) {
      if (err instanceof ActivityTypeError) throw new DomainError(err.code, `${err.path}: ${err.message}`, [{ path: err.path, message: err.message }]);
      throw err;
    }
  });

  app.post('/api/activity-types/heartbeat', {
    config: { access: 'developer' },
    schema: {
      tags: ['activity types'], summary: 'A worker is alive (every few seconds) or stopping; marks its types on that task queue',
      body: heartbeatBodySchema, response: { 200: z.object({ types: z.number().int() }), 404: errorSchema },
    },
  }, async (req) => {
    const n = await heartbeat(app.sql, req.developerKey!.owner, req.body.taskQueue, req.body.stopping);
    if (!n) throw notFound(`activity types of this key's owner on task queue "${req.body.taskQueue}" (register them first)`);
    return { types: n };
  });

  app.get('/api/activity-types', {
    config: { access: anyUser },
    schema: {
      tags: ['activity types'], summary: 'Registered activity types, newest version first, with whether their worker is online',
      querystring: z.object({ retired: z.enum(['true', 'false']).default('false') }),
      response: { 200: z.object({ items: z.array(activityTypeSchema) }) },
    },
  }, async (req) => ({ items: (await listActivityTypes(app.sql, { includeRetired: req.query.retired === 'true' })).map(toView) }));

  const versionParams = z.object({ name: activityNameSchema, version: z.coerce.number().int().min(1).max(1_000_000) });

  app.get('/api/activity-types/:name/:version/usage', {
    config: { access: opsOnly },
    schema: { tags: ['activity types'], summary: 'Pipelines (draft or newest version) with a node calling this type', params: versionParams, response: { 200: z.object({ pipelines: usageSchema }) } },
  }, async (req) => ({ pipelines: await pipelinesUsing(app.sql, req.params.name, req.params.version) }));

  app.post('/api/activity-types/:name/:version/retire', {
    config: { access: opsOnly },
    schema: {
      tags: ['activity types'], summary: 'Retire a version: publishing a pipeline that calls it is refused from now on; running leads go on',
      params: versionParams,
      response: { 200: z.object({ retired: z.literal(true), warning: z.string().nullable(), pipelines: usageSchema }), 404: errorSchema },
    },
  }, async (req) => {
    const { name, version } = req.params;
    if (!await retireActivityType(app.sql, name, version, req.user!.id)) throw notFound(`activity type ${name} v${version}`);
    const pipelines = await pipelinesUsing(app.sql, name, version);
    const warning = pipelines.length
      ? `${pipelines.length} pipeline(s) still call ${name} v${version}: ${pipelines.map((p) => `"${p.name}"`).join(', ')}; they cannot be published again until those nodes change`
      : null;
    req.log.info({ name, version, by: req.user!.id, pipelines: pipelines.length }, 'activity type retired');
    return { retired: true as const, warning, pipelines };
  });

  /** Developer types whose worker is offline, by name. */
  const offlineTypes = async () => new Map((await listActivityTypes(app.sql, { includeRetired: true })).filter((t) => !t.online).map((t) => [t.name, t]));

  app.get('/api/leads/:id/waiting', {
    config: { access: anyUser },
    schema: {
      tags: ['activity types'], summary: 'Steps of the lead waiting for an activity worker that is offline (they resume when it is back)',
      params: z.object({ id: z.string().min(1).max(80) }), response: { 200: z.object({ items: z.array(waitingSchema) }), 404: errorSchema },
    },
  }, async (req) => {
    const [lead] = await app.sql`select 1 from leads where id = ${req.params.id} and ${leadScope(app.sql, req.user)}`;
    if (!lead) throw notFound('lead');
    const offline = await offlineTypes();
    if (!offline.size) return { items: [] };
    let pending;
    try {
      pending = (await app.temporal.workflow.getHandle(req.params.id).describe()).raw.pendingActivities ?? [];
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { items: [] };
      throw err;
    }
    return {
      items: pending.flatMap((p) => {
        const t = offline.get(p.activityType?.name ?? '');
        if (!t) return [];
        return [{ activity: t.name, version: t.version, label: t.label, taskQueue: t.taskQueue, lastSeenAt: t.lastSeenAt?.toISOString() ?? null, since: iso(p.scheduledTime) }];
      }),
    };
  });

  app.get('/api/pipelines/:id/waiting', {
    config: { access: anyUser },
    schema: {
      tags: ['activity types'], summary: 'Per custom node of the pipeline: open leads waiting there for an offline activity worker',
      params: z.object({ id: z.string().min(1).max(80) }),
      response: { 200: z.object({ items: z.array(z.object({ nodeId: z.string(), activity: z.string(), label: z.string(), leads: z.number().int(), lastSeenAt: z.string().nullable() })) }) },
    },
  }, async (req) => {
    const offline = await offlineTypes();
    if (!offline.size) return { items: [] };
    // A lead's node is set to the custom node when its step is scheduled, so the open leads there are the waiting ones.
    const rows = await app.sql<{ node_id: string; activity: string; leads: number }[]>`
      select l.node_id, n.node->'config'->>'activity' as activity, count(*)::int as leads
      from leads l
      join pipeline_versions v on v.pipeline_id = l.pipeline_id and v.version = l.pipeline_version
      cross join lateral jsonb_array_elements(v.document->'nodes') as n(node)
      where l.pipeline_id = ${req.params.id} and l.status not in ('won', 'lost', 'disqualified', 'failed')
        and n.node->>'id' = l.node_id and n.node->>'type' = 'custom' and ${leadScope(app.sql, req.user, 'l')}
      group by l.node_id, activity order by l.node_id`;
    return {
      items: rows.flatMap((r) => {
        const t = offline.get(r.activity);
        return t ? [{ nodeId: r.node_id, activity: t.name, label: t.label, leads: r.leads, lastSeenAt: t.lastSeenAt?.toISOString() ?? null }] : [];
      }),
    };
  });
};

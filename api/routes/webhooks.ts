import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { wakeDispatcherSignal } from '../../engine/webhooks/messages';
import {
  webhookCreateSchema, webhookDeliverySchema, webhookEvents, webhookSubscriptionSchema, webhookUpdateSchema, webhookUrlProblem,
} from '../../engine/webhooks/schemas';
import { webhookDispatchWorkflow } from '../../engine/webhooks/workflow';
import { audit } from '../auth/audit';
import { errorSchema, idParams } from '../auth/schemas';
import { adminOnly } from '../auth/types';
import { notFound, unprocessable } from '../errors';

interface SubscriptionRow {
  id: string; name: string; url: string; events: string[]; status: 'active' | 'paused'; paused_at: Date | null; paused_reason: string | null;
  pause_after_failures: number | null; pause_after_hours: number; consecutive_failures: number; failing_since: Date | null;
  owner_id: string | null; created_at: Date; secret_rotated_at: Date | null; pending: number; delivered: number;
}

interface DeliveryRow {
  id: string; event: string; lead_id: string | null; status: 'pending' | 'delivered' | 'failed'; attempts: number; response_code: number | null;
  last_error: string | null; duration_ms: number | null; redelivery_of: string | null; created_at: Date; last_attempt_at: Date | null;
  delivered_at: Date | null; payload: unknown;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
const toView = (r: SubscriptionRow) => ({
  id: r.id, name: r.name, url: r.url, events: r.events, status: r.status, pausedAt: iso(r.paused_at), pausedReason: r.paused_reason,
  pauseAfterFailures: r.pause_after_failures, pauseAfterHours: r.pause_after_hours, consecutiveFailures: r.consecutive_failures,
  failingSince: iso(r.failing_since), ownerId: r.owner_id, createdAt: r.created_at.toISOString(), secretRotatedAt: iso(r.secret_rotated_at),
  pending: Number(r.pending), delivered: Number(r.delivered),
});
const deliveryView = (d: DeliveryRow) => ({
  id: d.id, event: d.event, leadId: d.lead_id,
  status: d.status === 'pending' && d.attempts > 0 ? 'retrying' as const : d.status,
  attempts: d.attempts, responseCode: d.response_code, lastError: d.last_error, durationMs: d.duration_ms, redeliveryOf: d.redelivery_of,
  createdAt: d.created_at.toISOString(), lastAttemptAt: iso(d.last_attempt_at), deliveredAt: iso(d.delivered_at), payload: d.payload,
});

/** A new subscription secret: 32 random bytes, prefixed so it is recognisable in a receiver's configuration. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0', '[::]']);
const hostOnly = (h: string) => h.replace(/^\[|\]$/g, '').toLowerCase();

/** Whether a receiver URL is this API: its own host and port (as the client reached it, or as it listens). */
function pointsAtApi(app: FastifyInstance, req: FastifyRequest, url: URL): boolean {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = hostOnly(url.hostname);
  const selves: { host: string; port: string }[] = [];
  const reached = req.headers.host;
  if (reached && URL.canParse(`http://${reached}`)) {
    const r = new URL(`http://${reached}`);
    selves.push({ host: hostOnly(r.hostname), port: r.port || (req.protocol === 'https' ? '443' : '80') });
  }
  for (const a of app.addresses()) if (typeof a !== 'string') selves.push({ host: hostOnly(a.address), port: String(a.port) });
  selves.push({ host: hostOnly(app.config.HOST), port: String(app.config.PORT) });
  return selves.some((s) => s.port === port && (s.host === host || (LOOPBACK.has(s.host) && LOOPBACK.has(host)) || (LOOPBACK.has(host) && s.host === '0.0.0.0')));
}

/** 422 naming `url` when the receiver URL is not http(s) or is this API (it would deliver to itself). */
function checkUrl(app: FastifyInstance, req: FastifyRequest, raw: string) {
  const problem = webhookUrlProblem(raw) ?? (pointsAtApi(app, req, new URL(raw)) ? 'must not point at this API itself' : null);
  if (problem) throw unprocessable(`url: ${problem}`, [{ path: 'url', message: problem }]);
}

const selectSubscriptions = (app: FastifyInstance, id?: string) => app.sql<SubscriptionRow[]>`
  select s.id, s.name, s.url, s.events, s.status, s.paused_at, s.paused_reason, s.pause_after_failures, s.pause_after_hours,
         s.consecutive_failures, s.failing_since, s.owner_id, s.created_at, s.secret_rotated_at,
         (select count(*) from webhook_deliveries d where d.subscription_id = s.id and d.status = 'pending')::int as pending,
         (select count(*) from webhook_deliveries d where d.subscription_id = s.id and d.status = 'delivered')::int as delivered
  from webhook_subscriptions s ${id ? app.sql`where s.id = ${id}` : app.sql``} order by s.created_at, s.id`;

/** Starts the subscription's dispatcher if it is not running, and wakes it. */
async function wake(app: FastifyInstance, subscriptionId: string) {
  await app.temporal.workflow.signalWithStart(webhookDispatchWorkflow, {
    workflowId: `webhook-${subscriptionId}`, taskQueue: app.config.TEMPORAL_TASK_QUEUE, args: [{ subscriptionId }], signal: wakeDispatcherSignal,
  });
}

const withSecret = webhookSubscriptionSchema.extend({ secret: z.string().meta({ description: 'Shown in this response only: keep it to verify X-Leadflow-Signature' }) });
const deliveryParams = z.object({ id: z.string().min(1).max(100), deliveryId: z.string().min(1).max(100) });
const queued = z.object({ deliveryId: z.string() });

/** Outbound webhooks (admins): subscriptions, their secret, the delivery log, redelivery and a test ping. */
export const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  // Every subscription has its dispatcher, also after the Temporal server lost its state (a fresh dev server): an API
  // start makes sure of it, beside the start-up (Temporal being slow never holds the API back). A running dispatcher
  // only gets a wake-up.
  app.addHook('onReady', async () => {
    void (async () => {
      const subs = await app.sql<{ id: string }[]>`select id from webhook_subscriptions`.catch(() => []);
      for (const s of subs) {
        await wake(app, s.id).catch((err: Error) => app.log.warn({ subscriptionId: s.id, reason: err.message }, 'webhook dispatcher not started'));
      }
    })();
  });

  app.get('/api/webhooks/events', {
    config: { access: adminOnly },
    schema: { tags: ['webhooks'], summary: 'The events a subscription can ask for', response: { 200: z.object({ events: z.array(z.string()) }) } },
  }, async () => ({ events: [...webhookEvents] }));

  app.get('/api/webhooks', {
    config: { access: adminOnly },
    schema: { tags: ['webhooks'], summary: 'List webhook subscriptions with their pending and delivered counts', response: { 200: z.object({ items: z.array(webhookSubscriptionSchema) }) } },
  }, async () => ({ items: (await selectSubscriptions(app)).map(toView) }));

  app.post('/api/webhooks', {
    config: { access: adminOnly, idempotency: true },
    schema: {
      tags: ['webhooks'], summary: 'Subscribe a receiver URL to events; the signing secret is in this response only',
      body: webhookCreateSchema, response: { 201: withSecret, 422: errorSchema },
    },
  }, async (req, reply) => {
    checkUrl(app, req, req.body.url);
    const id = randomUUID();
    const secret = newSecret();
    const b = req.body;
    await app.sql`
      insert into webhook_subscriptions (id, name, url, events, secret, pause_after_failures, pause_after_hours, owner_id)
      values (${id}, ${b.name}, ${b.url}, ${b.events}, ${secret}, ${b.pauseAfterFailures}, ${b.pauseAfterHours}, ${req.user!.id})`;
    try {
      await wake(app, id);
    } catch (err) {
      // Without its dispatcher the subscription would queue forever: nothing is kept, the admin retries.
      await app.sql`delete from webhook_subscriptions where id = ${id}`;
      throw err;
    }
    await audit(app.sql, { actorId: req.user!.id, action: 'webhook.created', targetType: 'webhook', targetId: id, details: { name: b.name, url: b.url, events: b.events } });
    const [row] = await selectSubscriptions(app, id);
    return reply.status(201).send({ ...toView(row!), secret });
  });

  app.get('/api/webhooks/:id', {
    config: { access: adminOnly },
    schema: { tags: ['webhooks'], summary: 'One webhook subscription (never its secret)', params: idParams, response: { 200: webhookSubscriptionSchema, 404: errorSchema } },
  }, async (req) => {
    const [row] = await selectSubscriptions(app, req.params.id);
    if (!row) throw notFound('webhook subscription');
    return toView(row);
  });

  app.patch('/api/webhooks/:id', {
    config: { access: adminOnly },
    schema: {
      tags: ['webhooks'], summary: 'Change a subscription (name, URL, events, pause rule); events already queued keep their receiver',
      params: idParams, body: webhookUpdateSchema, response: { 200: webhookSubscriptionSchema, 404: errorSchema, 422: errorSchema },
    },
  }, async (req) => {
    const b = req.body;
    if (b.url !== undefined) checkUrl(app, req, b.url);
    const [row] = await app.sql<{ id: string }[]>`
      update webhook_subscriptions set
        name = coalesce(${b.name ?? null}, name), url = coalesce(${b.url ?? null}, url),
        events = coalesce(${b.events ?? null}::text[], events),
        pause_after_failures = ${b.pauseAfterFailures === undefined ? app.sql`pause_after_failures` : app.sql`${b.pauseAfterFailures}`},
        pause_after_hours = coalesce(${b.pauseAfterHours ?? null}::int, pause_after_hours), updated_at = now()
      where id = ${req.params.id} returning id`;
    if (!row) throw notFound('webhook subscription');
    await audit(app.sql, { actorId: req.user!.id, action: 'webhook.updated', targetType: 'webhook', targetId: row.id, details: { ...b } });
    return toView((await selectSubscriptions(app, row.id))[0]!);
  });

  app.post('/api/webhooks/:id/rotate-secret', {
    config: { access: adminOnly },
    schema: { tags: ['webhooks'], summary: 'Replace the signing secret; the new one is in this response only and signs every delivery from now on', params: idParams, response: { 200: withSecret, 404: errorSchema } },
  }, async (req) => {
    const secret = newSecret();
    const [row] = await app.sql<{ id: string }[]>`update webhook_subscriptions set secret = ${secret}, secret_rotated_at = now(), updated_at = now() where id = ${req.params.id} returning id`;
    if (!row) throw notFound('webhook subscription');
    await audit(app.sql, { actorId: req.user!.id, action: 'webhook.secret_rotated', targetType: 'webhook', targetId: row.id });
    return { ...toView((await selectSubscriptions(app, row.id))[0]!), secret };
  });

  app.post('/api/webhooks/:id/resume', {
    config: { access: adminOnly },
    schema: { tags: ['webhooks'], summary: 'Resume a paused subscription: what was queued meanwhile is delivered in order', params: idParams, response: { 200: webhookSubscriptionSchema, 404: errorSchema } },
  }, async (req) => {
    const [row] = await app.sql<{ id: string }[]>`
      update webhook_subscriptions set status = 'active', paused_at = null, paused_reason = null, consecutive_failures = 0, failing_since = null, updated_at = now()
      where id = ${req.params.id} returning id`;
    if (!row) throw notFound('webhook subscription');
    await app.sql`update tasks set done = true, done_at = now() where kind = 'webhook_paused' and id like ${`webhook-paused:${row.id}:%`} and not done`;
    await audit(app.sql, { actorId: req.user!.id, action: 'webhook.resumed', targetType: 'webhook', targetId: row.id });
    await wake(app, row.id);
    return toView((await selectSubscriptions(app, row.id))[0]!);
  });

  app.delete('/api/webhooks/:id', {
    config: { access: adminOnly },
    schema: { tags: ['webhooks'], summary: 'Delete a subscription and its delivery log; its dispatcher stops', params: idParams, response: { 204: z.null(), 404: errorSchema } },
  }, async (req, reply) => {
    const [row] = await app.sql<{ id: string; name: string }[]>`delete from webhook_subscriptions where id = ${req.params.id} returning id, name`;
    if (!row) throw notFound('webhook subscription');
    await audit(app.sql, { actorId: req.user!.id, action: 'webhook.deleted', targetType: 'webhook', targetId: row.id, details: { name: row.name } });
    // The dispatcher finds its subscription gone and ends; a dispatcher that is not running needs nothing.
    await app.temporal.workflow.getHandle(`webhook-${row.id}`).signal(wakeDispatcherSignal).catch(() => undefined);
    return reply.status(204).send(null);
  });

  app.post('/api/webhooks/:id/ping', {
    config: { access: adminOnly, idempotency: true },
    schema: { tags: ['webhooks'], summary: 'Send a signed test ping (event "ping") now, ahead of queued events; it shows in the delivery log', params: idParams, response: { 202: queued, 404: errorSchema } },
  }, async (req, reply) => {
    const [sub] = await app.sql<{ id: string }[]>`select id from webhook_subscriptions where id = ${req.params.id}`;
    if (!sub) throw notFound('webhook subscription');
    const [d] = await app.sql<{ id: string }[]>`
      insert into webhook_deliveries (subscription_id, event, payload)
      values (${sub.id}, 'ping', ${app.sql.json({ event: 'ping', subscriptionId: sub.id, message: 'Test ping from Leadflow', sentBy: req.user!.id } as never)})
      returning id`;
    await wake(app, sub.id);
    return reply.status(202).send({ deliveryId: d!.id });
  });

  app.get('/api/webhooks/:id/deliveries', {
    config: { access: adminOnly },
    schema: {
      tags: ['webhooks'], summary: 'The delivery log, newest first',
      params: idParams,
      querystring: z.object({
        status: z.enum(['pending', 'retrying', 'delivered', 'failed']).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        before: z.coerce.number().int().min(1).optional().meta({ description: 'Page on: the `seq` cursor of the last row seen' }),
      }),
      response: { 200: z.object({ items: z.array(webhookDeliverySchema.extend({ seq: z.number() })) }), 404: errorSchema },
    },
  }, async (req) => {
    const [sub] = await app.sql`select 1 from webhook_subscriptions where id = ${req.params.id}`;
    if (!sub) throw notFound('webhook subscription');
    const q = req.query;
    const status = q.status === 'retrying' ? app.sql`and status = 'pending' and attempts > 0`
      : q.status === 'pending' ? app.sql`and status = 'pending' and attempts = 0`
        : q.status ? app.sql`and status = ${q.status}` : app.sql``;
    const rows = await app.sql<(DeliveryRow & { seq: string })[]>`
      select id, seq, event, lead_id, status, attempts, response_code, last_error, duration_ms, redelivery_of, created_at, last_attempt_at, delivered_at, payload
      from webhook_deliveries where subscription_id = ${req.params.id} ${status} ${q.before ? app.sql`and seq < ${q.before}` : app.sql``}
      order by seq desc limit ${q.limit}`;
    return { items: rows.map((r) => ({ ...deliveryView(r), seq: Number(r.seq) })) };
  });

  app.post('/api/webhooks/:id/deliveries/:deliveryId/redeliver', {
    config: { access: adminOnly, idempotency: true },
    schema: {
      tags: ['webhooks'], summary: 'Send a delivery again, as a new delivery (new X-Leadflow-Delivery id) at the end of the queue',
      params: deliveryParams, response: { 202: queued, 404: errorSchema },
    },
  }, async (req, reply) => {
    const [d] = await app.sql<{ id: string }[]>`
      insert into webhook_deliveries (subscription_id, event_id, event, lead_id, payload, redelivery_of)
      select subscription_id, event_id, event, lead_id, payload, id from webhook_deliveries
      where id = ${req.params.deliveryId} and subscription_id = ${req.params.id}
      returning id`;
    if (!d) throw notFound('delivery');
    await audit(app.sql, { actorId: req.user!.id, action: 'webhook.redelivered', targetType: 'webhook', targetId: req.params.id, details: { deliveryId: req.params.deliveryId, newDeliveryId: d.id } });
    await wake(app, req.params.id);
    return reply.status(202).send({ deliveryId: d.id });
  });
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { leadScope, taskScope } from '../auth/scope';
import { adminOnly, anyUser } from '../auth/types';
import { DomainError, conflict, notFound } from '../errors';
import { errorSchema } from '../auth/schemas';
import { bucketOf, isTimeZone, taskBuckets } from '../leads/task-buckets';
import { snoozeBodySchema } from '../../engine/lead/workspace-schemas';
import { constantBodySchema, constantCategorySchema, constantCodeSchema, mailSwitchSchema, type ConstantCategory } from '../auth/admin-schemas';
import { audit } from '../auth/audit';
import type { Sql } from '../../db/client';

const taskSchema = z.object({
  id: z.string(), leadId: z.string().nullable(), leadName: z.string().nullable(), ownerId: z.string().nullable(), ownerName: z.string().nullable(), kind: z.string(),
  title: z.string(), dueAt: z.string().nullable(), done: z.boolean(), overdue: z.boolean(), createdAt: z.string(),
  bucket: z.enum(taskBuckets),
});
const timeZone = z.string().max(64).refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin').default('UTC');
const constantCategory = constantCategorySchema;
const constantParams = z.object({ category: constantCategory, code: constantCodeSchema });
interface ConstantRow { category: string; code: string; label: string; sort: number; active: boolean }
const constantSchema = z.object({ category: z.string(), code: z.string(), label: z.string(), sort: z.number(), active: z.boolean() });

/** How many records use a constant, and what they are called (a constant in use is deactivated, never deleted). */
async function constantUse(sql: Sql, category: ConstantCategory, code: string): Promise<{ n: number; what: [string, string] }> {
  const count = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
  switch (category) {
    case 'visit_type': return { n: await count(sql<{ n: number }[]>`select count(*)::int as n from visits where type = ${code}`), what: ['visit', 'visits'] };
    case 'visit_status': return { n: await count(sql<{ n: number }[]>`select count(*)::int as n from visits where status = ${code}`), what: ['visit', 'visits'] };
    case 'loss_reason': return { n: await count(sql<{ n: number }[]>`select count(*)::int as n from leads where lost_reason = ${code}`), what: ['lost lead', 'lost leads'] };
    case 'rejection_reason': return { n: await count(sql<{ n: number }[]>`select count(*)::int as n from offers where rejection_reason = ${code}`), what: ['rejected offer', 'rejected offers'] };
    case 'product_interest': return { n: await count(sql<{ n: number }[]>`select count(*)::int as n from leads where product_interest = ${code}`), what: ['lead', 'leads'] };
    case 'disqualify_reason': return { n: await count(sql<{ n: number }[]>`select count(*)::int as n from lead_events where type = 'disqualified' and context->>'reason' = ${code}`), what: ['disqualification', 'disqualifications'] };
    // An account class is an account's importance (A/B/C); the code is its lower-case letter.
    case 'account_class': return { n: await count(sql<{ n: number }[]>`select count(*)::int as n from accounts where lower(importance) = ${code}`), what: ['account', 'accounts'] };
  }
}

/** The rep's inbox (tasks), the mail outbox, and the admin-editable constants. */
export const workRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/tasks', {
    config: { access: anyUser },
    schema: {
      tags: ['tasks'], summary: 'Tasks you may see (a rep: own; a manager: the team), each in its bucket (overdue, today, upcoming, someday) in your time zone',
      querystring: z.object({
        owner: z.string().max(80).optional(), done: z.enum(['true', 'false']).optional(), leadId: z.string().max(80).optional(),
        group: z.enum(['true', 'false']).optional(), tz: timeZone, limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: { 200: z.object({ items: z.array(taskSchema), counts: z.record(z.enum(taskBuckets), z.number()) }) },
    },
  }, async (req) => {
    const sql = app.sql;
    const q = req.query;
    const rows = await sql<{ id: string; lead_id: string | null; lead_name: string | null; owner_id: string | null; owner_name: string | null; kind: string; title: string; due_at: Date | null; done: boolean; created_at: Date }[]>`
      select t.*, l.name as lead_name, u.name as owner_name from tasks t left join leads l on l.id = t.lead_id left join users u on u.id = t.owner_id
      where ${taskScope(sql, req.user, 't')} ${q.owner ? sql`and t.owner_id = ${q.owner}` : sql``}
        ${q.done ? sql`and t.done = ${q.done === 'true'}` : sql``} ${q.leadId ? sql`and t.lead_id = ${q.leadId}` : sql``}
      order by t.done, t.due_at nulls last, t.id limit ${q.limit}`;
    const now = new Date();
    const items = rows.map((r) => ({
      id: r.id, leadId: r.lead_id, leadName: r.lead_name, ownerId: r.owner_id, ownerName: r.owner_name, kind: r.kind, title: r.title, dueAt: r.due_at?.toISOString() ?? null,
      done: r.done, overdue: !r.done && !!r.due_at && r.due_at.getTime() < now.getTime(), createdAt: r.created_at.toISOString(),
      bucket: bucketOf(r, now, q.tz),
    }));
    // Grouped: overdue first, then today, upcoming and someday (each still by due date).
    if (q.group === 'true') items.sort((a, b) => taskBuckets.indexOf(a.bucket) - taskBuckets.indexOf(b.bucket));
    const counts = Object.fromEntries(taskBuckets.map((b) => [b, items.filter((i) => i.bucket === b && !i.done).length])) as Record<(typeof taskBuckets)[number], number>;
    return { items, counts };
  });

  app.post('/api/tasks/:id/snooze', {
    config: { access: anyUser },
    schema: {
      tags: ['tasks'], summary: 'Move a task to a new due date (in the future, within a year)', params: z.object({ id: z.string().max(200) }),
      body: snoozeBodySchema, response: { 200: z.object({ id: z.string(), dueAt: z.string() }) },
    },
  }, async (req) => {
    const dueAt = new Date(req.body.dueAt);
    const now = Date.now();
    if (dueAt.getTime() <= now || dueAt.getTime() > now + 366 * 86_400_000) {
      throw new DomainError('bad_request', 'dueAt: must be in the future and within a year', [{ path: 'body.dueAt', message: 'must be in the future and within a year' }]);
    }
    const [task] = await app.sql<{ done: boolean }[]>`select t.done from tasks t where t.id = ${req.params.id} and ${taskScope(app.sql, req.user, 't')}`;
    if (!task) throw notFound('task');
    if (task.done) throw conflict('this task is already done');
    await app.sql`update tasks set due_at = ${dueAt} where id = ${req.params.id} and not done`;
    return { id: req.params.id, dueAt: dueAt.toISOString() };
  });

  app.post('/api/tasks/:id/done', {
    config: { access: anyUser },
    schema: { tags: ['tasks'], summary: 'Mark a task done', params: z.object({ id: z.string().max(200) }), response: { 200: z.object({ id: z.string(), done: z.boolean() }) } },
  }, async (req) => {
    const [row] = await app.sql`update tasks t set done = true, done_at = coalesce(done_at, now()) where t.id = ${req.params.id} and ${taskScope(app.sql, req.user, 't')} returning id`;
    if (!row) throw notFound('task');
    return { id: req.params.id, done: true };
  });

  app.get('/api/outbox', {
    config: { access: anyUser },
    schema: {
      tags: ['mail'], summary: 'Mail kept or sent by Leadflow (newest first)',
      querystring: z.object({ leadId: z.string().max(80).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), leadId: z.string().nullable(), to: z.string(), subject: z.string(), body: z.string(), template: z.string(), status: z.string(), error: z.string().nullable(), createdAt: z.string(), sentAt: z.string().nullable() })) }) },
    },
  }, async (req) => {
    const sql = app.sql;
    const rows = await sql<{ id: string; lead_id: string | null; to_address: string; subject: string; body_text: string; template: string; status: string; error: string | null; created_at: Date; sent_at: Date | null }[]>`
      select m.* from mail_outbox m left join leads l on l.id = m.lead_id
      where ((m.lead_id is null and ${req.user?.role === 'admin' || req.user?.role === 'ops'}) or (l.id is not null and ${leadScope(sql, req.user, 'l')}))
        ${req.query.leadId ? sql`and m.lead_id = ${req.query.leadId}` : sql``}
      order by m.created_at desc limit ${req.query.limit}`;
    return { items: rows.map((r) => ({ id: r.id, leadId: r.lead_id, to: r.to_address, subject: r.subject, body: r.body_text, template: r.template, status: r.status, error: r.error, createdAt: r.created_at.toISOString(), sentAt: r.sent_at?.toISOString() ?? null })) };
  });

  app.get('/api/constants', {
    config: { access: anyUser },
    schema: { tags: ['admin'], summary: 'Configurable constants: visit types and statuses, loss and rejection reasons, product interests', response: { 200: z.object({ items: z.array(z.object({ category: z.string(), code: z.string(), label: z.string(), sort: z.number(), active: z.boolean() })) }) } },
  }, async () => ({ items: [...(await app.sql<{ category: string; code: string; label: string; sort: number; active: boolean }[]>`select category, code, label, sort, active from constants order by category, sort, code`)] }));

  app.put('/api/constants/:category/:code', {
    config: { access: adminOnly },
    schema: {
      tags: ['admin'], summary: 'Create or change a constant (codes are stable; deactivate instead of deleting)',
      params: constantParams, body: constantBodySchema, response: { 200: constantSchema },
    },
  }, async (req) => {
    const { category, code } = req.params;
    return app.sql.begin(async (tx) => {
      const [before] = await tx<ConstantRow[]>`select category, code, label, sort, active from constants where category = ${category} and code = ${code} for update`;
      const [row] = await tx<ConstantRow[]>`
        insert into constants (category, code, label, sort, active) values (${category}, ${code}, ${req.body.label}, ${req.body.sort}, ${req.body.active})
        on conflict (category, code) do update set label = excluded.label, sort = excluded.sort, active = excluded.active
        returning category, code, label, sort, active`;
      const action = !before ? 'constant.created'
        : before.active && !row!.active ? 'constant.deactivated'
          : !before.active && row!.active ? 'constant.activated' : 'constant.updated';
      const changed = !before || before.label !== row!.label || before.sort !== row!.sort || before.active !== row!.active;
      if (changed) {
        await audit(tx as unknown as Sql, {
          actorId: req.user!.id, action, targetType: 'constant', targetId: `${category}/${code}`,
          details: { category, code, ...(before ? { from: { label: before.label, sort: before.sort, active: before.active } } : {}), to: { label: row!.label, sort: row!.sort, active: row!.active } },
        });
      }
      return row!;
    });
  });

  app.delete('/api/constants/:category/:code', {
    config: { access: adminOnly },
    schema: {
      tags: ['admin'], summary: 'Delete a constant no record uses (one in use is refused: deactivate it instead)',
      params: constantParams, response: { 204: z.null(), 404: errorSchema, 409: errorSchema },
    },
  }, async (req, reply) => {
    const { category, code } = req.params;
    const [row] = await app.sql<ConstantRow[]>`select category, code, label, sort, active from constants where category = ${category} and code = ${code}`;
    if (!row) throw notFound('constant');
    const use = await constantUse(app.sql, category, code);
    if (use.n > 0) throw conflict(`"${row.label}" is used by ${use.n} ${use.what[use.n === 1 ? 0 : 1]}; deactivate it instead of deleting it`);
    await app.sql`delete from constants where category = ${category} and code = ${code}`;
    await audit(app.sql, { actorId: req.user!.id, action: 'constant.deleted', targetType: 'constant', targetId: `${category}/${code}`, details: { category, code, label: row.label } });
    return reply.status(204).send(null);
  });

  app.get('/api/settings/mail', {
    config: { access: adminOnly },
    schema: { tags: ['admin'], summary: 'Whether outgoing e-mail is switched on', response: { 200: z.object({ enabled: z.boolean() }) } },
  }, async () => {
    const [setting] = await app.sql<{ value: unknown }[]>`select value from settings where key = 'mail_enabled'`;
    return { enabled: setting?.value !== false };
  });

  app.put('/api/settings/mail', {
    config: { access: adminOnly },
    schema: { tags: ['admin'], summary: 'Switch all outgoing e-mail on or off', body: mailSwitchSchema, response: { 200: z.object({ enabled: z.boolean() }) } },
  }, async (req) => {
    const [before] = await app.sql<{ value: unknown }[]>`select value from settings where key = 'mail_enabled'`;
    await app.sql`insert into settings (key, value) values ('mail_enabled', ${app.sql.json(req.body.enabled)}) on conflict (key) do update set value = excluded.value, updated_at = now()`;
    const wasOn = before?.value !== false;
    if (wasOn !== req.body.enabled) await audit(app.sql, { actorId: req.user!.id, action: req.body.enabled ? 'mail.enabled' : 'mail.disabled', targetType: 'setting', targetId: 'mail_enabled', details: { from: wasOn, to: req.body.enabled } });
    return { enabled: req.body.enabled };
  });
};

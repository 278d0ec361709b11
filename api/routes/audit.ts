import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminOnly } from '../auth/types';

const entrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

interface AuditRow { id: number; at: Date; actor_id: string | null; action: string; target_type: string | null; target_id: string | null; details: Record<string, unknown> }

/** The audit log, newest first, for admins. Paginate with `before` = the `nextBefore` of the previous page. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/audit', {
    config: { access: adminOnly },
    schema: {
      tags: ['audit'], summary: 'Query the audit log (who did what, when)',
      querystring: z.object({
        action: z.string().max(100).optional(),
        actor: z.string().max(100).optional(),
        targetType: z.string().max(100).optional(),
        targetId: z.string().max(200).optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        before: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: { 200: z.object({ items: z.array(entrySchema), nextBefore: z.number().int().nullable() }) },
    },
  }, async (req) => {
    const q = req.query;
    const sql = app.sql;
    const rows = await sql<AuditRow[]>`
      select id, at, actor_id, action, target_type, target_id, details from audit_log
      where true
        ${q.action ? sql`and action = ${q.action}` : sql``}
        ${q.actor ? sql`and actor_id = ${q.actor}` : sql``}
        ${q.targetType ? sql`and target_type = ${q.targetType}` : sql``}
        ${q.targetId ? sql`and target_id = ${q.targetId}` : sql``}
        ${q.since ? sql`and at >= ${new Date(q.since)}` : sql``}
        ${q.before ? sql`and id < ${q.before}` : sql``}
      order by id desc limit ${q.limit + 1}`;
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => ({
        id: Number(r.id), at: r.at.toISOString(), actorId: r.actor_id, action: r.action, targetType: r.target_type, targetId: r.target_id,
        details: r.details,
      })),
      nextBefore: rows.length > q.limit ? Number(page.at(-1)!.id) : null,
    };
  });
};

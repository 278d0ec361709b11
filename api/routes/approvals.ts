import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Sql } from '../../db/client';
import * as msg from '../../engine/lead/messages';
import { approvalSettingsSchema, approvalSettingsView, decideApprovalSchema, defaultApprovalSla } from '../../engine/proposal/approval';
import { audit } from '../auth/audit';
import { leadScope } from '../auth/scope';
import { anyUser, opsOnly, type AuthUser } from '../auth/types';
import { DomainError, notFound } from '../errors';
import { actionIds, idempotencyKeyOf, runLeadAction } from '../leads/updates';

const approvalItemSchema = z.object({
  id: z.string(), offerId: z.string(), leadId: z.string(), leadName: z.string(), offerVersion: z.number(), offerTotal: z.number(), currency: z.string(),
  discountPct: z.number(), thresholdPct: z.number(), status: z.enum(['pending', 'approved', 'rejected']), level: z.number(),
  requestedBy: z.string().nullable(), requestedByName: z.string().nullable(), approverId: z.string().nullable(), approverName: z.string().nullable(),
  comment: z.string().nullable(), decidedByName: z.string().nullable(), decidedAt: z.string().nullable(), createdAt: z.string(), canDecide: z.boolean(),
});
const settingsResponse = approvalSettingsView;

const seesEverything = (u: AuthUser) => u.role === 'ops' || u.role === 'admin';

async function readSettings(sql: Sql) {
  const thresholds = await sql<{ scope: 'default' | 'role' | 'team'; scope_id: string; max_discount_pct: string; updated_at: Date }[]>`
    select scope, scope_id, max_discount_pct, updated_at from discount_thresholds order by case scope when 'default' then 0 when 'role' then 1 else 2 end, scope_id`;
  const [sla] = await sql<{ value: typeof defaultApprovalSla; updated_at: Date }[]>`select value, updated_at from settings where key = 'approval_sla'`;
  const times = [...thresholds.map((t) => t.updated_at.getTime()), ...(sla ? [sla.updated_at.getTime()] : [])];
  return {
    thresholds: thresholds.map((t) => ({ scope: t.scope, scopeId: t.scope_id, maxDiscountPct: Number(t.max_discount_pct) })),
    ...(sla?.value ?? defaultApprovalSla),
    updatedAt: times.length ? new Date(Math.max(...times)).toISOString() : null,
  };
}

/** Discount approval: thresholds and SLA (ops edit them), the approvals list and the approver's decision. */
export const approvalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/settings/approval', {
    config: { access: anyUser },
    schema: { tags: ['approvals'], summary: 'Discount thresholds (default, per role, per team) and the approval SLA', response: { 200: settingsResponse } },
  }, async () => readSettings(app.sql));

  app.put('/api/settings/approval', {
    config: { access: opsOnly },
    schema: { tags: ['approvals'], summary: 'Replace the discount thresholds and the approval SLA (audited)', body: approvalSettingsSchema, response: { 200: settingsResponse } },
  }, async (req) => {
    const b = req.body;
    const teams = b.thresholds.filter((t) => t.scope === 'team').map((t) => t.scopeId);
    if (teams.length) {
      const known = new Set((await app.sql<{ id: string }[]>`select id from teams where id in ${app.sql(teams)}`).map((t) => t.id));
      const i = b.thresholds.findIndex((t) => t.scope === 'team' && !known.has(t.scopeId));
      if (i >= 0) throw new DomainError('unprocessable', `thresholds.${i}.scopeId: no team "${b.thresholds[i]!.scopeId}"`, [{ path: `body.thresholds.${i}.scopeId`, message: 'is not a team' }]);
    }
    const i = b.thresholds.findIndex((t) => t.scope === 'role' && !['rep', 'manager', 'ops', 'admin'].includes(t.scopeId));
    if (i >= 0) throw new DomainError('unprocessable', `thresholds.${i}.scopeId: "${b.thresholds[i]!.scopeId}" is not a role (rep, manager, ops, admin)`, [{ path: `body.thresholds.${i}.scopeId`, message: 'is not a role' }]);
    const before = await readSettings(app.sql);
    await app.sql.begin(async (tx) => {
      await tx`delete from discount_thresholds`;
      for (const t of b.thresholds) {
        await tx`insert into discount_thresholds (scope, scope_id, max_discount_pct, updated_by) values (${t.scope}, ${t.scope === 'default' ? '' : t.scopeId}, ${t.maxDiscountPct}, ${req.user!.id})`;
      }
      const sla = { reminderHours: b.reminderHours, escalationHours: b.escalationHours };
      await tx`insert into settings (key, value, updated_at) values ('approval_sla', ${tx.json(sla)}, now())
               on conflict (key) do update set value = excluded.value, updated_at = now()`;
      await audit(tx as unknown as Sql, { actorId: req.user!.id, action: 'approval_settings.updated', targetType: 'settings', targetId: 'approval',
        details: { from: { thresholds: before.thresholds, reminderHours: before.reminderHours, escalationHours: before.escalationHours }, to: b } });
    });
    return readSettings(app.sql);
  });

  app.get('/api/approvals', {
    config: { access: anyUser },
    schema: {
      tags: ['approvals'], summary: 'Discount approvals: those waiting for me first (ops and admins: all), then decided ones on leads I may see',
      querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional(), mine: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
      response: { 200: z.object({ items: z.array(approvalItemSchema) }) },
    },
  }, async (req) => {
    const sql = app.sql;
    const user = req.user!;
    const rows = await sql<{ id: string; offer_id: string; lead_id: string; lead_name: string; version: number; total: string; currency: string; discount_pct: string; threshold_pct: string;
      status: 'pending' | 'approved' | 'rejected'; level: number; requested_by: string | null; requested_by_name: string | null; approver_id: string | null; approver_name: string | null;
      comment: string | null; decided_by_name: string | null; decided_at: Date | null; created_at: Date }[]>`
      select a.id, a.offer_id, a.lead_id, l.name as lead_name, o.version, o.total, o.currency, a.discount_pct, a.threshold_pct, a.status, a.level,
             a.requested_by, r.name as requested_by_name, a.approver_id, ap.name as approver_name, a.comment, d.name as decided_by_name, a.decided_at, a.created_at
        from discount_approvals a join leads l on l.id = a.lead_id join offers o on o.id = a.offer_id
        left join users r on r.id = a.requested_by left join users ap on ap.id = a.approver_id left join users d on d.id = a.decided_by
       where (a.approver_id = ${user.id} or ${leadScope(sql, user, 'l')})
         and ${req.query.status ? sql`a.status = ${req.query.status}` : sql`true`}
         and ${req.query.mine === 'true' ? sql`a.approver_id = ${user.id}` : sql`true`}
       order by (a.status = 'pending' and a.approver_id = ${user.id}) desc, a.created_at desc, a.id
       limit ${req.query.limit}`;
    return {
      items: rows.map((r) => ({
        id: r.id, offerId: r.offer_id, leadId: r.lead_id, leadName: r.lead_name, offerVersion: r.version, offerTotal: Number(r.total), currency: r.currency,
        discountPct: Number(r.discount_pct), thresholdPct: Number(r.threshold_pct), status: r.status, level: r.level, requestedBy: r.requested_by, requestedByName: r.requested_by_name,
        approverId: r.approver_id, approverName: r.approver_name, comment: r.comment, decidedByName: r.decided_by_name, decidedAt: r.decided_at?.toISOString() ?? null,
        createdAt: r.created_at.toISOString(), canDecide: r.status === 'pending' && (r.approver_id === user.id || seesEverything(user)),
      })),
    };
  });

  app.post('/api/approvals/:id/decision', {
    config: { access: anyUser },
    schema: {
      tags: ['approvals'], summary: 'Approve or reject a discount (the approver, ops or admins); a rejection needs a comment',
      params: z.object({ id: z.string().min(1).max(120) }), body: decideApprovalSchema, response: { 200: z.object({ offerId: z.string(), approval: z.enum(['approved', 'rejected']) }) },
    },
  }, async (req) => {
    const user = req.user!;
    const [a] = await app.sql<{ lead_id: string; offer_id: string; approver_id: string | null; status: string; visible: boolean }[]>`
      select a.lead_id, a.offer_id, a.approver_id, a.status, ${leadScope(app.sql, user, 'l')} as visible
        from discount_approvals a join leads l on l.id = a.lead_id where a.id = ${req.params.id}`;
    if (!a || (!a.visible && a.approver_id !== user.id)) throw notFound('approval');
    if (a.approver_id !== user.id && !seesEverything(user)) throw new DomainError('forbidden', 'only the approver (or ops) may decide this approval');
    if (a.status !== 'pending') throw new DomainError('conflict', `this approval was already ${a.status}`);
    const { updateId } = actionIds(`${a.lead_id}:approval:${req.params.id}`, 'ad', idempotencyKeyOf(req), user.id);
    return runLeadAction(app, a.lead_id, msg.decideDiscountUpdate, [{ by: user.id, offerId: a.offer_id, approve: req.body.approve, comment: req.body.comment }], updateId);
  });
};

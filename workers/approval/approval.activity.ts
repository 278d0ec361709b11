import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../../db/client';
import { defaultApprovalSla, type DiscountCheck } from '../../engine/proposal/approval';
import type { ActivityDeps } from '../deps';
import { recordEvent } from '../lead/events';
import { sendOutboxMessage } from '../mail/outbox-send';

const HOUR = 3_600_000;

export async function approvalSla(sql: Sql): Promise<{ reminderHours: number; escalationHours: number }> {
  const [row] = await sql<{ value: { reminderHours: number; escalationHours: number } }[]>`select value from settings where key = 'approval_sla'`;
  return row?.value ?? defaultApprovalSla;
}

/** The next approver above `userId`: the manager of the team they are in (not themselves), else an active ops user. */
async function approverAbove(sql: Sql, userId: string | null): Promise<string | null> {
  if (userId) {
    const [m] = await sql<{ manager_id: string }[]>`
      select t.manager_id from users u join teams t on t.id = u.team_id join users m on m.id = t.manager_id
       where u.id = ${userId} and t.manager_id <> ${userId} and m.active`;
    if (m) return m.manager_id;
  }
  const [ops] = await sql<{ id: string }[]>`select id from users where role = 'ops' and active and id <> ${userId ?? ''} order by created_at, id limit 1`;
  return ops?.id ?? null;
}

/**
 * Discount approval: the check against the threshold, the request (approver task + e-mail), the SLA reminder, the
 * escalation to the next level and the decision (the rep's task and the timeline). Keys make each happen once.
 */
export function createApprovalActivities(deps: ActivityDeps) {
  const { sql, appUrl } = deps;

  async function notify(key: string, leadId: string, userId: string | null, subject: string, text: string) {
    if (!userId) return;
    const [u] = await sql<{ email: string; notify_email: boolean }[]>`select email, notify_email from users where id = ${userId}`;
    await sendOutboxMessage(deps, { key, leadId, to: u?.email ?? null, recipient: 'approver', template: 'discount_approval', subject, text, skip: u && !u.notify_email ? 'the approver turned e-mail notifications off' : null });
  }

  async function describe(approvalId: string) {
    const [a] = await sql<{ id: string; offer_id: string; lead_id: string; discount_pct: string; threshold_pct: string; approver_id: string | null; level: number; status: string;
      lead_name: string; version: number; owner_id: string | null; owner_name: string | null }[]>`
      select a.*, l.name as lead_name, o.version, l.owner_id, u.name as owner_name
        from discount_approvals a join leads l on l.id = a.lead_id join offers o on o.id = a.offer_id left join users u on u.id = l.owner_id
       where a.id = ${approvalId}`;
    if (!a) throw ApplicationFailure.nonRetryable(`approval ${approvalId} not found`, 'InvalidInput');
    return a;
  }

  async function taskFor(key: string, a: Awaited<ReturnType<typeof describe>>, approverId: string, level: number) {
    const title = `Approve a ${Number(a.discount_pct)}% discount on offer v${a.version} for ${a.lead_name}${level > 1 ? ' (escalated)' : ''}`;
    await sql.begin(async (tx) => {
      const rows = await tx`insert into tasks (id, lead_id, owner_id, kind, title, due_at)
        values (${key}, ${a.lead_id}, ${approverId}, 'discount_approval', ${title}, now() + interval '1 day')
        on conflict (id) do nothing returning id`;
      if (rows.length) await recordEvent(tx as never, { key: `${key}:task`, leadId: a.lead_id, type: 'task_created', context: { taskId: key, kind: 'discount_approval', title, ownerId: approverId } });
    });
  }

  return {
    async checkDiscount(a: { leadId: string; offerId: string }): Promise<DiscountCheck> {
      const [o] = await sql<{ discount_pct: string; approval_status: DiscountCheck['approval']; role: string | null; team_id: string | null }[]>`
        select o.discount_pct, o.approval_status, u.role, u.team_id from offers o join leads l on l.id = o.lead_id left join users u on u.id = l.owner_id
         where o.id = ${a.offerId} and o.lead_id = ${a.leadId}`;
      if (!o) throw ApplicationFailure.nonRetryable(`offer ${a.offerId} not found`, 'InvalidInput');
      const [t] = await sql<{ max_discount_pct: string }[]>`
        select max_discount_pct from discount_thresholds
         where (scope = 'team' and scope_id = ${o.team_id ?? ''}) or (scope = 'role' and scope_id = ${o.role ?? ''}) or scope = 'default'
         order by case scope when 'team' then 0 when 'role' then 1 else 2 end limit 1`;
      const sla = await approvalSla(sql);
      const thresholdPct = t ? Number(t.max_discount_pct) : 100;
      const discountPct = Number(o.discount_pct);
      return { discountPct, thresholdPct, needed: discountPct > thresholdPct, approval: o.approval_status, reminderMs: sla.reminderHours * HOUR, escalationMs: sla.escalationHours * HOUR };
    },

    async requestApproval(a: { leadId: string; offerId: string; by: string; discountPct: number; thresholdPct: number }): Promise<{ approvalId: string; approverId: string | null }> {
      const approvalId = `appr-${a.offerId}`;
      const [owner] = await sql<{ owner_id: string | null }[]>`select owner_id from leads where id = ${a.leadId}`;
      const approverId = await approverAbove(sql, owner?.owner_id ?? a.by);
      await sql.begin(async (tx) => {
        const rows = await tx`insert into discount_approvals (id, offer_id, lead_id, discount_pct, threshold_pct, requested_by, approver_id)
          values (${approvalId}, ${a.offerId}, ${a.leadId}, ${a.discountPct}, ${a.thresholdPct}, ${a.by}, ${approverId}) on conflict (id) do nothing returning id`;
        if (!rows.length) return;
        await tx`update offers set status = 'awaiting_approval', approval_status = 'pending', updated_at = now() where id = ${a.offerId}`;
        await recordEvent(tx as never, { key: `${approvalId}:requested`, leadId: a.leadId, type: 'approval_requested', actor: a.by,
          context: { offerId: a.offerId, discountPct: a.discountPct, thresholdPct: a.thresholdPct, approverId } });
      });
      const d = await describe(approvalId);
      if (d.approver_id) {
        await taskFor(`${approvalId}:l1`, d, d.approver_id, 1);
        await notify(`${approvalId}:l1:request`, a.leadId, d.approver_id, `Approval needed: ${a.discountPct}% discount for ${d.lead_name}`,
          `${d.owner_name ?? 'A rep'} offers ${d.lead_name} a discount of ${a.discountPct}% (above the ${a.thresholdPct}% threshold) on offer v${d.version}.\nApprove or reject it in your inbox: ${appUrl}/inbox\n`);
      }
      return { approvalId, approverId: d.approver_id };
    },

    async remindApproval(a: { approvalId: string; level: number }): Promise<void> {
      const d = await describe(a.approvalId);
      if (d.status !== 'pending') return;
      // The mail first: once the timeline says "reminded", the reminder is in the outbox (a retry repeats neither).
      await notify(`${a.approvalId}:l${a.level}:reminder`, d.lead_id, d.approver_id, `Reminder: ${Number(d.discount_pct)}% discount for ${d.lead_name} awaits your approval`,
        `The offer v${d.version} to ${d.lead_name} waits for your decision before it can be sent: ${appUrl}/inbox\n`);
      await recordEvent(sql, { key: `${a.approvalId}:l${a.level}:reminded`, leadId: d.lead_id, type: 'approval_reminded', context: { offerId: d.offer_id, approverId: d.approver_id, level: a.level } });
    },

    async escalateApproval(a: { approvalId: string; level: number }): Promise<{ level: number; approverId: string | null }> {
      const d = await describe(a.approvalId);
      if (d.status !== 'pending' || d.level > a.level) return { level: d.level, approverId: d.approver_id };
      const next = await approverAbove(sql, d.approver_id);
      if (!next || next === d.approver_id) return { level: d.level, approverId: d.approver_id };
      const level = a.level + 1;
      await sql.begin(async (tx) => {
        await tx`update discount_approvals set approver_id = ${next}, level = ${level} where id = ${a.approvalId} and level = ${a.level}`;
        await tx`update tasks set done = true, done_at = now() where id = ${`${a.approvalId}:l${a.level}`} and not done`;
        await recordEvent(tx as never, { key: `${a.approvalId}:l${level}:escalated`, leadId: d.lead_id, type: 'approval_escalated', context: { offerId: d.offer_id, from: d.approver_id, to: next, level } });
      });
      await taskFor(`${a.approvalId}:l${level}`, d, next, level);
      await notify(`${a.approvalId}:l${level}:request`, d.lead_id, next, `Escalated: ${Number(d.discount_pct)}% discount for ${d.lead_name} needs an approval`,
        `The approval of a ${Number(d.discount_pct)}% discount on offer v${d.version} to ${d.lead_name} was not decided in time and now comes to you: ${appUrl}/inbox\n`);
      return { level, approverId: next };
    },

    async decideApproval(a: { leadId: string; offerId: string; approve: boolean; comment: string; by: string }): Promise<void> {
      const approvalId = `appr-${a.offerId}`;
      const d = await describe(approvalId);
      const status = a.approve ? 'approved' : 'rejected';
      await sql.begin(async (tx) => {
        const rows = await tx`update discount_approvals set status = ${status}, comment = ${a.comment || null}, decided_by = ${a.by}, decided_at = now()
                              where id = ${approvalId} and status = 'pending' returning id`;
        if (!rows.length) return;
        await tx`update offers set status = 'draft', approval_status = ${status}, updated_at = now() where id = ${a.offerId} and status = 'awaiting_approval'`;
        await tx`update tasks set done = true, done_at = now() where lead_id = ${a.leadId} and kind = 'discount_approval' and id like ${`${approvalId}:%`} and not done`;
        if (d.owner_id) {
          await tx`insert into tasks (id, lead_id, owner_id, kind, title, due_at)
            values (${`${approvalId}:decided`}, ${a.leadId}, ${d.owner_id}, 'approval_decided',
                    ${a.approve ? `Discount approved: send offer v${d.version} to ${d.lead_name}` : `Discount rejected on offer v${d.version} for ${d.lead_name}${a.comment ? `: ${a.comment}` : ''}`},
                    now() + interval '1 day') on conflict (id) do nothing`;
        }
        await recordEvent(tx as never, { key: `${approvalId}:decided`, leadId: a.leadId, type: 'approval_decided', actor: a.by, context: { offerId: a.offerId, status, comment: a.comment || null } });
      });
    },
  };
}

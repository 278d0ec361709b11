import { z } from 'zod';
import type { Sql } from '../../db/client';
import { leadScope } from '../auth/scope';
import type { AuthUser } from '../auth/types';
import { notFound } from '../errors';
import { leadSchema, loadLeads } from './finder';

const record = z.record(z.string(), z.unknown());
export const leadEventSchema = z.object({
  id: z.number(), type: z.string(), at: z.string(), actor: z.string().nullable(), actorName: z.string().nullable(), stage: z.string().nullable(),
  context: record, cause: record.nullable(),
});
export const scoreExplanationSchema = z.object({
  points: z.number(), grade: z.string().nullable(), ruleSetId: z.string(), ruleSetName: z.string().nullable(), version: z.number(),
  rules: z.array(z.object({ name: z.string(), points: z.number(), reason: z.string() })),
});
export const colleagueWarningSchema = z.object({
  kind: z.literal('colleague_activity'), message: z.string(), userId: z.string(), userName: z.string(), leadId: z.string(), at: z.string(),
});
export const leadPageSchema = z.object({
  lead: leadSchema,
  events: z.array(leadEventSchema),
  tasks: z.array(record),
  visits: z.array(record),
  offers: z.array(record),
  orders: z.array(z.object({ id: z.string(), offerId: z.string().nullable(), total: z.number(), currency: z.string(), createdAt: z.string() })),
  score: scoreExplanationSchema.nullable(),
  warnings: z.array(colleagueWarningSchema),
  /** Set while the lead's process has failed: the reason, when, and the node it stopped at (ops may retry it). */
  failure: z.object({ reason: z.string(), at: z.string(), nodeId: z.string().nullable() }).nullable().optional(),
});
export type LeadPage = z.infer<typeof leadPageSchema>;

interface Trace { fact: string; operator: string; expected: unknown; actual: unknown; negated?: boolean }
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'nothing');

/** The latest scoring decision, rule by rule: points and the comparisons that held. */
export function scoreExplanation(ev: { context: Record<string, unknown>; cause: Record<string, unknown> | null } | undefined): LeadPage['score'] {
  if (!ev?.cause) return null;
  const ctx = ev.context as { score?: number; grade?: string; points?: { rule: string; points: number }[] };
  const cause = ev.cause as { ruleSetId?: string; ruleSetName?: string; version?: number; matched?: { rule: string; conditions?: Trace[] }[] };
  const why = new Map((cause.matched ?? []).map((m) => [m.rule, m.conditions ?? []]));
  return {
    points: Number(ctx.score ?? 0), grade: ctx.grade ?? null, ruleSetId: String(cause.ruleSetId ?? ''), ruleSetName: cause.ruleSetName ?? null,
    version: Number(cause.version ?? 0),
    rules: (ctx.points ?? []).map((p) => ({
      name: p.rule, points: p.points,
      reason: (why.get(p.rule) ?? []).map((c) => `${c.fact} ${c.negated ? 'not ' : ''}${c.operator} ${show(c.expected)} (is ${show(c.actual)})`).join(' and ') || 'always applies',
    })),
  };
}

const daysAgo = (at: Date, now: Date) => {
  const d = Math.floor((now.getTime() - at.getTime()) / 86_400_000);
  return d <= 0 ? 'today' : d === 1 ? 'yesterday' : `${d} days ago`;
};

/**
 * Another user's visit or offer on another lead of the same account within the last 30 days (one warning per
 * colleague, their newest), so two reps do not work the same company unknowingly.
 */
export async function colleagueWarnings(sql: Sql, leadId: string, accountId: string | null, viewerId: string, now = new Date()): Promise<LeadPage['warnings']> {
  if (!accountId) return [];
  const rows = await sql<{ kind: 'visit' | 'offer'; user_id: string; user_name: string; lead_id: string; at: Date; account: string }[]>`
    select distinct on (x.user_id) x.*, a.name as account from (
      select 'visit' as kind, v.rep_id as user_id, u.name as user_name, v.lead_id, v.occurred_at as at
        from leads o join visits v on v.lead_id = o.id join users u on u.id = v.rep_id
       where o.account_id = ${accountId} and o.id <> ${leadId} and v.occurred_at > now() - interval '30 days'
      union all
      select 'offer', o.owner_id, u.name, f.lead_id, f.created_at
        from leads o join offers f on f.lead_id = o.id join users u on u.id = o.owner_id
       where o.account_id = ${accountId} and o.id <> ${leadId} and f.created_at > now() - interval '30 days'
    ) x join accounts a on a.id = ${accountId}
    where x.user_id <> ${viewerId}
    order by x.user_id, x.at desc`;
  return rows.sort((a, b) => b.at.getTime() - a.at.getTime()).map((r) => ({
    kind: 'colleague_activity' as const,
    message: `${r.user_name} ${r.kind === 'visit' ? 'visited' : 'made an offer to'} ${r.account} ${daysAgo(r.at, now)}`,
    userId: r.user_id, userName: r.user_name, leadId: r.lead_id, at: r.at.toISOString(),
  }));
}

/** Everything the lead page shows, with names instead of ids; a lead the user may not see is "not found". */
export async function loadLeadPage(sql: Sql, user: AuthUser, id: string): Promise<LeadPage> {
  const [visible] = await sql`select 1 from leads l where l.id = ${id} and ${leadScope(sql, user, 'l')}`;
  const [lead] = visible ? await loadLeads(sql, [id]) : [];
  if (!lead) throw notFound('lead');
  const [failed] = await sql<{ failure_reason: string | null; failed_at: Date | null; node_id: string | null }[]>`
    select failure_reason, failed_at, node_id from leads where id = ${id} and status = 'failed'`;
  const [events, tasks, visits, offers, orders, warnings] = await Promise.all([
    sql<{ id: number; type: string; at: Date; actor: string | null; actor_name: string | null; stage: string | null; context: Record<string, unknown>; cause: Record<string, unknown> | null }[]>`
      select e.id, e.type, e.at, e.actor, u.name as actor_name, e.stage, e.context, e.cause
        from lead_events e left join users u on u.id = e.actor where e.lead_id = ${id} order by e.id`,
    sql`select t.id, t.kind, t.title, t.owner_id as "ownerId", u.name as "ownerName", t.due_at as "dueAt", t.done, t.done_at as "doneAt"
          from tasks t left join users u on u.id = t.owner_id where t.lead_id = ${id} order by t.created_at`,
    sql`select v.id, v.type, v.status, v.outcome, v.notes, v.rep_id as "repId", u.name as "repName", v.occurred_at as "occurredAt", v.offer_id as "offerId"
          from visits v left join users u on u.id = v.rep_id where v.lead_id = ${id} order by v.occurred_at`,
    sql`select o.id, o.version, o.status, o.total::float8 as total, o.currency, o.rejection_reason as "rejectionReason", o.supersedes_id as "supersedes",
               o.sent_at as "sentAt", o.created_at as "createdAt",
               coalesce((select json_agg(json_build_object('product', l.product, 'options', l.options, 'productName', coalesce(l.product_name, l.product), 'optionNames', coalesce(l.option_names, l.options), 'quantity', l.quantity, 'unitPrice', l.unit_price::float8) order by l.id)
                         from offer_lines l where l.offer_id = o.id), '[]') as lines
          from offers o where o.lead_id = ${id} order by o.version`,
    sql<{ id: string; offer_id: string | null; total: number; currency: string; created_at: Date }[]>`
      select id, offer_id, total::float8 as total, currency, created_at from orders where lead_id = ${id}`,
    colleagueWarnings(sql, id, lead.accountId, user.id),
  ]);
  const scored = [...events].reverse().find((e) => e.type === 'scored');
  return {
    lead,
    events: events.map((e) => ({ id: Number(e.id), type: e.type, at: e.at.toISOString(), actor: e.actor, actorName: e.actor_name, stage: e.stage, context: e.context, cause: e.cause })),
    tasks: [...tasks], visits: [...visits], offers: [...offers],
    orders: orders.map((o) => ({ id: o.id, offerId: o.offer_id, total: Number(o.total), currency: o.currency, createdAt: o.created_at.toISOString() })),
    score: scoreExplanation(scored),
    warnings,
    failure: failed ? { reason: failed.failure_reason ?? 'the lead\'s process failed', at: (failed.failed_at ?? new Date()).toISOString(), nodeId: failed.node_id } : null,
  };
}

const actionCheckSchema = z.object({ allowed: z.boolean(), reason: z.string().optional() });
export const allowedActionsSchema = z.object({
  actions: z.object({
    logVisit: actionCheckSchema, qualify: actionCheckSchema, disqualify: actionCheckSchema, nurture: actionCheckSchema, opportunity: actionCheckSchema,
    createOffer: actionCheckSchema, won: actionCheckSchema, lost: actionCheckSchema, reassign: actionCheckSchema,
  }),
  offerStatus: z.record(z.string(), z.record(z.string(), actionCheckSchema)),
});

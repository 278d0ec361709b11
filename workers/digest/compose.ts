import type { Sql } from '../../db/client';
import type { DigestContent } from '../../engine/digest/schemas';
import { renderTemplate } from '../mail/templates';
import { startOfLocalDay } from './local-time';

const OPEN = ['open', 'nurturing', 'qualified'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface DigestUser { id: string; name: string; email: string; role: string; time_zone: string }

/**
 * Collects what one user's digest for a local day says, as of the instant `at`: tasks due today, tasks overdue
 * since yesterday and before, owned open leads nobody has contacted for a week, sent offers awaiting confirmation,
 * and for managers one line per rep of the teams they manage.
 */
export async function composeDigest(sql: Sql, user: DigestUser, localDate: string, at: Date): Promise<DigestContent> {
  const tz = user.time_zone;
  const todayStart = startOfLocalDay(localDate, tz);
  const tomorrowStart = startOfLocalDay(localDate, tz, 1);
  const yesterdayStart = startOfLocalDay(localDate, tz, -1);
  const weekAgo = startOfLocalDay(localDate, tz, -7);

  const tasks = await sql<{ id: string; title: string; kind: string; due_at: Date; lead_id: string | null; lead_name: string | null; company: string | null }[]>`
    select t.id, t.title, t.kind, t.due_at, l.id as lead_id, l.name as lead_name, l.company
    from tasks t left join leads l on l.id = t.lead_id
    where t.owner_id = ${user.id} and not t.done and t.due_at < ${tomorrowStart} and t.created_at <= ${at}
    order by t.due_at, t.id limit 300`;
  const task = (t: (typeof tasks)[number]) => ({ taskId: t.id, title: t.title, kind: t.kind, dueAt: iso(t.due_at), leadId: t.lead_id, leadName: t.lead_name, company: t.company });

  const leads = await sql<{ id: string; name: string; company: string | null; stage: string; last_contact: Date | null }[]>`
    select l.id, l.name, l.company, l.stage, c.last_contact
    from leads l left join lateral (select max(v.occurred_at) as last_contact from visits v where v.lead_id = l.id and v.occurred_at <= ${at}) c on true
    where l.owner_id = ${user.id} and l.status in ${sql(OPEN)}
      and ((c.last_contact is null and l.created_at < ${todayStart}) or c.last_contact < ${weekAgo})
    order by c.last_contact nulls first, l.created_at limit 100`;

  const offers = await sql<{ id: string; version: number; total: string; currency: string; sent_at: Date | null; lead_id: string; lead_name: string; company: string | null }[]>`
    select o.id, o.version, o.total, o.currency, o.sent_at, l.id as lead_id, l.name as lead_name, l.company
    from offers o join leads l on l.id = o.lead_id
    where l.owner_id = ${user.id} and o.status = 'sent'
    order by o.sent_at nulls last, o.id limit 100`;

  let team: DigestContent['team'] = null;
  if (user.role === 'manager') {
    const teams = sql`(select id from teams where manager_id = ${user.id})`;
    const reps = await sql<{ id: string; name: string; due_today: number; overdue: number; not_contacted: number; offers_awaiting: number }[]>`
      select u.id, u.name,
        (select count(*)::int from tasks t where t.owner_id = u.id and not t.done and t.due_at >= ${todayStart} and t.due_at < ${tomorrowStart}) as due_today,
        (select count(*)::int from tasks t where t.owner_id = u.id and not t.done and t.due_at < ${todayStart}) as overdue,
        (select count(*)::int from leads l where l.owner_id = u.id and l.status in ${sql(OPEN)}
           and coalesce((select max(v.occurred_at) from visits v where v.lead_id = l.id), case when l.created_at < ${todayStart} then '-infinity'::timestamptz end) < ${weekAgo}) as not_contacted,
        (select count(*)::int from offers o join leads l on l.id = o.lead_id where l.owner_id = u.id and o.status = 'sent') as offers_awaiting
      from users u
      where u.active and u.role = 'rep' and u.team_id in ${teams} and u.id <> ${user.id}
      order by u.name, u.id`;
    const [unassigned] = await sql<{ n: number }[]>`
      select count(*)::int as n from leads where owner_id is null and team_id in ${teams} and status in ${sql(OPEN)}`;
    team = {
      reps: reps.map((r) => ({ userId: r.id, name: r.name, dueToday: r.due_today, overdue: r.overdue, notContacted: r.not_contacted, offersAwaiting: r.offers_awaiting })),
      unassigned: unassigned?.n ?? 0,
    };
  }

  return {
    userId: user.id, name: user.name, email: user.email, role: user.role, localDate, timeZone: tz,
    today: tasks.filter((t) => t.due_at >= todayStart).map(task),
    overdueYesterday: tasks.filter((t) => t.due_at >= yesterdayStart && t.due_at < todayStart).map(task),
    overdueEarlier: tasks.filter((t) => t.due_at < yesterdayStart).map(task),
    notContacted: leads.map((l) => ({ leadId: l.id, leadName: l.name, company: l.company, stage: l.stage, lastContactAt: iso(l.last_contact) })),
    offersAwaiting: offers.map((o) => ({ offerId: o.id, version: o.version, total: Number(o.total), currency: o.currency, sentAt: iso(o.sent_at), leadId: o.lead_id, leadName: o.lead_name, company: o.company })),
    team,
  };
}

/** The digest as e-mail: subject, plain text and HTML (the HTML escapes every value). */
export async function renderDigest(content: DigestContent, appUrl: string): Promise<{ subject: string; text: string; html: string }> {
  const r = await renderTemplate('digest', { digest: content, app_url: appUrl });
  return { subject: r.subject, text: r.text, html: r.html ?? '' };
}

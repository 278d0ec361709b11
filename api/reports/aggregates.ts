import type { Sql } from '../../db/client';
import { managedTeams } from '../auth/scope';
import type { AuthUser } from '../auth/types';
import { leadFilter, visitFilter, type ReportFilters } from './filters';
import type { Fact } from './model';

// A report's figures, counted in SQL: each row is one group of records that share everything the report's tables group
// and count by (rep, month, source, status, class, …), with how many records it holds (`n`) and the sum of their
// values. The tables then add these groups up exactly as they would single records, so the answer is the same as
// counting the records one by one (facts.ts, still used for the list behind a number), while only a few hundred rows
// leave the database however many leads there are.

const open = ['open', 'nurturing', 'qualified'];
const inPeriod = (sql: Sql, column: string, f: ReportFilters) => sql`(${sql.unsafe(column)} >= ${f.start} and ${sql.unsafe(column)} < ${f.end})`;

type Row = Record<string, unknown>;
const group = (kind: Fact['kind'], r: Row, tags: Fact['tags'], repId = r.owner_id, repName = r.owner_name): Fact => ({
  kind, id: '', leadId: null, accountId: null, label: '', repId: (repId as string | null) ?? null, repName: (repName as string | null) ?? null,
  at: null, detail: null, value: r.value == null ? null : Number(r.value), tags, n: Number(r.n),
});

export async function neverContactedGroups(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select l.owner_id, u.name as owner_name, l.last_visit_at is not null as visited, count(*)::int as n
      from leads l left join users u on u.id = l.owner_id
     where l.status in ${sql(open)} and ${inPeriod(sql, 'l.created_at', f)} and ${leadFilter(sql, user, f)}
     group by 1, 2, 3`;
  return rows.map((r) => group('lead', r, { assigned: r.owner_id != null, visited: r.visited as boolean }));
}

export async function importantCustomerGroups(sql: Sql, user: AuthUser, f: ReportFilters, now: Date): Promise<Fact[]> {
  const seesAll = user.role === 'ops' || user.role === 'admin';
  const since = new Date(now.getTime() - f.days * 86_400_000);
  const ownerMatches = f.rep ? sql`a.owner_id = ${f.rep}`
    : f.team ? sql`a.owner_id in (select u.id from users u where u.team_id = ${f.team})`
      : seesAll ? sql`true` : sql`a.owner_id in (select u.id from users u where u.team_id in ${managedTeams(sql, user)})`;
  const rows = await sql<Row[]>`
    with chosen as (
      select a.id, a.importance, a.owner_id,
             coalesce(ou.name, (select u.name from leads l2 join users u on u.id = l2.owner_id where l2.account_id = a.id order by l2.updated_at desc limit 1)) as owner_name,
             (select max(l3.last_visit_at) from leads l3 where l3.account_id = a.id) as last_visit
        from accounts a left join users ou on ou.id = a.owner_id
       where a.importance in ${sql(f.classes)}
         and (${ownerMatches} or exists (select 1 from leads l where l.account_id = a.id and ${leadFilter(sql, user, f)})))
    select importance, owner_id, owner_name, coalesce(last_visit >= ${since}, false) as recent, count(*)::int as n
      from chosen group by 1, 2, 3, 4`;
  return rows.map((r) => group('account', r, { class: r.importance as string, recent: r.recent as boolean }));
}

export async function conversionGroups(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select to_char(l.created_at at time zone 'UTC', 'YYYY-MM') as month, l.owner_id, u.name as owner_name, l.source,
           o.lead_id is not null as offered, r.lead_id is not null as ordered,
           count(*)::int as n
      from leads l left join users u on u.id = l.owner_id
      left join (select distinct o.lead_id from offers o where o.status <> 'draft') o on o.lead_id = l.id
      left join orders r on r.lead_id = l.id
     where ${inPeriod(sql, 'l.created_at', f)} and ${leadFilter(sql, user, f)}
     group by 1, 2, 3, 4, 5, 6`;
  return rows.map((r) => group('lead', r, { month: r.month as string, source: r.source as string, offered: r.offered as boolean, ordered: r.ordered as boolean }));
}

export async function visitGroups(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select v.rep_id, u.name as rep_name, v.type, coalesce(a.importance, 'none') as class,
           (v.offer_id is not null or coalesce(lo.last_offer >= v.occurred_at, false)) as became_offer,
           count(*)::int as n
      from visits v join leads l on l.id = v.lead_id left join accounts a on a.id = l.account_id left join users u on u.id = v.rep_id
      left join (select o.lead_id, max(o.created_at) as last_offer from offers o where o.status <> 'draft' group by o.lead_id) lo on lo.lead_id = v.lead_id
     where ${inPeriod(sql, 'v.occurred_at', f)} and ${visitFilter(sql, user, f)}
     group by 1, 2, 3, 4, 5`;
  return rows.map((r) => group('visit', r, { type: r.type as string, class: r.class as string, becameOffer: r.became_offer as boolean }, r.rep_id, r.rep_name));
}

export async function offerGroups(sql: Sql, user: AuthUser, f: ReportFilters, now: Date): Promise<Fact[]> {
  const before = new Date(now.getTime() - f.days * 86_400_000);
  const rows = await sql<Row[]>`
    select l.owner_id, u.name as owner_name, o.status, o.rejection_reason, ${inPeriod(sql, 'o.created_at', f)} as in_period,
           (o.status = 'sent' and o.confirmed_at is null and o.sent_at < ${before}) as unconfirmed,
           count(*)::int as n, sum(o.total)::float8 as value
      from offers o join leads l on l.id = o.lead_id left join users u on u.id = l.owner_id
     where o.status <> 'draft' and ${leadFilter(sql, user, f)}
       and (${inPeriod(sql, 'o.created_at', f)} or (o.status = 'sent' and o.confirmed_at is null and o.sent_at < ${before}))
     group by 1, 2, 3, 4, 5, 6`;
  return rows.map((r) => group('offer', r, {
    status: r.status as string, reason: (r.rejection_reason as string | null) ?? null, inPeriod: r.in_period as boolean, unconfirmed: r.unconfirmed as boolean,
  }));
}

export async function overviewGroups(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const [leads, visits, offers, orders] = await Promise.all([
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, l.status in ${sql(open)} as open, ${inPeriod(sql, 'l.created_at', f)} as created,
             (l.status in ${sql(open)} and l.last_visit_at is null) as never_contacted,
             (l.closed_at is not null and ${inPeriod(sql, 'l.closed_at', f)} and l.status = 'won') as won,
             (l.closed_at is not null and ${inPeriod(sql, 'l.closed_at', f)} and l.status = 'lost') as lost,
             count(*)::int as n
        from leads l left join users u on u.id = l.owner_id
       where ${leadFilter(sql, user, f)}
         and (l.status in ${sql(open)} or ${inPeriod(sql, 'l.created_at', f)} or (l.closed_at is not null and ${inPeriod(sql, 'l.closed_at', f)}))
       group by 1, 2, 3, 4, 5, 6, 7`,
    sql<Row[]>`
      select v.rep_id, u.name as rep_name, count(*)::int as n
        from visits v join leads l on l.id = v.lead_id left join users u on u.id = v.rep_id
       where ${inPeriod(sql, 'v.occurred_at', f)} and ${visitFilter(sql, user, f)}
       group by 1, 2`,
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, count(*)::int as n
        from offers o join leads l on l.id = o.lead_id left join users u on u.id = l.owner_id
       where o.sent_at is not null and ${inPeriod(sql, 'o.sent_at', f)} and ${leadFilter(sql, user, f)}
       group by 1, 2`,
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, count(*)::int as n, sum(r.total)::float8 as value
        from orders r join leads l on l.id = r.lead_id left join users u on u.id = l.owner_id
       where ${inPeriod(sql, 'r.created_at', f)} and ${leadFilter(sql, user, f)}
       group by 1, 2`,
  ]);
  return [
    ...leads.map((r) => group('lead', r, {
      open: r.open as boolean, created: r.created as boolean, neverContacted: r.never_contacted as boolean, won: r.won as boolean, lost: r.lost as boolean,
    })),
    ...visits.map((r) => group('visit', r, {}, r.rep_id, r.rep_name)),
    ...offers.map((r) => group('offer', r, { sent: true })),
    ...orders.map((r) => group('order', r, {})),
  ];
}

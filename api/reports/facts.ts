import type { Sql } from '../../db/client';
import { managedTeams } from '../auth/scope';
import type { AuthUser } from '../auth/types';
import { leadFilter, visitFilter, type ReportFilters } from './filters';
import type { Fact } from './model';

// The single records behind a report's numbers (the list behind a number), read with plain SQL and the user's scope.
// The figures themselves are counted in SQL (aggregates.ts) with the same conditions. A lead was contacted when it has a
// visit: its newest one is kept in leads.last_visit_at (the finder's "never contacted" reads the same column), and an
// account's last visit is the newest of its leads'.

const open = ['open', 'nurturing', 'qualified'];
const inPeriod = (sql: Sql, column: string, f: ReportFilters) => sql`(${sql.unsafe(column)} >= ${f.start} and ${sql.unsafe(column)} < ${f.end})`;
const num = (v: unknown) => (v == null ? null : Number(v));

type Row = Record<string, unknown>;
const lead = (r: Row, tags: Fact['tags'], detail: string | null = null): Fact => ({
  kind: 'lead', id: r.id as string, leadId: r.id as string, accountId: (r.account_id as string | null) ?? null, label: r.name as string,
  repId: (r.owner_id as string | null) ?? null, repName: (r.owner_name as string | null) ?? null, at: (r.created_at as Date | null) ?? null,
  detail, value: null, tags,
});

/** Open leads created in the period, whether they have an owner and whether anyone ever logged a visit (of any type). */
export async function neverContactedFacts(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select l.id, l.name, l.account_id, l.owner_id, u.name as owner_name, l.created_at, l.stage,
           l.last_visit_at is not null as visited
      from leads l left join users u on u.id = l.owner_id
     where l.status in ${sql(open)} and ${inPeriod(sql, 'l.created_at', f)} and ${leadFilter(sql, user, f)}
     order by l.created_at, l.id`;
  return rows.map((r) => lead(r, { assigned: r.owner_id != null, visited: r.visited as boolean }, `stage ${r.stage as string}`));
}

/** Accounts of the chosen classes the user may see, with the last visit anyone made to one of their leads. */
export async function importantCustomerFacts(sql: Sql, user: AuthUser, f: ReportFilters, now: Date): Promise<Fact[]> {
  const seesAll = user.role === 'ops' || user.role === 'admin';
  const ownerMatches = f.rep ? sql`a.owner_id = ${f.rep}`
    : f.team ? sql`a.owner_id in (select u.id from users u where u.team_id = ${f.team})`
      : seesAll ? sql`true` : sql`a.owner_id in (select u.id from users u where u.team_id in ${managedTeams(sql, user)})`;
  const rows = await sql<Row[]>`
    select a.id, a.name, a.importance, a.owner_id,
           coalesce(ou.name, (select u.name from leads l2 join users u on u.id = l2.owner_id where l2.account_id = a.id order by l2.updated_at desc limit 1)) as owner_name,
           (select max(l3.last_visit_at) from leads l3 where l3.account_id = a.id) as last_visit
      from accounts a left join users ou on ou.id = a.owner_id
     where a.importance in ${sql(f.classes)}
       and (${ownerMatches} or exists (select 1 from leads l where l.account_id = a.id and ${leadFilter(sql, user, f)}))
     order by a.name, a.id`;
  const since = now.getTime() - f.days * 86_400_000;
  return rows.map((r) => {
    const last = r.last_visit as Date | null;
    return {
      kind: 'account', id: r.id as string, leadId: null, accountId: r.id as string, label: r.name as string,
      repId: (r.owner_id as string | null) ?? null, repName: (r.owner_name as string | null) ?? null, at: last,
      detail: `class ${r.importance as string}${last ? '' : ', never visited'}`, value: null,
      tags: { class: r.importance as string, recent: !!last && last.getTime() >= since },
    };
  });
}

/** Leads created in the period: month, owner, source, whether an offer went out (drafts do not count) and whether an order came. */
export async function conversionFacts(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select l.id, l.name, l.account_id, l.owner_id, u.name as owner_name, l.source, l.created_at,
           to_char(l.created_at at time zone 'UTC', 'YYYY-MM') as month,
           exists (select 1 from offers o where o.lead_id = l.id and o.status <> 'draft') as offered,
           exists (select 1 from orders r where r.lead_id = l.id) as ordered
      from leads l left join users u on u.id = l.owner_id
     where ${inPeriod(sql, 'l.created_at', f)} and ${leadFilter(sql, user, f)}
     order by l.created_at, l.id`;
  return rows.map((r) => lead(r, { month: r.month as string, source: r.source as string, offered: r.offered as boolean, ordered: r.ordered as boolean }, r.source as string));
}

/** Visits in the period: who made it, of which type, the customer's class, and whether an offer followed on that lead. */
export async function visitFacts(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select v.id, v.lead_id, l.name as lead_name, l.account_id, v.rep_id, u.name as rep_name, v.type, v.occurred_at,
           coalesce(a.importance, 'none') as class,
           (v.offer_id is not null or exists (select 1 from offers o where o.lead_id = v.lead_id and o.status <> 'draft' and o.created_at >= v.occurred_at)) as became_offer
      from visits v join leads l on l.id = v.lead_id left join accounts a on a.id = l.account_id left join users u on u.id = v.rep_id
     where ${inPeriod(sql, 'v.occurred_at', f)} and ${visitFilter(sql, user, f)}
     order by v.occurred_at, v.id`;
  return rows.map((r) => ({
    kind: 'visit', id: r.id as string, leadId: r.lead_id as string, accountId: (r.account_id as string | null) ?? null, label: r.lead_name as string,
    repId: (r.rep_id as string | null) ?? null, repName: (r.rep_name as string | null) ?? null, at: r.occurred_at as Date, detail: r.type as string, value: null,
    tags: { type: r.type as string, class: r.class as string, becameOffer: r.became_offer as boolean },
  }));
}

const offerFact = (r: Row, tags: Fact['tags']): Fact => ({
  kind: 'offer', id: r.id as string, leadId: r.lead_id as string, accountId: (r.account_id as string | null) ?? null, label: r.lead_name as string,
  repId: (r.owner_id as string | null) ?? null, repName: (r.owner_name as string | null) ?? null, at: (r.sent_at as Date | null) ?? (r.created_at as Date),
  detail: `v${r.version as number} ${r.status as string}${r.rejection_reason ? ` (${r.rejection_reason as string})` : ''}`, value: num(r.total), tags,
});

/** Offers made in the period (drafts aside) and every sent offer still unconfirmed N days after it went out, whenever it was made. */
export async function offerFacts(sql: Sql, user: AuthUser, f: ReportFilters, now: Date): Promise<Fact[]> {
  const before = new Date(now.getTime() - f.days * 86_400_000);
  const rows = await sql<Row[]>`
    select o.id, o.lead_id, l.name as lead_name, l.account_id, l.owner_id, u.name as owner_name, o.version, o.status, o.rejection_reason,
           o.total::float8 as total, o.sent_at, o.created_at, ${inPeriod(sql, 'o.created_at', f)} as in_period,
           (o.status = 'sent' and o.confirmed_at is null and o.sent_at < ${before}) as unconfirmed
      from offers o join leads l on l.id = o.lead_id left join users u on u.id = l.owner_id
     where o.status <> 'draft' and ${leadFilter(sql, user, f)}
       and (${inPeriod(sql, 'o.created_at', f)} or (o.status = 'sent' and o.confirmed_at is null and o.sent_at < ${before}))
     order by o.created_at, o.id`;
  return rows.map((r) => offerFact(r, { status: r.status as string, reason: (r.rejection_reason as string | null) ?? null, inPeriod: r.in_period as boolean, unconfirmed: r.unconfirmed as boolean }));
}

/** The general situation: open leads now, and leads, visits, offers sent, orders, wins and losses in the period. */
export async function overviewFacts(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const [leads, visits, offers, orders] = await Promise.all([
    sql<Row[]>`
      select l.id, l.name, l.account_id, l.owner_id, u.name as owner_name, l.created_at, l.status, l.stage,
             l.status in ${sql(open)} as open, ${inPeriod(sql, 'l.created_at', f)} as created,
             (l.closed_at is not null and ${inPeriod(sql, 'l.closed_at', f)}) as closed,
             l.last_visit_at is not null as visited
        from leads l left join users u on u.id = l.owner_id
       where ${leadFilter(sql, user, f)}
         and (l.status in ${sql(open)} or ${inPeriod(sql, 'l.created_at', f)} or (l.closed_at is not null and ${inPeriod(sql, 'l.closed_at', f)}))
       order by l.created_at, l.id`,
    visitFacts(sql, user, f),
    sql<Row[]>`
      select o.id, o.lead_id, l.name as lead_name, l.account_id, l.owner_id, u.name as owner_name, o.version, o.status, o.rejection_reason,
             o.total::float8 as total, o.sent_at, o.created_at
        from offers o join leads l on l.id = o.lead_id left join users u on u.id = l.owner_id
       where o.sent_at is not null and ${inPeriod(sql, 'o.sent_at', f)} and ${leadFilter(sql, user, f)}
       order by o.sent_at, o.id`,
    sql<Row[]>`
      select r.id, r.lead_id, l.name as lead_name, l.account_id, l.owner_id, u.name as owner_name, r.total::float8 as total, r.created_at
        from orders r join leads l on l.id = r.lead_id left join users u on u.id = l.owner_id
       where ${inPeriod(sql, 'r.created_at', f)} and ${leadFilter(sql, user, f)}
       order by r.created_at, r.id`,
  ]);
  return [
    ...leads.map((r) => lead(r, {
      open: r.open as boolean, created: r.created as boolean, neverContacted: (r.open as boolean) && !(r.visited as boolean),
      won: (r.closed as boolean) && r.status === 'won', lost: (r.closed as boolean) && r.status === 'lost',
    }, `${r.status as string}, stage ${r.stage as string}`)),
    // Visits count for the rep who made them; everything else for the lead's owner.
    ...visits,
    ...offers.map((r) => offerFact(r, { sent: true })),
    ...orders.map((r): Fact => ({
      kind: 'order', id: r.id as string, leadId: r.lead_id as string, accountId: (r.account_id as string | null) ?? null, label: r.lead_name as string,
      repId: (r.owner_id as string | null) ?? null, repName: (r.owner_name as string | null) ?? null, at: r.created_at as Date, detail: 'order', value: num(r.total), tags: {},
    })),
  ];
}

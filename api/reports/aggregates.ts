import type { Sql } from '../../db/client';
import { leadScope, managedTeams } from '../auth/scope';
import type { AuthUser } from '../auth/types';
import { leadFilter, type ReportFilters } from './filters';
import { allBuckets, dayStart, inBuckets } from './rollups';
import type { Fact } from './model';

// A report's figures, read from the rollups (migration 00021, kept current by triggers in the writing transaction):
// each row is one group of records that share everything the report's tables group and count by (rep, month, source,
// status, class, …), with how many records it holds (`n`) and the sum of their values. The tables then add these
// groups up exactly as they would single records, so the answer is the same as counting the records one by one
// (facts.ts, still used for the list behind a number), while a year reads a few thousand rollup rows however many
// leads there are. The rollups carry the lead's owner and team, so the viewer's scope and the team and rep filters
// apply to them as to the leads (alias `l`).

const open = ['open', 'nurturing', 'qualified'];
const period = (sql: Sql, f: ReportFilters) => inBuckets(sql, 'l', f.start, f.end);

type Row = Record<string, unknown>;
const group = (kind: Fact['kind'], r: Row, tags: Fact['tags'], repId = r.owner_id, repName = r.owner_name): Fact => ({
  kind, id: '', leadId: null, accountId: null, label: '', repId: (repId as string | null) ?? null, repName: (repName as string | null) ?? null,
  at: null, detail: null, value: r.value == null ? null : Number(r.value), tags, n: Number(r.n),
});

/** Work a rep did (rollup_visits, alias `l`: the lead's owner and team, and `rep_id`), as visitFilter reads visits. */
function visitRollupFilter(sql: Sql, user: AuthUser, f: ReportFilters) {
  return sql`${leadScope(sql, user, 'l')}
    ${f.team ? sql`and l.rep_id in (select u.id from users u where u.team_id = ${f.team})` : sql``}
    ${f.rep ? sql`and l.rep_id = ${f.rep}` : sql``}`;
}

export async function neverContactedGroups(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select l.owner_id, u.name as owner_name, l.visited, sum(l.n)::int as n
      from rollup_leads l left join users u on u.id = l.owner_id
     where l.status in ${sql(open)} and ${period(sql, f)} and ${leadFilter(sql, user, f)}
     group by 1, 2, 3 having sum(l.n) <> 0`;
  return rows.map((r) => group('lead', r, { assigned: r.owner_id != null, visited: r.visited as boolean }));
}

export async function importantCustomerGroups(sql: Sql, user: AuthUser, f: ReportFilters, now: Date): Promise<Fact[]> {
  const seesAll = user.role === 'ops' || user.role === 'admin';
  const since = new Date(now.getTime() - f.days * 86_400_000);
  const ownerMatches = f.rep ? sql`a.owner_id = ${f.rep}`
    : f.team ? sql`a.owner_id in (select u.id from users u where u.team_id = ${f.team})`
      : seesAll ? sql`true` : sql`a.owner_id in (select u.id from users u where u.team_id in ${managedTeams(sql, user)})`;
  // report_accounts: each account's class, owner and newest visit over its leads, and the teams and owners of its
  // leads (migration 00029). "The viewer sees one of its leads" is then an overlap of those with the ones in view: for
  // a manager their own, their teams' and their members'; a team filter narrows to that team and its members, a rep
  // filter to the rep (both already checked to be in the manager's teams, so the scope holds for such a lead). A rep,
  // or a team and a rep together (which must hold for the same lead), probe the leads.
  const managed = managedTeams(sql, user);
  const inView = seesAll && !f.team && !f.rep ? sql`true`
    : (seesAll || user.role === 'manager') && !(f.team && f.rep)
      ? f.rep ? sql`a.lead_owners && array[${f.rep}::text]`
        : f.team ? sql`(a.lead_teams && array[${f.team}::text] or a.lead_owners && array(select u.id from users u where u.team_id = ${f.team}))`
          : sql`(a.lead_teams && array(select * from ${managed} m) or a.lead_owners && array(select ${user.id}::text union all select u.id from users u where u.team_id in ${managed}))`
      : sql`exists (select 1 from report_lead_state l where l.account_id = a.account_id and ${leadFilter(sql, user, f)})`;
  const rows = await sql<Row[]>`
    select a.importance, a.owner_id,
           coalesce(ou.name, (select u.name from leads l2 join users u on u.id = l2.owner_id where l2.account_id = a.account_id order by l2.updated_at desc limit 1)) as owner_name,
           coalesce(a.last_visit_at >= ${since}, false) as recent, count(*)::int as n
      from report_accounts a left join users ou on ou.id = a.owner_id
     where a.importance in ${sql(f.classes)}
       and (${ownerMatches} or ${inView})
     group by 1, 2, 3, 4`;
  return rows.map((r) => group('account', r, { class: r.importance as string, recent: r.recent as boolean }));
}

export async function conversionGroups(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select to_char(l.bucket, 'YYYY-MM') as month, l.owner_id, u.name as owner_name, l.source, l.offered, l.ordered, sum(l.n)::int as n
      from rollup_leads l left join users u on u.id = l.owner_id
     where ${period(sql, f)} and ${leadFilter(sql, user, f)}
     group by 1, 2, 3, 4, 5, 6 having sum(l.n) <> 0`;
  return rows.map((r) => group('lead', r, { month: r.month as string, source: r.source as string, offered: r.offered as boolean, ordered: r.ordered as boolean }));
}

export async function visitGroups(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const rows = await sql<Row[]>`
    select l.rep_id, u.name as rep_name, l.type, l.class, l.became_offer, sum(l.n)::int as n
      from rollup_visits l left join users u on u.id = l.rep_id
     where ${period(sql, f)} and ${visitRollupFilter(sql, user, f)}
     group by 1, 2, 3, 4, 5 having sum(l.n) <> 0`;
  return rows.map((r) => group('visit', r, { type: r.type as string, class: r.class as string, becameOffer: r.became_offer as boolean }, r.rep_id, r.rep_name));
}

export async function offerGroups(sql: Sql, user: AuthUser, f: ReportFilters, now: Date): Promise<Fact[]> {
  const before = new Date(now.getTime() - f.days * 86_400_000);
  const edge = dayStart(before);
  // Made in the period (drafts aside), from the day rollup; sent and still unconfirmed N days on: whole days before
  // the day N days ago from the rollup, that day itself up to the instant from the offers.
  const [made, unconfirmed] = await Promise.all([
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, l.status, l.rejection_reason, sum(l.n)::int as n, sum(l.value)::float8 as value
        from rollup_offers l left join users u on u.id = l.owner_id
       where l.status <> 'draft' and ${period(sql, f)} and ${leadFilter(sql, user, f)}
       group by 1, 2, 3, 4 having sum(l.n) <> 0`,
    sql<Row[]>`
      select x.owner_id, u.name as owner_name, sum(x.n)::int as n, sum(x.value)::float8 as value
        from (select l.owner_id, l.n, l.value from rollup_unconfirmed l where l.bucket < ${edge.toISOString().slice(0, 10)}::date and ${leadFilter(sql, user, f)}
              union all
              select l.owner_id, 1, o.total from offers o join report_lead_state l on l.lead_id = o.lead_id
               where o.status = 'sent' and o.confirmed_at is null and o.sent_at >= ${edge} and o.sent_at < ${before} and ${leadFilter(sql, user, f)}) x
        left join users u on u.id = x.owner_id
       group by 1, 2 having sum(x.n) <> 0`,
  ]);
  return [
    ...made.map((r) => group('offer', r, { status: r.status as string, reason: (r.rejection_reason as string | null) ?? null, inPeriod: true, unconfirmed: false })),
    ...unconfirmed.map((r) => group('offer', r, { status: 'sent', reason: null, inPeriod: false, unconfirmed: true })),
  ];
}

export async function overviewGroups(sql: Sql, user: AuthUser, f: ReportFilters): Promise<Fact[]> {
  const [openLeads, created, closed, visits, offers, orders] = await Promise.all([
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, not l.visited as never_contacted, sum(l.n)::int as n
        from rollup_leads l left join users u on u.id = l.owner_id
       where l.status in ${sql(open)} and ${allBuckets(sql, 'l')} and ${leadFilter(sql, user, f)}
       group by 1, 2, 3 having sum(l.n) <> 0`,
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, sum(l.n)::int as n
        from rollup_leads l left join users u on u.id = l.owner_id
       where ${period(sql, f)} and ${leadFilter(sql, user, f)}
       group by 1, 2 having sum(l.n) <> 0`,
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, l.status, sum(l.n)::int as n
        from rollup_closed l left join users u on u.id = l.owner_id
       where l.status in ('won', 'lost') and ${period(sql, f)} and ${leadFilter(sql, user, f)}
       group by 1, 2, 3 having sum(l.n) <> 0`,
    sql<Row[]>`
      select l.rep_id, u.name as rep_name, sum(l.n)::int as n
        from rollup_visits l left join users u on u.id = l.rep_id
       where ${period(sql, f)} and ${visitRollupFilter(sql, user, f)}
       group by 1, 2 having sum(l.n) <> 0`,
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, sum(l.n)::int as n
        from rollup_offers_sent l left join users u on u.id = l.owner_id
       where ${period(sql, f)} and ${leadFilter(sql, user, f)}
       group by 1, 2 having sum(l.n) <> 0`,
    sql<Row[]>`
      select l.owner_id, u.name as owner_name, sum(l.n)::int as n, sum(l.value)::float8 as value
        from rollup_orders l left join users u on u.id = l.owner_id
       where ${period(sql, f)} and ${leadFilter(sql, user, f)}
       group by 1, 2 having sum(l.n) <> 0`,
  ]);
  const none = { open: false, created: false, neverContacted: false, won: false, lost: false };
  return [
    ...openLeads.map((r) => group('lead', r, { ...none, open: true, neverContacted: r.never_contacted as boolean })),
    ...created.map((r) => group('lead', r, { ...none, created: true })),
    ...closed.map((r) => group('lead', r, { ...none, won: r.status === 'won', lost: r.status === 'lost' })),
    ...visits.map((r) => group('visit', r, {}, r.rep_id, r.rep_name)),
    ...offers.map((r) => group('offer', r, { sent: true })),
    ...orders.map((r) => group('order', r, {})),
  ];
}

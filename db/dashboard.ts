import type { Dashboard, DashboardItems, ForecastProbabilities } from '../api/dashboard/schemas';
import { forecastStages } from '../api/dashboard/schemas';
import { leadScope, managedTeams } from '../api/auth/scope';
import type { AuthUser } from '../api/auth/types';
import type { PipelineDocument } from '../engine/pipeline/schema';
import type { PendingQuery, Row } from 'postgres';
import { inBuckets } from '../api/reports/rollups';
import type { Sql } from './client';

type Fragment = PendingQuery<Row[]>;

// The manager dashboard's figures. The funnel, loss reasons, sales cycle, velocity and win rates read the report
// rollups (migration 00021: day and month counts kept current by triggers in the writing transaction, carrying the
// lead's owner and team so the scope applies to them as to leads); stalled deals and time to close read the stored
// stage stays (migration 00028); the rest are aggregate queries over the records and the per-lead report state
// (group by, percentiles in SQL). Nothing loads a lead per row into JS. Each function takes the
// same filters; `dashboardItems` lists the leads behind one drill key with the same predicates.

/** The period [start, end), the previous period of the same length, the viewer (scope) and the team and rep filters. */
export interface DashboardFilters {
  viewer: Pick<AuthUser, 'id' | 'role' | 'teamId'>;
  start: Date; end: Date;
  prevStart: Date; prevEnd: Date;
  team: string | null; rep: string | null;
  /** "Now" for days in stage and the forecast's current month. */
  now: Date;
}

/** A segment needs this many closed deals at a stage before its own history estimates the time to close. */
export const MIN_SEGMENT_SAMPLE = 5;
/** A stage's p75 needs this many completed stays in the team's history before a deal counts as stalled. */
export const MIN_STALL_SAMPLE = 3;
/** Stalled deals and time to close compare with the deals closed within this many days. */
export const HISTORY_DAYS = 365;
/** Without won history, an open offer is expected to close this many days after it was sent. */
export const DEFAULT_DAYS_TO_CLOSE = 30;
const LIST_LIMIT = 50;
const ITEMS_LIMIT = 500;
const OPEN = ['open', 'nurturing', 'qualified'];

const DAY_SECONDS = 86_400;
const EPOCH = new Date(0);
const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const round2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const humanize = (s: string) => s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** Leads (alias `l`) the viewer may see, narrowed to the team (owned by a member or routed to it) and the rep. */
export function scopedLeads(sql: Sql, f: DashboardFilters) {
  return sql`${leadScope(sql, { ...f.viewer, email: '', name: '' }, 'l')}
    ${f.team ? sql`and (l.team_id = ${f.team} or l.owner_id in (select u.id from users u where u.team_id = ${f.team}))` : sql``}
    ${f.rep ? sql`and l.owner_id = ${f.rep}` : sql``}`;
}

/** Company size as the segment time-to-close estimates compare (lead_segment, migration 00028: the bands stage_stays keeps). */
const segmentOf = (sql: Sql) => sql`lead_segment(l.company_size)`;

// ---------------------------------------------------------------------------------------------------------------------
// Funnel

/**
 * Stages of a pipeline document in the order a lead meets them (breadth first from the trigger), with their labels.
 * A nurturing stage is a side loop (`side`): leads come back from it, so the next stage converts from the one before it.
 */
export function stagesInOrder(doc: PipelineDocument): { stage: string; label: string; side: boolean }[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const queue = doc.nodes.filter((n) => n.type === 'trigger').map((n) => n.id);
  const seen = new Set<string>();
  const out: { stage: string; label: string; side: boolean }[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = byId.get(id);
    if (node?.type === 'stage' && !out.some((s) => s.stage === node.config.name)) out.push({ stage: node.config.name, label: node.label ?? humanize(node.config.name), side: node.config.status === 'nurturing' });
    for (const e of doc.edges) if (e.source === id) queue.push(e.target);
  }
  return out;
}

/** Leads captured in the period per stage they reached (now or earlier), in pipeline order, with the conversion from the stage before. */
export async function funnel(sql: Sql, f: DashboardFilters): Promise<Dashboard['funnel']> {
  // rollup_stages: per day of capture, the leads that reached each stage (their current one or any staged event).
  const reached = await sql<{ pipeline_id: string; stage: string; n: number }[]>`
    select l.pipeline_id, l.stage, sum(l.n)::int as n from rollup_stages l
     where ${inBuckets(sql, 'l', f.start, f.end)} and ${scopedLeads(sql, f)}
     group by 1, 2 having sum(l.n) <> 0`;
  const byStageN = new Map<string, number>();
  for (const r of reached) byStageN.set(r.stage, (byStageN.get(r.stage) ?? 0) + r.n);
  const counts = [...byStageN].map(([stage, n]) => ({ stage, n }));
  const pipelineIds: string[] = [...new Set(['default', ...reached.map((r) => r.pipeline_id)])];
  const docs = await sql<{ document: PipelineDocument }[]>`
    select distinct on (v.pipeline_id) v.document from pipeline_versions v
     where v.pipeline_id in ${sql(pipelineIds)}
     order by v.pipeline_id, v.version desc`;
  const order: { stage: string; label: string; side: boolean }[] = [{ stage: 'captured', label: 'Captured', side: false }];
  for (const d of docs) for (const s of stagesInOrder(d.document)) if (!order.some((o) => o.stage === s.stage)) order.push(s);
  for (const c of [...counts].sort((a, b) => a.stage.localeCompare(b.stage))) {
    if (!['won', 'lost', 'disqualified'].includes(c.stage) && !order.some((o) => o.stage === c.stage)) order.push({ stage: c.stage, label: humanize(c.stage), side: false });
  }
  order.push({ stage: 'won', label: 'Won', side: false });
  const byStage = new Map(counts.map((c) => [c.stage, c.n]));
  if (counts.length === 0) return [];
  let main: string | null = null;
  return order.map((s) => {
    const count = byStage.get(s.stage) ?? 0;
    const before = main === null ? 0 : byStage.get(main) ?? 0;
    const conversion = before > 0 ? round1((count / before) * 100) : null;
    if (!s.side) main = s.stage;
    return { stage: s.stage, label: s.label, count, conversion, drill: `funnel:${s.stage}` };
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Loss reasons

const lostIn = (sql: Sql, f: DashboardFilters) =>
  sql`l.status in ('lost', 'disqualified') and l.closed_at >= ${f.start} and l.closed_at < ${f.end} and ${scopedLeads(sql, f)}`;

/** Leads lost (or disqualified) in the period per reason, most frequent first. */
export async function lossReasons(sql: Sql, f: DashboardFilters): Promise<Dashboard['lossReasons']> {
  const rows = await sql<{ reason: string; label: string | null; n: number }[]>`
    select r.reason, (select c.label from constants c where c.code = r.reason and c.category in ('loss_reason', 'disqualify_reason') order by c.category limit 1) as label, r.n
      from (select coalesce(l.lost_reason, 'not_given') as reason, sum(l.n)::int as n from rollup_closed l
             where l.status in ('lost', 'disqualified') and ${inBuckets(sql, 'l', f.start, f.end)} and ${scopedLeads(sql, f)} group by 1 having sum(l.n) <> 0) r
     order by r.n desc, r.reason`;
  return rows.map((r) => ({ reason: r.reason, label: r.label ?? (r.reason === 'not_given' ? 'No reason given' : humanize(r.reason)), count: r.n, drill: `loss:${r.reason}` }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Sales cycle

const wonIn = (sql: Sql, f: DashboardFilters, start = f.start, end = f.end) =>
  sql`l.status = 'won' and l.closed_at >= ${start} and l.closed_at < ${end} and ${scopedLeads(sql, f)}`;

/** The months the period touches, as `YYYY-MM`. */
export function monthsOf(start: Date, end: Date): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
  while (d < end && out.length < 240) {
    out.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/** Average days from capture to won for leads won in the period, and the same per month of the period. */
export async function salesCycle(sql: Sql, f: DashboardFilters): Promise<Dashboard['cycle']> {
  const rows = await sql<{ month: string | null; days: number | null; n: number }[]>`
    select to_char(l.bucket, 'YYYY-MM') as month,
           (sum(l.cycle_secs) / nullif(sum(l.n), 0) / ${DAY_SECONDS})::float8 as days, sum(l.n)::int as n
      from rollup_closed l where l.status = 'won' and ${inBuckets(sql, 'l', f.start, f.end)} and ${scopedLeads(sql, f)}
     group by grouping sets ((1), ())`;
  const all = rows.find((r) => r.month === null);
  const byMonth = new Map(rows.filter((r) => r.month !== null).map((r) => [r.month!, r]));
  return {
    averageDays: round1(num(all?.days)), won: all?.n ?? 0, drill: 'cycle:all',
    trend: monthsOf(f.start, f.end).map((m) => ({ month: m, averageDays: round1(num(byMonth.get(m)?.days)), won: byMonth.get(m)?.n ?? 0, drill: `cycle:${m}` })),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Sales velocity

/** Opportunities (leads with an offer) open at the instant `at`: the first offer before it, not closed before it. */
const openOpportunityAt = (sql: Sql, f: DashboardFilters, at: Date) => sql`
  exists (select 1 from offers o where o.lead_id = l.id and o.created_at < ${at})
  and l.created_at < ${at} and (l.closed_at is null or l.closed_at >= ${at}) and ${scopedLeads(sql, f)}`;

async function velocityOf(sql: Sql, f: DashboardFilters, start: Date, end: Date, which: 'current' | 'previous') {
  // rollup_opportunities (migration 00029): +1 the day an opportunity opened, -1 the day it closed; the ones open at
  // the midnight `end` are the sum of every bucket before it (openOpportunityAt, counted ahead of time).
  const [open] = await sql<{ n: number }[]>`
    select coalesce(sum(l.n), 0)::int as n from rollup_opportunities l
     where ${inBuckets(sql, 'l', EPOCH, end)} and ${scopedLeads(sql, f)}`;
  const [closed] = await sql<{ won: number; lost: number; value: number | null; days: number | null }[]>`
    select coalesce(sum(l.n) filter (where l.status = 'won'), 0)::int as won, coalesce(sum(l.n) filter (where l.status = 'lost'), 0)::int as lost,
           (sum(l.order_value) filter (where l.status = 'won') / nullif(sum(l.order_n) filter (where l.status = 'won'), 0))::float8 as value,
           (sum(l.cycle_secs) filter (where l.status = 'won') / nullif(sum(l.n) filter (where l.status = 'won'), 0) / ${DAY_SECONDS})::float8 as days
      from rollup_closed l
     where l.status in ('won', 'lost') and ${inBuckets(sql, 'l', start, end)} and ${scopedLeads(sql, f)}`;
  const won = closed?.won ?? 0;
  const lost = closed?.lost ?? 0;
  const winRate = won + lost ? won / (won + lost) : null;
  const value = num(closed?.value);
  const days = num(closed?.days);
  const velocity = winRate !== null && value !== null && days ? (open!.n * winRate * value) / days : null;
  return {
    openOpportunities: open!.n, won, lost, winRate: winRate === null ? null : round1(winRate * 100), averageDealValue: round2(value),
    cycleDays: round1(days), velocity: round2(velocity), drillOpen: `velocity:open:${which}`, drillWon: `velocity:won:${which}`,
  };
}

/**
 * Sales velocity = open opportunities × win rate × average deal value ÷ sales cycle (value per day), this period
 * (opportunities open at its end) and the previous one, with the change in percent.
 */
export async function salesVelocity(sql: Sql, f: DashboardFilters): Promise<Dashboard['velocity']> {
  const [current, previous] = await Promise.all([velocityOf(sql, f, f.start, f.end, 'current'), velocityOf(sql, f, f.prevStart, f.prevEnd, 'previous')]);
  const changePct = current.velocity !== null && previous.velocity ? round1(((current.velocity - previous.velocity) / previous.velocity) * 100) : null;
  return { current, previous, changePct };
}

// ---------------------------------------------------------------------------------------------------------------------
// Weighted forecast

/** The probability (percent) of each offer stage becoming an order, as ops set them (defaults from the migration). */
export async function forecastProbabilities(sql: Sql): Promise<ForecastProbabilities> {
  const [row] = await sql<{ value: Partial<ForecastProbabilities> }[]>`select value from settings where key = 'forecast_probabilities'`;
  const defaults: ForecastProbabilities = { draft: 10, sent: 25, confirmed: 40, in_follow_up: 60, postponed: 15 };
  return { ...defaults, ...(row?.value ?? {}) };
}

export async function setForecastProbabilities(sql: Sql, p: ForecastProbabilities): Promise<ForecastProbabilities> {
  await sql`insert into settings (key, value, updated_at) values ('forecast_probabilities', ${sql.json(p as never)}, now())
            on conflict (key) do update set value = excluded.value, updated_at = now()`;
  return p;
}

/** Median days from the first offer to the order, over the last year's won deals in scope (DEFAULT_DAYS_TO_CLOSE without any). */
const typicalDaysToClose = (sql: Sql, f: DashboardFilters) => sql`
  select coalesce(percentile_cont(0.5) within group (order by extract(epoch from l.closed_at - l.first_offer_sent_at) / ${DAY_SECONDS}), ${DEFAULT_DAYS_TO_CLOSE})::float8 as days
    from report_lead_state l
   where l.status = 'won' and l.closed_at >= ${new Date(f.now.getTime() - 365 * DAY_SECONDS * 1000)} and l.first_offer_sent_at is not null and ${scopedLeads(sql, f)}`;

async function typicalDays(sql: Sql, f: DashboardFilters): Promise<number> {
  const [row] = await sql<{ days: number }[]>`${typicalDaysToClose(sql, f)}`;
  return row!.days;
}

/** The open offers (newest version of each open lead's offer, in a forecast stage) with their expected close month. */
const openOffers = (sql: Sql, f: DashboardFilters, typicalDays: number) => sql`
  with latest as (
    select l.lead_id, l.latest_offer_status as status, l.latest_offer_total as total, l.latest_offer_since as since
      from report_lead_state l
     where l.status in ${sql(OPEN)} and l.latest_offer_status is not null and ${scopedLeads(sql, f)}
  )
  select x.lead_id, x.status, x.total::float8 as total,
         to_char(greatest(x.since + ${typicalDays}::float8 * interval '1 day', ${f.now}::timestamptz) at time zone 'UTC', 'YYYY-MM') as month
    from latest x
   where x.status in ${sql([...forecastStages])}`;

/** Open offers by expected close month (sent + the typical days from offer to order), total and weighted by stage probability. */
export async function weightedForecast(sql: Sql, f: DashboardFilters): Promise<Dashboard['forecast']> {
  const [probabilities, days] = await Promise.all([forecastProbabilities(sql), typicalDays(sql, f)]);
  const rows = await sql<{ month: string; n: number; total: number; weighted: number }[]>`
    select x.month, count(*)::int as n, sum(x.total)::float8 as total,
           sum(x.total * coalesce((${sql.json(probabilities as never)}::jsonb ->> x.status)::numeric, 0) / 100)::float8 as weighted
      from (${openOffers(sql, f, days)}) x group by x.month order by x.month`;
  return {
    probabilities, typicalDaysToClose: round1(days)!,
    months: rows.map((r) => ({ month: r.month, offers: r.n, total: round2(r.total)!, weighted: round2(r.weighted)!, drill: `forecast:${r.month}` })),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Stalled deals and time to close

const openIn = (sql: Sql, f: DashboardFilters) => sql`l.status in ${sql(OPEN)} and ${scopedLeads(sql, f)}`;

/** Per team and stage: the p75 of completed stays (stalled deals) and the median days from entry to close, also per segment (time to close). */
interface HistoryStats {
  p75: { team_id: string | null; stage: string; p75: number; n: number }[];
  toClose: { team_id: string | null; stage: string; segment: string | null; days: number; n: number }[];
}
/** The last statistics computed on a pool: the stays' change counter they saw, when, and how long they took. */
const historyCache = new WeakMap<Sql, { version: string; at: number; tookMs: number; day: number; stats: HistoryStats }>();
/** Recounting statistics that take longer than this is done at most once per HISTORY_REFRESH_MS while the stays keep changing. */
const EXPENSIVE_MS = 250;
const HISTORY_REFRESH_MS = 60_000;

/**
 * What "usual" means: the stays (table stage_stays, migration 00028: each stay of a lead in a stage, kept from the
 * timeline by triggers) of each team's leads closed within the last HISTORY_DAYS (or still open), so the yardstick
 * follows how the team works now. Percentiles need every stay of the history sorted (seconds at a million leads), so
 * they are kept per pool until the stays change (the sequence stage_stays_changes, migration 00029) or the day
 * (and so the history window) moves on. While the stays keep changing, statistics that were expensive to count are
 * recounted at most once a minute: a deal's days in its stage are always live; the team's yardstick is at most a
 * minute behind.
 */
export async function historyStats(sql: Sql, now: Date): Promise<HistoryStats> {
  const [{ version } = { version: '' }] = await sql<{ version: string }[]>`select (last_value::text || ':' || is_called::text) as version from stage_stays_changes`;
  const day = Math.floor(now.getTime() / (DAY_SECONDS * 1000));
  const cached = historyCache.get(sql);
  if (cached && cached.day === day && (cached.version === version || (cached.tookMs > EXPENSIVE_MS && Date.now() - cached.at < HISTORY_REFRESH_MS))) return cached.stats;
  const t0 = Date.now();
  const since = new Date(now.getTime() - HISTORY_DAYS * DAY_SECONDS * 1000);
  const [p75, toClose] = await Promise.all([
    sql<HistoryStats['p75']>`
      select s.team_id, s.stage, percentile_cont(0.75) within group (order by extract(epoch from s.left_at - s.entered_at) / ${DAY_SECONDS})::float8 as p75, count(*)::int as n
        from stage_stays s
       where s.left_at is not null and (s.closed_at is null or s.closed_at >= ${since})
       group by s.team_id, s.stage`,
    // One pass over the stays: the median per segment and, in the same sort, per team (grouping sets; segment null).
    sql<HistoryStats['toClose']>`
      select s.team_id, s.stage, case when grouping(s.segment) = 0 then s.segment end as segment,
             percentile_cont(0.5) within group (order by extract(epoch from s.closed_at - s.entered_at) / ${DAY_SECONDS})::float8 as days, count(*)::int as n
        from stage_stays s
       where s.status in ('won', 'lost') and s.closed_at is not null and s.closed_at >= ${since} and s.stage not in ('won', 'lost', 'disqualified')
       group by grouping sets ((s.team_id, s.stage, s.segment), (s.team_id, s.stage))`,
  ]);
  const stats = { p75: [...p75], toClose: [...toClose] };
  historyCache.set(sql, { version, at: Date.now(), tookMs: Date.now() - t0, day, stats });
  return stats;
}

/**
 * The teams whose open deals the viewer may see under the filters (null: all of them), so the per-team reads below skip
 * the ranges of other teams: the teams of the open leads owned by the owners in view (leads_open_owner_team_idx, an
 * index-only read), the chosen team and the teams a manager manages. A superset is harmless (every read still applies
 * the scope); every team holding a lead in scope is in it.
 */
async function teamsInView(sql: Sql, f: DashboardFilters): Promise<Set<string> | null> {
  const seesAll = f.viewer.role === 'ops' || f.viewer.role === 'admin';
  if (seesAll && !f.team && !f.rep) return null;
  const managed = managedTeams(sql, { id: f.viewer.id, teamId: f.viewer.teamId });
  const owners = f.rep ? sql`(select ${f.rep}::text)`
    : f.team ? sql`(select u.id from users u where u.team_id = ${f.team})`
      : f.viewer.role === 'manager' ? sql`(select ${f.viewer.id}::text union all select u.id from users u where u.team_id in ${managed})`
        : sql`(select ${f.viewer.id}::text)`;
  const rows = await sql<{ team_id: string | null }[]>`
    select distinct l.team_id from leads l where l.status in ${sql(OPEN)} and l.owner_id in ${owners}
    ${f.team ? sql`union select ${f.team}::text` : sql``}
    ${!f.team && !f.rep && f.viewer.role === 'manager' ? sql`union select * from ${managed} m` : sql``}`;
  return new Set(rows.flatMap((r) => (r.team_id === null ? [] : [r.team_id])));
}

/** The team's p75 per stage (enough stays only) for the teams in view. */
async function stallYardsticks(sql: Sql, f: DashboardFilters) {
  const [stats, teams] = await Promise.all([historyStats(sql, f.now), teamsInView(sql, f)]);
  return stats.p75.filter((x) => x.n >= MIN_STALL_SAMPLE && x.team_id !== null && (!teams || teams.has(x.team_id)));
}

/** The open deals (in scope) of one team and stage (p) longer in that stage than the team's p75 for it. */
const stalledIn = (sql: Sql, f: DashboardFilters) => sql`
  l.team_id = p.team_id and l.stage = p.stage and ${openIn(sql, f)} and l.stage_entered_at < ${f.now}::timestamptz - make_interval(secs => p.p75 * ${DAY_SECONDS})`;
const yardsticks = (sql: Sql, p75: HistoryStats['p75']) => sql`json_to_recordset(${JSON.stringify(p75)}::text::json) as p(team_id text, stage text, p75 float8, n int)`;
const stalledQuery = (sql: Sql, f: DashboardFilters, p75: HistoryStats['p75']) => sql`
  select l.id from ${yardsticks(sql, p75)} join leads l on ${stalledIn(sql, f)}`;

/**
 * Open deals longer in their stage than 75 % of the team's past stays in that stage, longest over first. Within one
 * team and stage that order is the order of entry into the stage, so the first LIST_LIMIT of each (read in entry order
 * from leads_open_stage_idx, as the count is) hold the whole list.
 */
export async function stalledDeals(sql: Sql, f: DashboardFilters): Promise<Dashboard['stalled']> {
  const p75 = await stallYardsticks(sql, f);
  const [[count], rows] = await Promise.all([
    sql<{ n: number }[]>`select coalesce(sum(c.n), 0)::int as n from ${yardsticks(sql, p75)} cross join lateral (select count(*) as n from leads l where ${stalledIn(sql, f)}) c`,
    sql<{ id: string; name: string; owner_name: string | null; stage: string; days: number; p75: number; n: number }[]>`
      select x.*, l.name, u.name as owner_name from (
        select y.* from ${yardsticks(sql, p75)} cross join lateral (
          select l.id, l.owner_id, l.stage, (extract(epoch from ${f.now}::timestamptz - l.stage_entered_at) / ${DAY_SECONDS})::float8 as days, p.p75, p.n
            from leads l where ${stalledIn(sql, f)} order by l.stage_entered_at, l.id limit ${LIST_LIMIT}) y
         order by y.days - y.p75 desc, y.id limit ${LIST_LIMIT}) x
        join leads l on l.id = x.id left join users u on u.id = x.owner_id
       order by x.days - x.p75 desc, x.id`,
  ]);
  return {
    total: count!.n, drill: 'stalled',
    items: rows.map((r) => ({ leadId: r.id, name: r.name, ownerName: r.owner_name, stage: r.stage, daysInStage: round1(r.days)!, p75Days: round1(r.p75)!, sample: r.n })),
  };
}

type TimeToCloseRow = { id: string; name: string; owner_name: string | null; stage: string; segment: string; days: number; seg_days: number | null; seg_n: number | null; team_days: number | null; team_n: number | null };
/** The bands lead_segment (migration 00028) puts a company size in. */
const SEGMENTS = ['small', 'mid', 'large', 'unknown'];

/**
 * For each open deal, the median days from entering its stage to closing among the team's closed deals of the same
 * stage and segment; below MIN_SEGMENT_SAMPLE such deals, the whole team's at that stage (`basis: 'team'`). Deals whose
 * team has no closed history at their stage have no estimate and come last.
 *
 * The list shows the LIST_LIMIT deals closest to closing. Within one team, stage and segment that order is the order
 * of entry into the stage (the estimate is the same for all of them), so the first LIST_LIMIT of each such group, read
 * in entry order from leads_open_stage_idx, hold the whole list; deals without an estimate are only read when those
 * are fewer than the list. The total counts every open deal in scope from the same index.
 */
export async function timeToClose(sql: Sql, f: DashboardFilters): Promise<Dashboard['timeToClose']> {
  const [stats, teams] = await Promise.all([historyStats(sql, f.now), teamsInView(sql, f)]);
  const groups = stats.toClose.filter((t) => t.segment === null && t.team_id !== null && (!teams || teams.has(t.team_id))).flatMap((t) => SEGMENTS.map((segment) => {
    const seg = stats.toClose.find((x) => x.team_id === t.team_id && x.stage === t.stage && x.segment === segment);
    return { team_id: t.team_id, stage: t.stage, segment, seg_days: seg?.days ?? null, seg_n: seg?.n ?? null, team_days: t.days, team_n: t.n };
  }));
  const typical = (alias: string) => sql.unsafe(`coalesce(case when ${alias}.seg_n >= ${MIN_SEGMENT_SAMPLE} then ${alias}.seg_days else ${alias}.team_days end, 1e9)`);
  /** Each team, stage and segment in view with its estimate (alias g). */
  const estimates = sql`json_to_recordset(${JSON.stringify(groups)}::text::json)
    as g(team_id text, stage text, segment text, seg_days float8, seg_n int, team_days float8, team_n int)`;
  const daysIn = sql`(extract(epoch from ${f.now}::timestamptz - l.stage_entered_at) / ${DAY_SECONDS})::float8`;
  const named = (deals: Fragment) => sql<TimeToCloseRow[]>`
    select x.*, l.name, u.name as owner_name from (${deals}) x join leads l on l.id = x.id left join users u on u.id = x.owner_id
     order by greatest(${typical('x')} - x.days, 0), x.stage_entered_at, x.id`;
  const [[count], estimated] = await Promise.all([
    sql<{ n: number }[]>`select count(*)::int as n from leads l where ${openIn(sql, f)}`,
    named(sql`
      select y.* from ${estimates} cross join lateral (
         select l.id, l.owner_id, l.stage, g.segment, ${daysIn} as days, g.seg_days, g.seg_n, g.team_days, g.team_n, l.stage_entered_at
           from leads l
          where l.team_id = g.team_id and l.stage = g.stage and ${segmentOf(sql)} = g.segment and ${openIn(sql, f)}
          order by l.stage_entered_at, l.id limit ${LIST_LIMIT}) y
       order by greatest(${typical('y')} - y.days, 0), y.stage_entered_at, y.id limit ${LIST_LIMIT}`),
  ]);
  let rows = estimated;
  if (rows.length < LIST_LIMIT && count!.n > rows.length) {
    // Fewer estimated deals than the list: every open deal, those without an estimate after them.
    rows = await named(sql`
      select l.id, l.owner_id, l.stage, ${segmentOf(sql)} as segment, ${daysIn} as days, g.seg_days, g.seg_n, g.team_days, g.team_n, l.stage_entered_at
        from leads l left join ${estimates} on g.team_id = l.team_id and g.stage = l.stage and g.segment = ${segmentOf(sql)}
       where ${openIn(sql, f)}
       order by greatest(${typical('g')} - ${daysIn}, 0), l.stage_entered_at, l.id limit ${LIST_LIMIT}`);
  }
  return {
    total: count!.n,
    items: rows.map((r) => {
      const useSegment = (r.seg_n ?? 0) >= MIN_SEGMENT_SAMPLE;
      const typicalDays = useSegment ? r.seg_days : r.team_days;
      return {
        leadId: r.id, name: r.name, ownerName: r.owner_name, stage: r.stage, segment: r.segment, daysInStage: round1(r.days)!,
        typicalDays: round1(typicalDays), remainingDays: typicalDays === null ? null : round1(Math.max(0, typicalDays - r.days)),
        sample: (useSegment ? r.seg_n : r.team_n) ?? 0, basis: useSegment ? 'segment' as const : r.team_n ? 'team' as const : 'none' as const,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Win rates

const closedIn = (sql: Sql, f: DashboardFilters) =>
  sql`l.status in ('won', 'lost') and l.closed_at >= ${f.start} and l.closed_at < ${f.end} and ${scopedLeads(sql, f)}`;

/** Won ÷ (won + lost) of the leads closed in the period, per source and per owner. */
export async function winRates(sql: Sql, f: DashboardFilters): Promise<Dashboard['winRates']> {
  const rows = await sql<{ by: 'source' | 'rep'; key: string; label: string; won: number; lost: number }[]>`
    with c as (
      select l.source, l.owner_id, l.status, sum(l.n)::int as n from rollup_closed l
       where l.status in ('won', 'lost') and ${inBuckets(sql, 'l', f.start, f.end)} and ${scopedLeads(sql, f)}
       group by 1, 2, 3 having sum(l.n) <> 0
    )
    select 'source' as by, c.source as key, c.source as label, coalesce(sum(c.n) filter (where c.status = 'won'), 0)::int as won, coalesce(sum(c.n) filter (where c.status = 'lost'), 0)::int as lost
      from c group by c.source
    union all
    select 'rep', coalesce(c.owner_id, 'unassigned'), coalesce(min(u.name), 'Not assigned'), coalesce(sum(c.n) filter (where c.status = 'won'), 0)::int, coalesce(sum(c.n) filter (where c.status = 'lost'), 0)::int
      from c left join users u on u.id = c.owner_id group by c.owner_id`;
  const row = (r: (typeof rows)[number]) => ({
    key: r.key, label: r.by === 'source' ? humanize(r.label) : r.label, won: r.won, lost: r.lost,
    rate: r.won + r.lost ? round1((r.won / (r.won + r.lost)) * 100) : null, drill: `${r.by === 'source' ? 'winSource' : 'winRep'}:${r.key}`,
  });
  const sorted = (by: string) => rows.filter((r) => r.by === by).map(row).sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || a.label.localeCompare(b.label));
  return { bySource: sorted('source'), byRep: sorted('rep') };
}

// ---------------------------------------------------------------------------------------------------------------------
// Everything, and the lists behind the numbers

export async function dashboard(sql: Sql, f: DashboardFilters): Promise<Omit<Dashboard, 'filters'>> {
  const [fun, loss, cycle, velocity, forecast, stalled, ttc, wins] = await Promise.all([
    funnel(sql, f), lossReasons(sql, f), salesCycle(sql, f), salesVelocity(sql, f), weightedForecast(sql, f), stalledDeals(sql, f), timeToClose(sql, f), winRates(sql, f),
  ]);
  const empty = fun.length === 0 && loss.length === 0 && cycle.won === 0 && forecast.months.length === 0 && ttc.total === 0
    && velocity.current.openOpportunities === 0 && velocity.current.won + velocity.current.lost === 0;
  return { empty, funnel: fun, lossReasons: loss, cycle, velocity, forecast, stalled, timeToClose: ttc, winRates: wins };
}

type ItemRow = { id: string; name: string; company: string | null; owner_name: string | null; stage: string; status: string; at: Date | null; detail: string | null; value: number | null };

/** The leads behind one drill key (same scope and filters as the figure), or null for a key the dashboard does not have. */
export async function dashboardItems(sql: Sql, f: DashboardFilters, drill: string): Promise<DashboardItems | null> {
  const [kind, a = '', b = ''] = drill.split(':');
  const list = (where: Fragment, at: Fragment, detail: Fragment, value: Fragment, order = sql`2 desc`) => sql<(ItemRow & { total: number })[]>`
    select x.*, count(*) over ()::int as total from (
      select l.id, ${at} as at, l.name, l.company, u.name as owner_name, l.stage, l.status, ${detail} as detail, ${value}::float8 as value
        from leads l left join users u on u.id = l.owner_id where ${where}) x
     order by ${order}, x.id limit ${ITEMS_LIMIT}`;
  const offerValue = sql`(select o.total from offers o where o.lead_id = l.id order by o.version desc limit 1)`;
  let title: string;
  let rows: (ItemRow & { total: number })[];
  if (kind === 'funnel' && a) {
    title = `Funnel: leads that reached ${humanize(a)}`;
    rows = await list(sql`l.created_at >= ${f.start} and l.created_at < ${f.end} and ${scopedLeads(sql, f)}
      and (l.stage = ${a} or exists (select 1 from lead_events e where e.lead_id = l.id and e.stage = ${a}))`, sql`l.created_at`, sql`l.source`, offerValue);
  } else if (kind === 'loss' && a) {
    title = `Lost: ${a === 'not_given' ? 'no reason given' : humanize(a)}`;
    rows = await list(sql`${lostIn(sql, f)} and coalesce(l.lost_reason, 'not_given') = ${a}`, sql`l.closed_at`, sql`l.lost_reason`, offerValue);
  } else if (kind === 'cycle' && a) {
    const month = a === 'all' ? null : a;
    if (month && !/^\d{4}-\d{2}$/.test(month)) return null;
    title = month ? `Won in ${month}: days from capture to order` : 'Won in the period: days from capture to order';
    rows = await list(sql`${wonIn(sql, f)} ${month ? sql`and to_char(l.closed_at at time zone 'UTC', 'YYYY-MM') = ${month}` : sql``}`,
      sql`l.closed_at`, sql`round((extract(epoch from l.closed_at - l.created_at) / ${DAY_SECONDS})::numeric, 1) || ' days'`,
      sql`(select o.total from orders o where o.lead_id = l.id)`);
  } else if (kind === 'velocity' && (a === 'open' || a === 'won') && (b === 'current' || b === 'previous')) {
    const [start, end] = b === 'current' ? [f.start, f.end] : [f.prevStart, f.prevEnd];
    title = a === 'open' ? `Open opportunities at the end of the ${b} period` : `Won in the ${b} period`;
    rows = a === 'open'
      ? await list(openOpportunityAt(sql, f, end), sql`l.created_at`, sql`l.stage`, offerValue)
      : await list(wonIn(sql, f, start, end), sql`l.closed_at`, sql`null::text`, sql`(select o.total from orders o where o.lead_id = l.id)`);
  } else if (kind === 'forecast' && /^\d{4}-\d{2}$/.test(a)) {
    title = `Open offers expected to close in ${a}`;
    const days = await typicalDays(sql, f);
    rows = await list(sql`l.id in (select y.lead_id from (${openOffers(sql, f, days)}) y where y.month = ${a})`, sql`l.updated_at`,
      sql`(select o.status from offers o where o.lead_id = l.id order by o.version desc limit 1)`, offerValue);
  } else if (kind === 'stalled') {
    title = 'Stalled deals: longer in their stage than usual';
    rows = await list(sql`l.id in (select y.id from (${stalledQuery(sql, f, await stallYardsticks(sql, f))}) y)`, sql`l.stage_entered_at`, sql`l.stage`, offerValue, sql`2 asc`);
  } else if ((kind === 'winSource' || kind === 'winRep') && a) {
    title = kind === 'winSource' ? `Closed from source ${humanize(a)}` : 'Closed by this rep';
    const by = kind === 'winSource' ? sql`l.source = ${a}` : a === 'unassigned' ? sql`l.owner_id is null` : sql`l.owner_id = ${a}`;
    rows = await list(sql`${closedIn(sql, f)} and ${by}`, sql`l.closed_at`, sql`l.status`, offerValue);
  } else {
    return null;
  }
  return {
    title, total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({ leadId: r.id, name: r.name, company: r.company, ownerName: r.owner_name, stage: r.stage, status: r.status, at: r.at ? new Date(r.at).toISOString() : null, detail: r.detail, value: num(r.value) })),
  };
}

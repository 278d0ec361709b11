/**
 * Builds `LeadFacts` (rules/facts.ts) from the records: lead columns, the account's importance, and
 * aggregates over visits and offers. One SQL statement computes the facts of one lead or of a whole batch
 * (keyset pages over `leads (created_at desc, id desc)`), so bulk re-scoring and backtests never run a query
 * per lead. Derived values (e-mail domain, day counts, ISO timestamps) are computed by Postgres: it is
 * cheaper than parsing timestamps in JavaScript for 100,000 rows.
 *
 * Facts the records cannot tell are left out (missing ≠ zero): `daysSinceLastVisit` of a never-visited lead,
 * `importance` without an account, `grade` before the first scoring, `lastOfferStatus` without offers.
 * `emailOpensLast14Days` reads `leads.email_opens` (there is no per-open table yet), so it is all-time opens.
 *
 * @example
 * ```ts
 * const facts = await leadFactsFor(sql, 'lead-42', new Date()); // { source: 'web', country: 'DE', … } | undefined
 * for await (const batch of streamLeadFacts(sql, { limit: 10_000 })) for (const { id, facts } of batch) score(facts);
 * ```
 */
import type { PendingQuery, Row } from 'postgres';
import type { LeadFacts } from '../rules/facts';
import type { Sql } from './client';

/** Offer statuses that still count as open (`openOffers`); the rest are closed or superseded. */
export const openOfferStatuses = ['draft', 'sent', 'confirmed', 'in_follow_up', 'postponed'] as const;

export interface LeadFactsRow {
  id: string;
  facts: LeadFacts;
}

/** The lead columns the facts are made of (the rest of a lead row is never read). */
const LEAD_COLUMNS = ['id', 'source', 'country', 'region', 'company_size', 'industry', 'product_interest', 'job_title', 'email', 'phone',
  'account_id', 'stage', 'score', 'grade', 'created_at', 'email_opens', 'form_submissions'] as const;

interface RawRow {
  id: string;
  source?: string;
  country?: string | null;
  region?: string | null;
  company_size?: number | null;
  industry?: string | null;
  product_interest?: string | null;
  job_title?: string | null;
  email_domain?: string | null;
  has_phone?: boolean;
  importance?: string | null;
  stage?: string;
  score?: number;
  grade?: string | null;
  created_at?: string;
  days_since_created?: number;
  days_since_last_visit?: number | null;
  visits_30?: number;
  open_offers?: number;
  email_opens?: number;
  form_submissions?: number;
  last_offer_status?: string | null;
  bh_opens?: number;
  bh_clicks?: number;
  bh_visits?: number;
  bh_downloads?: number;
  bh_webinars?: number;
}

/**
 * The statement for the leads chosen by `pick` (a fragment selecting rows of `leads`, already limited).
 * Aggregates are computed only for those leads (semi-joins on the lead ids), then joined back.
 */
async function factsQuery(sql: Sql, now: Date, want: FactFilter, pick: (tx: Sql) => PendingQuery<Row[]>): Promise<RawRow[]> {
  // The planner's cost estimate for a 10,000-lead batch triggers LLVM JIT, whose compile time (~0.7 s per
  // statement) dwarfs the execution (~0.1 s); the statement is cheap to interpret, so JIT stays off.
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Sql;
    await tx`set local jit = off`;
    return factsStatement(tx, now, want, pick(tx));
  }) as Promise<RawRow[]>;
}

/** Facts to compute; `undefined` = all of them. */
type FactFilter = ReadonlySet<string> | undefined;

/** Output column → the facts that need it, and its SQL (over `b` = leads, `a` = accounts, `v`/`o` = aggregates). */
function columns(sql: Sql, now: Date): { facts: string[]; expr: PendingQuery<Row[]> }[] {
  return [
    { facts: ['source'], expr: sql`b.source` },
    { facts: ['country'], expr: sql`b.country` },
    { facts: ['region'], expr: sql`b.region` },
    { facts: ['companySize'], expr: sql`b.company_size` },
    { facts: ['industry'], expr: sql`b.industry` },
    { facts: ['productInterest'], expr: sql`b.product_interest` },
    { facts: ['jobTitle'], expr: sql`b.job_title` },
    { facts: ['emailDomain'], expr: sql`nullif(lower(split_part(b.email, '@', 2)), '') as email_domain` },
    { facts: ['hasPhone'], expr: sql`coalesce(b.phone, '') <> '' as has_phone` },
    { facts: ['importance'], expr: sql`a.importance` },
    { facts: ['stage'], expr: sql`b.stage` },
    { facts: ['score'], expr: sql`b.score` },
    { facts: ['grade'], expr: sql`b.grade` },
    { facts: ['createdAt'], expr: sql`to_char(b.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at` },
    { facts: ['daysSinceCreated'], expr: sql`greatest(floor(extract(epoch from (${now}::timestamptz - b.created_at)) / 86400), 0)::int as days_since_created` },
    { facts: ['daysSinceLastVisit'], expr: sql`floor(extract(epoch from (${now}::timestamptz - v.last_visit)) / 86400)::int as days_since_last_visit` },
    { facts: ['visitsLast30Days'], expr: sql`coalesce(v.visits_30, 0) as visits_30` },
    { facts: ['openOffers'], expr: sql`coalesce(o.open_offers, 0) as open_offers` },
    { facts: ['lastOfferStatus'], expr: sql`o.last_status as last_offer_status` },
    { facts: ['emailOpensLast14Days'], expr: sql`b.email_opens` },
    { facts: ['formSubmissions'], expr: sql`b.form_submissions` },
    { facts: ['behaviour.email_opens_30d'], expr: sql`coalesce(e.opens, 0) as bh_opens` },
    { facts: ['behaviour.clicks_30d'], expr: sql`coalesce(e.clicks, 0) as bh_clicks` },
    { facts: ['behaviour.page_visits_30d'], expr: sql`coalesce(e.visits, 0) as bh_visits` },
    { facts: ['behaviour.downloads_30d'], expr: sql`coalesce(e.downloads, 0) as bh_downloads` },
    { facts: ['behaviour.webinars_30d'], expr: sql`coalesce(e.webinars, 0) as bh_webinars` },
  ];
}

function factsStatement(sql: Sql, now: Date, want: FactFilter, pick: PendingQuery<Row[]>) {
  const needs = (...facts: string[]) => !want || facts.some((f) => want.has(f));
  const select = columns(sql, now).filter((c) => needs(...c.facts)).map((c) => c.expr);
  const list = select.reduce((acc, expr) => sql`${acc}, ${expr}`, sql`b.id`);
  const visits = needs('daysSinceLastVisit', 'visitsLast30Days');
  const offers = needs('openOffers', 'lastOfferStatus');
  const behaviour = needs('behaviour.email_opens_30d', 'behaviour.clicks_30d', 'behaviour.page_visits_30d', 'behaviour.downloads_30d', 'behaviour.webinars_30d');
  return sql<RawRow[]>`
    with b as (${pick})
    ${visits ? sql`, v as (
      select lead_id,
             max(occurred_at) as last_visit,
             count(*) filter (where occurred_at > ${now}::timestamptz - interval '30 days')::int as visits_30
      from visits
      where lead_id in (select id from b) and occurred_at <= ${now}::timestamptz
      group by lead_id
    )` : sql``}
    ${offers ? sql`, o as (
      select lead_id,
             count(*) filter (where status in ${sql(openOfferStatuses as unknown as string[])})::int as open_offers,
             (array_agg(status order by version desc, created_at desc))[1] as last_status
      from offers
      where lead_id in (select id from b)
      group by lead_id
    )` : sql``}
    ${behaviour ? sql`, e as (
      select lead_id,
             count(*) filter (where type = 'email_open')::int as opens,
             count(*) filter (where type = 'email_click')::int as clicks,
             count(*) filter (where type = 'page_visit')::int as visits,
             count(*) filter (where type = 'download')::int as downloads,
             count(*) filter (where type = 'webinar_attended')::int as webinars
      from behaviour_events
      where lead_id in (select id from b) and occurred_at > ${now}::timestamptz - interval '30 days' and occurred_at <= ${now}::timestamptz
      group by lead_id
    )` : sql``}
    select ${list}
    from b
    ${needs('importance') ? sql`left join accounts a on a.id = b.account_id` : sql``}
    ${visits ? sql`left join v on v.lead_id = b.id` : sql``}
    ${offers ? sql`left join o on o.lead_id = b.id` : sql``}
    ${behaviour ? sql`left join e on e.lead_id = b.id` : sql``}
    order by b.created_at desc, b.id desc`;
}

/** Row → facts. Every key is always assigned (in one order), so all fact objects share one V8 shape. */
function toFacts(r: RawRow): LeadFacts {
  return {
    source: r.source as LeadFacts['source'],
    country: r.country ?? undefined,
    region: r.region ?? undefined,
    companySize: r.company_size ?? undefined,
    industry: r.industry ?? undefined,
    productInterest: r.product_interest ?? undefined,
    jobTitle: r.job_title ?? undefined,
    emailDomain: r.email_domain ?? undefined,
    hasPhone: r.has_phone,
    importance: (r.importance ?? undefined) as LeadFacts['importance'],
    stage: r.stage,
    score: r.score,
    grade: (r.grade ?? undefined) as LeadFacts['grade'],
    createdAt: r.created_at,
    daysSinceLastVisit: r.days_since_last_visit ?? undefined,
    daysSinceCreated: r.days_since_created,
    visitsLast30Days: r.visits_30,
    openOffers: r.open_offers,
    emailOpensLast14Days: r.email_opens,
    formSubmissions: r.form_submissions,
    lastOfferStatus: r.last_offer_status ?? undefined,
    'behaviour.email_opens_30d': r.bh_opens,
    'behaviour.clicks_30d': r.bh_clicks,
    'behaviour.page_visits_30d': r.bh_visits,
    'behaviour.downloads_30d': r.bh_downloads,
    'behaviour.webinars_30d': r.bh_webinars,
  };
}

/** Drops the `undefined` keys, for facts that leave the process (API answers, activity results). */
export function compactFacts(facts: LeadFacts): LeadFacts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) if (v !== undefined) out[k] = v;
  return out as LeadFacts;
}

/**
 * The facts of one lead at `now` (default: the current time); `undefined` when there is no such lead.
 * Absent facts are omitted from the object.
 */
export async function leadFactsFor(sql: Sql, leadId: string, now: Date = new Date()): Promise<LeadFacts | undefined> {
  const [row] = await factsStatement(sql, now, undefined, sql`select ${sql(LEAD_COLUMNS as unknown as string[])} from leads where id = ${leadId}`);
  return row ? compactFacts(toFacts(row)) : undefined;
}

export interface StreamOptions {
  /** Newest leads first; stop after this many (default: all). */
  limit?: number;
  /** Leads per statement (default 10,000). */
  batch?: number;
  /** Statements in flight at once (default 3; embedded PGlite serialises them on its one connection). */
  parallel?: number;
  now?: Date;
  /**
   * Compute only these facts (e.g. `factsUsed(draft, published)`); the others stay `undefined`, and joins
   * nobody needs are skipped. Default: every fact.
   */
  facts?: Iterable<string>;
}

interface Bound { c: string; id: string }

/**
 * The facts of the newest `limit` leads (all when omitted), newest first, in batches of `batch` leads —
 * one statement per batch. A first statement takes the keys (created_at, id) that start each batch, so the
 * batches are independent ranges and several run at once while the caller evaluates the previous one.
 * Facts objects keep `undefined` for absent facts (one object shape for the evaluators).
 */
export async function* streamLeadFacts(sql: Sql, opts: StreamOptions = {}): AsyncGenerator<LeadFactsRow[]> {
  const now = opts.now ?? new Date();
  const want = opts.facts ? new Set(opts.facts) : undefined;
  const batch = Math.max(1, Math.floor(opts.batch ?? 10_000));
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;
  const maxRows = Number.isFinite(limit) ? Math.floor(limit) : null;
  const bounds = await sql<Bound[]>`
    select c, id from (
      select created_at::text as c, id, row_number() over (order by created_at desc, id desc) as rn from leads
    ) t
    where (rn - 1) % ${batch} = 0 and (${maxRows}::bigint is null or rn <= ${maxRows}::bigint)
    order by rn`;
  const fetchBatch = (k: number) => {
    const from = bounds[k]!;
    const to = bounds[k + 1];
    // The last batch stops at `limit`; the others end where the next begins.
    const n = to ? batch : Math.min(batch, (maxRows ?? Number.MAX_SAFE_INTEGER) - k * batch);
    const rows = factsQuery(sql, now, want, (tx) => tx`
      select ${tx(LEAD_COLUMNS as unknown as string[])} from leads
      where created_at <= ${from.c}::text::timestamptz and (created_at, id) <= (${from.c}::text::timestamptz, ${from.id})
        ${to ? tx`and created_at >= ${to.c}::text::timestamptz and (created_at, id) > (${to.c}::text::timestamptz, ${to.id})` : tx``}
      order by created_at desc, id desc limit ${n}`);
    rows.catch(() => undefined); // a consumer that stops early must not leave an unhandled rejection behind
    return rows;
  };
  const parallel = Math.max(1, opts.parallel ?? 3);
  const inFlight: Promise<RawRow[]>[] = [];
  let next = 0;
  while (inFlight.length < parallel && next < bounds.length) inFlight.push(fetchBatch(next++));
  while (inFlight.length > 0) {
    const rows = await inFlight.shift()!;
    if (next < bounds.length) inFlight.push(fetchBatch(next++));
    const out = new Array<LeadFactsRow>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = { id: rows[i]!.id, facts: toFacts(rows[i]!) };
    if (out.length > 0) yield out;
  }
}

/** All facts of the newest `limit` leads (default: all) as one array; see `streamLeadFacts`. */
export async function leadFactsBatch(sql: Sql, opts: StreamOptions = {}): Promise<LeadFactsRow[]> {
  const all: LeadFactsRow[] = [];
  for await (const batch of streamLeadFacts(sql, opts)) for (const row of batch) all.push(row);
  return all;
}

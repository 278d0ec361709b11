/**
 * Reports and dashboard at scale: 1,000,000 leads over 400 days, 5,000,000 visits, 300,000 offers, their orders and
 * timeline (stage changes) in a fresh Postgres database, generated on the server (`insert … select` over
 * generate_series, indexes built after the load). Then every report (`runReport`, as the API runs it: its grouped SQL
 * and the tables built from it) and every dashboard widget (the functions `db/dashboard.ts` exports, when it is there)
 * is timed 20 times as a manager (one team of five) and as ops (everything), the runs cycling through realistic
 * filters (12 months, a quarter, a month, a team, a rep). p50/p95 per query; goal p95 < 100 ms. For a query that
 * misses it, EXPLAIN ANALYZE of its slowest statement names the plan nodes that spent the time.
 * Run: `npx tsx bench/reports.ts` (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a database
 * `leadflow_bench_reports_<random>` is created and dropped; `--keep` keeps it, BENCH_DB=<name> reuses one).
 * `BENCH_RUNS=<n>` times each query n times instead of 20; `BENCH_LEADS=<n>` generates fewer leads. The load runs with
 * triggers off (as the demo loader does), then `report_rollups_rebuild()` counts the rollups from the records once,
 * the same recount the migration runs. Results go to bench/results/reports.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { AuthUser } from '../api/auth/types';
import { resolveFilters } from '../api/reports/filters';
import { reportNames, type ReportFilterInput } from '../api/reports/schemas';
import { runReport } from '../api/reports/run';
import { createSql, describeUrl, type Sql } from '../db/client';
import { migrate } from '../db/migrate';
import { ensureDefaultPipeline } from '../db/pipelines';
import { ensureDefaultRuleSets } from '../db/rule-sets';
import { ensureConstants } from '../db/seed';
import { explainSlowest, type Statement } from './lib/explain';
import { printTable } from './lib/table';

/** BENCH_LEADS scales the data for a quicker look (visits, offers and accounts follow); the goal is measured at 1M. */
const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000);
const ACCOUNTS = Math.max(100, Math.round(LEADS / 20));
const TEAMS = 5;
const REPS_PER_TEAM = 8;
/** Runs per query (cycling through the scenarios); BENCH_RUNS overrides it for a quick look. */
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const GOAL_MS = 100;
const DAY = 86_400_000;
const NOW = new Date(Math.floor(Date.now() / DAY) * DAY + 12 * 3_600_000);
const day = (d: Date) => d.toISOString().slice(0, 10);

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};

/** Every index of the big tables except those behind constraints: dropped for the load, built again after it. */
async function dropIndexes(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string; def: string }[]>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
     where i.schemaname = 'public' and i.tablename in ('leads', 'visits', 'offers', 'orders', 'lead_events', 'accounts')
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
  for (const r of rows) await sql.unsafe(`drop index ${r.name}`);
  return rows.map((r) => r.def);
}

/** Deterministic columns from the row number (hashtext), so every run has the same data. */
async function seed(sql: Sql): Promise<void> {
  const now = NOW.toISOString();
  await sql`set session_replication_role = replica`; // no FK checks during the load (the data is consistent by construction)
  await sql`insert into teams (id, name) select 'team-' || t, 'Team ' || t from generate_series(1, ${TEAMS}) t`;
  await sql`insert into users (id, email, name, role, team_id)
            select 'rep-' || r, 'rep-' || r || '@bench.test', 'Rep ' || r, 'rep', 'team-' || (1 + (r - 1) / ${REPS_PER_TEAM}) from generate_series(1, ${TEAMS * REPS_PER_TEAM}) r`;
  await sql`insert into users (id, email, name, role, team_id) select 'mgr-' || t, 'mgr-' || t || '@bench.test', 'Manager ' || t, 'manager', 'team-' || t from generate_series(1, ${TEAMS}) t`;
  await sql`update teams set manager_id = 'mgr-' || substr(id, 6)`;
  await sql`insert into users (id, email, name, role) values ('bench-ops', 'ops@bench.test', 'Bench Ops', 'ops')`;
  await sql`insert into accounts (id, name, importance, owner_id, industry, company_size)
            select 'acc-' || i, 'Company ' || i, case when i % 20 < 3 then 'A' when i % 20 < 10 then 'B' else 'C' end,
                   'rep-' || (1 + i % ${TEAMS * REPS_PER_TEAM}), (array['Software','Manufacturing','Finance','Healthcare','Retail','Energy'])[1 + i % 6], 10 + (i * 37) % 5000
              from generate_series(1, ${ACCOUNTS}) i`;
  // Leads: status by a hash (8 % open, 3 % nurturing, 4 % qualified, 5 % disqualified, 30 % won, 50 % lost), created
  // over 400 days, closed 5-120 days later; 0-10 visits each, two days apart (last_visit_at is the newest of them).
  await sql.unsafe(`
    insert into leads (id, dedupe_key, source, status, stage, node_id, score, grade, owner_id, team_id, account_id, name, email, company, country, industry,
                       company_size, product_interest, pipeline_id, pipeline_version, lost_reason, closed_at, last_visit_at, stage_entered_at, created_at, updated_at)
    select 'lead-' || i, 'lead-' || i, (array['web','web','partner','import','manual'])[1 + abs(hashtext(i || ':src')) % 5],
           s.status, s.stage, s.stage, sc, case when sc >= 70 then 'A' when sc >= 40 then 'B' else 'C' end,
           o.owner, coalesce(o.team, 'team-' || (1 + abs(hashtext(i || ':t')) % ${TEAMS})),
           case when abs(hashtext(i || ':acc')) % 5 < 4 then 'acc-' || (1 + abs(hashtext(i || ':a')) % ${ACCOUNTS}) end,
           'Lead ' || i, 'p' || i || '@example.com', 'Company ' || i,
           (array['DE','AT','CH','SE','NO','NL','GB','FR','US','IT','ES'])[1 + abs(hashtext(i || ':c')) % 11],
           (array['Software','Manufacturing','Finance','Healthcare','Retail','Energy'])[1 + abs(hashtext(i || ':ind')) % 6],
           10 + abs(hashtext(i || ':size')) % 5000, (array['crm','analytics','cpq','support'])[1 + abs(hashtext(i || ':pi')) % 4], 'default', 1,
           case when s.status = 'lost' then (array['price','competition','no_budget','no_response','timing'])[1 + abs(hashtext(i || ':lr')) % 5] end,
           case when s.closed then least(c.created + make_interval(days => 5 + abs(hashtext(i || ':cy')) % 115), '${now}'::timestamptz - interval '1 hour') end,
           case when v.n > 0 then least(c.created + make_interval(days => 2 * v.n, hours => 3), '${now}'::timestamptz - interval '1 minute') end,
           c.created + interval '1 day', c.created, c.created
      from generate_series(1, ${LEADS}) i,
           lateral (select '${now}'::timestamptz - make_interval(secs => (i::bigint * 104729) % (400 * 86400)) as created) c,
           lateral (select abs(hashtext('lead-' || i || ':nv')) % 11 as n) v,
           lateral (select abs(hashtext(i || ':score')) % 100 as sc) x,
           lateral (select case when i % 33 = 0 then null else 1 + abs(hashtext(i || ':own')) % ${TEAMS * REPS_PER_TEAM} end as r) oo,
           lateral (select 'rep-' || oo.r as owner, 'team-' || (1 + (oo.r - 1) / ${REPS_PER_TEAM}) as team) o,
           lateral (select abs(hashtext(i || ':st')) % 100 as roll) rr,
           lateral (select case when rr.roll < 8 then 'open' when rr.roll < 11 then 'nurturing' when rr.roll < 15 then 'qualified' when rr.roll < 20 then 'disqualified'
                                when rr.roll < 50 then 'won' else 'lost' end as status) st,
           lateral (select st.status, case st.status when 'open' then 'qualification' when 'nurturing' then 'nurturing' when 'qualified' then 'offer'
                                          when 'won' then 'won' else 'lost' end as stage, st.status in ('won', 'lost', 'disqualified') as closed) s`);
  await sql.unsafe(`
    insert into visits (id, lead_id, rep_id, type, status, occurred_at)
    select l.id || '-v' || k, l.id, coalesce(l.owner_id, 'rep-1'),
           (array['phone','phone','on_site','telepresence','email','offer_request','trade_fair'])[1 + abs(hashtext(l.id || k)) % 7],
           case when k = 1 then 'initial_contact' else 'contact' end,
           least(l.created_at + make_interval(days => 2 * k, hours => 3), '${now}'::timestamptz - interval '1 minute')
      from leads l, generate_series(1, abs(hashtext(l.id || ':nv')) % 11) k`);
  // Offers on 30 % of the leads: won ones accepted, lost ones rejected (with a reason) or left in another status.
  await sql.unsafe(`
    insert into offers (id, lead_id, version, status, rejection_reason, total, sent_at, confirmed_at, created_at, updated_at)
    select l.id || '-o1', l.id, 1, s.status, case when s.status = 'rejected' then (array['price','competition','other'])[1 + abs(hashtext(l.id || ':rr')) % 3] end,
           100 + abs(hashtext(l.id || ':tot')) % 20000, case when s.status <> 'draft' then t.at + interval '1 hour' end,
           case when s.status in ('confirmed', 'in_follow_up', 'accepted') then t.at + interval '2 days' end, t.at, t.at
      from leads l,
           lateral (select least(l.created_at + interval '5 days', '${now}'::timestamptz - interval '2 hours') as at) t,
           lateral (select case when l.status = 'won' then 'accepted'
                                when l.status = 'lost' then (array['rejected','rejected','postponed','sent','renegotiated'])[1 + abs(hashtext(l.id || ':os')) % 5]
                                else (array['draft','sent','confirmed','in_follow_up','postponed'])[1 + abs(hashtext(l.id || ':os')) % 5] end as status) s
     where abs(hashtext(l.id || ':of')) % 10 < 3`);
  await sql`insert into orders (id, lead_id, offer_id, total, created_at)
            select 'ord-' || o.lead_id, o.lead_id, o.id, o.total, l.closed_at from offers o join leads l on l.id = o.lead_id where o.status = 'accepted'`;
  await sql`
    insert into lead_events (event_key, lead_id, type, at, stage, context)
    select l.id || ':captured', l.id, 'captured', l.created_at, 'captured', '{}'::jsonb from leads l
    union all select l.id || ':q', l.id, 'stage_changed', l.created_at + interval '5 minutes', case when l.status = 'nurturing' then 'nurturing' else 'qualification' end, '{}'::jsonb from leads l
    union all select o.lead_id || ':offer', o.lead_id, 'stage_changed', o.created_at, 'offer', '{}'::jsonb from offers o join leads l on l.id = o.lead_id where l.status in ('qualified', 'won', 'lost')
    union all select l.id || ':closed', l.id, case when l.status = 'won' then 'won' else 'lost' end, l.closed_at, case when l.status = 'won' then 'won' else 'lost' end, '{}'::jsonb
      from leads l where l.closed_at is not null`;
  await sql`set session_replication_role = origin`;
}

type Row = { query: string; who: string; runs: number; 'p50 ms': number; 'p95 ms': number; met: string; 'bound by (slowest statement, EXPLAIN ANALYZE)': string };

async function main() {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const reuse = process.env.BENCH_DB;
  const keep = process.argv.includes('--keep') || !!reuse;
  const name = reuse ?? `leadflow_bench_reports_${randomBytes(4).toString('hex')}`;
  const admin = createSql(base, { max: 1 });
  if (!reuse) await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  // Statements of the query being timed, for EXPLAIN ANALYZE when it misses the goal.
  let capture: Statement[] | null = null;
  const sql = postgres(url.toString(), {
    max: 10, onnotice: () => undefined, connection: { statement_timeout: 120_000, jit: 'off' }, // jit off as db/client.ts
    debug: (_c, query, params) => { if (capture) capture.push({ query, params }); },
  }) as unknown as Sql;
  try {
    let seedMs = 0;
    let indexMs = 0;
    let rollupMs = 0;
    if (!reuse) {
      const seedSql = createSql(url.toString(), { max: 2, timeouts: { statementTimeoutMs: 1_800_000 } });
      try {
        await migrate(seedSql);
        await ensureConstants(seedSql);
        await ensureDefaultRuleSets(seedSql);
        await ensureDefaultPipeline(seedSql);
        // One connection for the load: it turns off FK checks for itself.
        const conn = await seedSql.reserve();
        try {
          const defs = await dropIndexes(conn as unknown as Sql);
          const t0 = process.hrtime.bigint();
          await seed(conn as unknown as Sql);
          seedMs = ms(t0);
          const t1 = process.hrtime.bigint();
          for (const def of defs) await conn.unsafe(def);
          await conn`vacuum analyze`;
          indexMs = ms(t1);
          const t2 = process.hrtime.bigint();
          await conn`select report_rollups_rebuild()`;
          await conn`vacuum analyze`;
          rollupMs = ms(t2);
        } finally {
          conn.release();
        }
      } finally {
        await seedSql.end({ timeout: 5 });
      }
    }
    const [counts] = await sql<{ leads: number; visits: number; offers: number; orders: number; events: number }[]>`
      select (select count(*) from leads)::int as leads, (select count(*) from visits)::int as visits, (select count(*) from offers)::int as offers,
             (select count(*) from orders)::int as orders, (select count(*) from lead_events)::int as events`;
    console.log(`reports: ${Object.entries(counts!).map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(', ')} on ${describeUrl(base).split('/')[0]}` +
      (reuse ? ' (reused)' : ` (generated in ${(seedMs / 1000).toFixed(1)} s, indexes and analyze ${(indexMs / 1000).toFixed(1)} s, rollups counted in ${(rollupMs / 1000).toFixed(1)} s)`));

    const users: { who: string; user: AuthUser; scenarios: ReportFilterInput[] }[] = [
      { who: 'manager (1 of 5 teams)', user: { id: 'mgr-2', email: 'mgr-2@bench.test', name: 'Manager 2', role: 'manager', teamId: 'team-2' },
        scenarios: [{}, { from: day(new Date(NOW.getTime() - 90 * DAY)) }, { from: day(new Date(NOW.getTime() - 30 * DAY)) }, { rep: 'rep-9' }] },
      { who: 'ops (everything)', user: { id: 'bench-ops', email: 'ops@bench.test', name: 'Bench Ops', role: 'ops', teamId: null },
        scenarios: [{}, { from: day(new Date(NOW.getTime() - 90 * DAY)) }, { team: 'team-3' }, { rep: 'rep-17' }] },
    ];
    const dashboard = await import('../db/dashboard').catch((err: Error) => {
      console.log(`dashboard: db/dashboard.ts not loaded (${err.message.split('\n')[0]}); its widgets are not timed`);
      return null;
    });
    const widgetNames = ['funnel', 'lossReasons', 'salesCycle', 'salesVelocity', 'weightedForecast', 'stalledDeals', 'timeToClose', 'winRates'];
    const widgets = dashboard ? widgetNames.filter((w) => typeof (dashboard as Record<string, unknown>)[w] === 'function') : [];
    if (dashboard && widgets.length < widgetNames.length) console.log(`dashboard: not exported (skipped): ${widgetNames.filter((w) => !widgets.includes(w)).join(', ')}`);

    const rows: Row[] = [];
    const time = async (query: string, who: string, run: (i: number) => Promise<unknown>) => {
      await run(0); // warm the plan cache and the buffers once
      const times: number[] = [];
      let slowest: { ms: number; statements: Statement[] } = { ms: -1, statements: [] };
      for (let i = 0; i < RUNS; i++) {
        capture = [];
        const t0 = process.hrtime.bigint();
        await run(i);
        const t = ms(t0);
        times.push(t);
        if (t > slowest.ms) slowest = { ms: t, statements: capture };
        capture = null;
      }
      const p95 = percentile(times, 95);
      const met = p95 < GOAL_MS;
      const bound = met ? '' : await explainSlowest(sql, slowest.statements).catch((err: Error) => `explain failed: ${err.message}`);
      rows.push({ query, who, runs: RUNS, 'p50 ms': Number(percentile(times, 50).toFixed(1)), 'p95 ms': Number(p95.toFixed(1)), met: met ? 'yes' : 'NO', 'bound by (slowest statement, EXPLAIN ANALYZE)': bound });
      console.log(`  ${query} / ${who}: p95 ${p95.toFixed(1)} ms${met ? '' : `  ← ${bound}`}`);
    };

    for (const u of users) {
      const filters = await Promise.all(u.scenarios.map((q) => resolveFilters(sql, u.user, q, NOW)));
      for (const report of reportNames) {
        await time(`report ${report}`, u.who, (i) => runReport(sql, u.user, report, filters[i % filters.length]!, NOW));
      }
      if (dashboard) {
        const dfs = filters.map((f) => {
          const len = f.end.getTime() - f.start.getTime();
          return { viewer: { id: u.user.id, role: u.user.role, teamId: u.user.teamId }, start: f.start, end: f.end,
            prevStart: new Date(f.start.getTime() - len), prevEnd: f.start, team: f.team, rep: f.rep, now: NOW };
        });
        for (const w of widgets) {
          const fn = (dashboard as unknown as Record<string, (s: Sql, f: unknown) => Promise<unknown>>)[w]!;
          await time(`dashboard ${w}`, u.who, (i) => fn(sql, dfs[i % dfs.length]));
        }
      }
    }
    printTable(rows);
    const missed = rows.filter((r) => r.met !== 'yes');
    console.log(missed.length ? `${missed.length} of ${rows.length} queries miss p95 < ${GOAL_MS} ms` : `all ${rows.length} queries meet p95 < ${GOAL_MS} ms`);

    const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'reports.json'), `${JSON.stringify({
      benchmark: 'reports-and-dashboard', date: new Date().toISOString(), node: process.version, data: counts, generatedMs: seedMs, indexMs, rollupMs,
      runsPerQuery: RUNS, scenarios: Object.fromEntries(users.map((u) => [u.who, u.scenarios])), goalP95Ms: GOAL_MS, queries: rows,
      met: missed.length === 0,
    }, null, 2)}\n`);
  } finally {
    await sql.end({ timeout: 5 });
    if (keep) console.log(`kept database ${name} (BENCH_DB=${name} reuses it)`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}

await main();

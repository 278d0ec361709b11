/**
 * Lead finder speed on a realistic table: 100,000 leads (40 % visited, a third with an open task, 15 % with offers,
 * half with an account; 40 reps in 5 teams) in a fresh Postgres database. 20 random filter combinations, each sorted
 * and paginated, asked as an ops user, a manager and a rep through the real route (`app.inject`: validation, scope,
 * count, page, enrichment). Server time per request: median of 5 warm runs; the first (cold) run is shown too.
 * Goal: p95 < 150 ms. Then, when Chromium is there (CHROMIUM_PATH, default /usr/bin/chromium; `--no-browser` skips
 * it), the first paint of `/leads` in the built editor. Goal: < 1.5 s.
 * Run: `npx tsx bench/finder.ts` (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a database
 * `leadflow_bench_<random>` is created and dropped). Results go to bench/results/finder.json.
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { hashToken, newSecret } from '../api/auth/tokens';
import { createSql, describeUrl, type Sql } from '../db/client';
import { migrate } from '../db/migrate';
import { seededRandom } from '../db/seeded-random';
import { ensureDefaultPipeline } from '../db/pipelines';
import { ensureDefaultRuleSets } from '../db/rule-sets';
import { loadConfig } from '../runtime/config';
import { printTable } from './lib/table';

const LEADS = 100_000;
const ACCOUNTS = 5_000;
const TEAMS = 5;
const REPS_PER_TEAM = 8;
const COMBINATIONS = 20;
const WARM_RUNS = 5;
const GOAL_MS = 150;
const PAINT_GOAL_MS = 1500;
const NOW = new Date();

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};

/** Deterministic pseudo-random columns from the row number: fast bulk inserts, the same data every run. */
async function seed(sql: Sql): Promise<void> {
  await sql`insert into teams (id, name) select 'team-' || t, 'Team ' || t from generate_series(1, ${TEAMS}) t`;
  await sql`insert into users (id, email, name, role, team_id)
            select 'rep-' || r, 'rep-' || r || '@bench.test', 'Rep ' || r, 'rep', 'team-' || (1 + (r - 1) / ${REPS_PER_TEAM})
            from generate_series(1, ${TEAMS * REPS_PER_TEAM}) r`;
  await sql`insert into users (id, email, name, role, team_id) select 'mgr-' || t, 'mgr-' || t || '@bench.test', 'Manager ' || t, 'manager', 'team-' || t from generate_series(1, ${TEAMS}) t`;
  await sql`update teams set manager_id = 'mgr-' || substr(id, 6)`;
  await sql`insert into users (id, email, name, role, password_hash) values ('bench-ops', 'ops@bench.test', 'Bench Ops', 'ops', ${await hashPassword('bench-password-1')})`;
  await sql`insert into accounts (id, name, industry, company_size)
            select 'acc-' || i, 'Company ' || i, (array['Software','Manufacturing','Finance','Healthcare','Retail','Energy'])[1 + i % 6], 10 + (i * 37) % 5000
            from generate_series(1, ${ACCOUNTS}) i`;
  await sql`
    insert into leads (id, dedupe_key, source, status, stage, score, grade, owner_id, team_id, account_id, name, email, company, country, industry,
                       company_size, product_interest, pipeline_id, pipeline_version, created_at, updated_at)
    select 'lead-' || i, 'lead-' || i,
           (array['web','partner','import','manual'])[1 + abs(hashtext(i || ':src')) % 4],
           st.status, st.stage, sc.score, case when sc.score >= 70 then 'A' when sc.score >= 40 then 'B' else 'C' end,
           case when i % 33 = 0 then null else 'rep-' || (1 + abs(hashtext(i || ':own')) % ${TEAMS * REPS_PER_TEAM}) end,
           null,
           case when i % 2 = 0 then 'acc-' || (1 + i % ${ACCOUNTS}) end,
           (array['Anna','Ben','Clara','David','Eva','Finn','Greta','Hugo','Ida','Jan'])[1 + i % 10] || ' ' ||
             (array['Adler','Berg','Claus','Dahl','Engel','Fuchs','Graf','Horn','Imhof','Jung','Kraus','Lang'])[1 + (i / 10) % 12] || ' ' || i,
           'p' || i || '@' || (array['acme.com','gmail.com','example.org','gmx.de','corp.io'])[1 + abs(hashtext(i || ':mail')) % 5],
           'Company ' || (1 + i % ${ACCOUNTS}),
           (array['DE','AT','CH','SE','NO','NL','GB','FR','US','IT','ES'])[1 + abs(hashtext(i || ':c')) % 11],
           (array['Software','Manufacturing','Finance','Healthcare','Retail','Energy'])[1 + abs(hashtext(i || ':ind')) % 6],
           1 + (abs(hashtext(i || ':size')) % 2000) * (abs(hashtext(i || ':big')) % 7) / 6,
           (array['crm','analytics','cpq','support','other'])[1 + abs(hashtext(i || ':pi')) % 5],
           'default', 1,
           ${NOW}::timestamptz - make_interval(secs => (i::bigint * 104729) % (365 * 86400)),
           ${NOW}::timestamptz - make_interval(secs => (i::bigint * 7919) % (60 * 86400))
    from generate_series(1, ${LEADS}) i,
         lateral (select (array['captured','qualification','qualification','nurturing','offer','offer','won','lost'])[1 + abs(hashtext(i || ':st')) % 8] as stage) s,
         lateral (select s.stage, case s.stage when 'nurturing' then 'nurturing' when 'offer' then 'qualified' when 'won' then 'won' when 'lost' then 'lost' else 'open' end as status) st,
         lateral (select abs(hashtext(i || ':score')) % 100 as score) sc`;
  await sql`update leads l set team_id = u.team_id from users u where u.id = l.owner_id`;
  await sql`update leads set team_id = 'team-' || (1 + abs(hashtext(id)) % ${TEAMS}) where owner_id is null`;
  await sql`
    insert into visits (id, lead_id, rep_id, type, status, occurred_at)
    select 'v-' || i || '-' || k, 'lead-' || i, 'rep-' || (1 + i % ${TEAMS * REPS_PER_TEAM}), 'phone', 'contact',
           ${NOW}::timestamptz - make_interval(secs => ((i::bigint * 7919 + k * 86413) % (150 * 86400)))
    from generate_series(1, ${LEADS}) i, generate_series(1, 1 + i % 5) k
    where i % 5 < 2`;
  await sql`update leads l set last_visit_at = v.last from (select lead_id, max(occurred_at) as last from visits group by lead_id) v where v.lead_id = l.id`;
  await sql`
    insert into tasks (id, lead_id, owner_id, kind, title, due_at)
    select 't-' || i, 'lead-' || i, 'rep-' || (1 + i % ${TEAMS * REPS_PER_TEAM}), 'call', 'Call', ${NOW}::timestamptz + make_interval(hours => (i % 240) - 120)
    from generate_series(1, ${LEADS}) i where i % 3 = 0`;
  await sql`
    insert into offers (id, lead_id, version, status, total, created_at)
    select 'o-' || i || '-' || k, 'lead-' || i, k, (array['draft','sent','confirmed','accepted','renegotiated'])[1 + (i + k) % 5], 100 + (i % 90) * 50,
           ${NOW}::timestamptz - make_interval(days => 30 - k)
    from generate_series(1, ${LEADS}) i, generate_series(1, 1 + i % 2) k
    where i % 20 < 3`;
  // A table in use has been vacuumed (visibility map set, so counts can use index-only scans) and analysed.
  await sql`vacuum analyze`;
}


const day = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const filterPool: ((r: ReturnType<typeof seededRandom>) => Record<string, string>)[] = [
  (r) => ({ stage: r.pick(['qualification', 'nurturing', 'offer', 'captured']) }),
  (r) => ({ status: r.pick(['open', 'open,nurturing', 'qualified']) }),
  (r) => ({ grade: r.pick(['A', 'A,B', 'C']) }),
  (r) => ({ scoreMin: r.pick(['30', '50', '70']), scoreMax: '95' }),
  (r) => ({ source: r.pick(['web', 'partner', 'web,manual']) }),
  (r) => ({ country: r.pick(['DE', 'SE', 'FR', 'US']) }),
  (r) => ({ industry: r.pick(['Software', 'Retail', 'Energy']) }),
  (r) => ({ companySizeMin: r.pick(['100', '500']), companySizeMax: r.pick(['1000', '2000']) }),
  (r) => ({ productInterest: r.pick(['crm', 'cpq', 'analytics']) }),
  (r) => ({ createdFrom: day(r.pick([90, 180])), createdTo: day(r.pick([0, 30])) }),
  (r) => ({ lastContactBefore: day(r.pick([30, 60])) }),
  (r) => ({ lastContactAfter: day(r.pick([7, 30])) }),
  () => ({ neverContacted: 'true' }),
  () => ({ overdueTask: 'true' }),
  (r) => ({ accountId: `acc-${1 + Math.floor(r.next() * ACCOUNTS)}` }),
  (r) => ({ q: r.pick(['Berg', 'acme', 'Company 12', 'Greta']) }),
  () => ({ owner: 'unassigned' }),
];
const sorts = ['createdAt', 'updatedAt', 'name', 'company', 'score', 'grade', 'stage', 'lastContactAt', 'owner'];

async function bearer(sql: Sql, userId: string) {
  const token = newSecret('lft');
  await sql`insert into sessions (id, user_id, kind, expires_at) values (${hashToken(token)}, ${userId}, 'bearer', now() + interval '1 day')`;
  return { authorization: `Bearer ${token}` };
}

async function timeRoute(app: FastifyInstance, url: string, headers: Record<string, string>): Promise<{ ms: number; total: number }> {
  const t0 = process.hrtime.bigint();
  const res = await app.inject({ url, headers });
  const took = ms(t0);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return { ms: took, total: (res.json() as { total: number }).total };
}

/** First paint of /leads (and the first lead row on screen) in Chromium, signed in as ops with a session cookie. */
async function measurePaint(app: FastifyInstance, sql: Sql): Promise<Record<string, number> | { skipped: string }> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (process.argv.includes('--no-browser')) return { skipped: '--no-browser' };
  if (!existsSync(executablePath)) return { skipped: `no Chromium at ${executablePath} (set CHROMIUM_PATH)` };
  execSync('npm run build:editor --silent', { stdio: 'inherit' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ops@bench.test', password: 'bench-password-1' }) });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
  const [cookieName, cookieValue] = login.headers.getSetCookie()[0]!.split(';')[0]!.split('=') as [string, string];
  const [first] = await sql<{ name: string }[]>`select name from leads order by created_at desc, id desc limit 1`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([{ name: cookieName, value: cookieValue, url: base }]);
    const page = await context.newPage();
    const paints: number[] = [];
    const rows: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t0 = Date.now();
      await page.goto(`${base}/leads`, { waitUntil: 'commit' });
      await page.getByText(first!.name, { exact: false }).first().waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
        const shot = join(dirname(fileURLToPath(import.meta.url)), 'results', 'finder-leads-page.png');
        await page.screenshot({ path: shot });
        throw new Error(`the newest lead "${first!.name}" did not show on /leads (screenshot: ${shot}): ${err.message.split('\n')[0]}`);
      });
      rows.push(Date.now() - t0);
      paints.push(await page.evaluate('performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1') as number);
    }
    return { firstContentfulPaintMsBest: Math.min(...paints), firstLeadRowMsBest: Math.min(...rows), firstLeadRowMsMean: rows.reduce((a, b) => a + b, 0) / rows.length };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  // BENCH_DB=<name> reuses a database a run with --keep left behind (no seeding); --keep does not drop it.
  const reuse = process.env.BENCH_DB;
  const keep = process.argv.includes('--keep') || !!reuse;
  const name = reuse ?? `leadflow_bench_${randomBytes(4).toString('hex')}`;
  const admin = createSql(base, { max: 1 });
  if (!reuse) await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  // Seeding runs long statements; the app's pool keeps the default statement timeout, as in production.
  const seedSql = createSql(url.toString(), { max: 2, timeouts: { statementTimeoutMs: 600_000 } });
  const sql = createSql(url.toString(), { max: 10 });
  let app: FastifyInstance | undefined;
  try {
    await migrate(seedSql);
    const t0 = process.hrtime.bigint();
    if (!reuse) {
      await ensureDefaultRuleSets(seedSql);
      await ensureDefaultPipeline(seedSql);
      await seed(seedSql);
    }
    const seedMs = ms(t0);
    await seedSql.end({ timeout: 5 });
    const [counts] = await sql<{ leads: number; visits: number; tasks: number; offers: number }[]>`
      select (select count(*) from leads)::int as leads, (select count(*) from visits)::int as visits, (select count(*) from tasks)::int as tasks, (select count(*) from offers)::int as offers`;

    const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' });
    // The finder never talks to Temporal: a lazy connection that is never used.
    app = await buildApp({ sql, temporal: new Client({ connection: Connection.lazy({ address: config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) }), config });
    const users = [
      { who: 'ops', headers: await bearer(sql, 'bench-ops') },
      { who: 'manager', headers: await bearer(sql, 'mgr-2') },
      { who: 'rep', headers: await bearer(sql, 'rep-7') },
    ];
    const r = seededRandom(150); // the same 20 questions on every run
    const rows: { '#': number; user: string; query: string; matches: number; 'cold ms': number; 'warm ms (median)': number }[] = [];
    for (let i = 0; i < COMBINATIONS; i++) {
      const filters: Record<string, string> = {};
      const n = 1 + Math.floor(r.next() * 3);
      for (let k = 0; k < n; k++) Object.assign(filters, r.pick(filterPool)(r));
      const params = new URLSearchParams({ ...filters, sort: r.pick(sorts), order: r.pick(['asc', 'desc']), limit: '50', offset: String(r.pick([0, 0, 50, 200])) });
      const user = users[i % users.length]!;
      const path = `/api/leads?${params}`;
      const cold = await timeRoute(app, path, user.headers);
      const warm: number[] = [];
      for (let k = 0; k < WARM_RUNS; k++) warm.push((await timeRoute(app, path, user.headers)).ms);
      rows.push({ '#': i + 1, user: user.who, query: decodeURIComponent(params.toString()), matches: cold.total, 'cold ms': Number(cold.ms.toFixed(1)), 'warm ms (median)': Number(percentile(warm, 50).toFixed(1)) });
    }
    const warmP95 = percentile(rows.map((x) => x['warm ms (median)']), 95);
    const coldP95 = percentile(rows.map((x) => x['cold ms']), 95);
    console.log(`finder: ${counts!.leads.toLocaleString('en-US')} leads, ${counts!.visits.toLocaleString('en-US')} visits, ${counts!.tasks.toLocaleString('en-US')} tasks, ` +
      `${counts!.offers.toLocaleString('en-US')} offers on ${describeUrl(base).split('/')[0]} (seeded in ${(seedMs / 1000).toFixed(1)} s)`);
    printTable(rows);
    const summary = [
      { metric: 'finder p95, warm (median of 5 per combination)', ms: Number(warmP95.toFixed(1)), goal: GOAL_MS, met: warmP95 < GOAL_MS ? 'yes' : 'NO' },
      { metric: 'finder p95, cold (first request per combination)', ms: Number(coldP95.toFixed(1)), goal: GOAL_MS, met: coldP95 < GOAL_MS ? 'yes' : 'NO' },
    ];
    const paint = await measurePaint(app, sql);
    if ('skipped' in paint) console.log(`first paint of /leads: skipped (${paint.skipped})`);
    else {
      summary.push({ metric: 'first contentful paint of /leads', ms: Math.round(paint.firstContentfulPaintMsBest!), goal: PAINT_GOAL_MS, met: paint.firstContentfulPaintMsBest! < PAINT_GOAL_MS ? 'yes' : 'NO' });
      summary.push({ metric: 'first lead row of /leads on screen', ms: Math.round(paint.firstLeadRowMsBest!), goal: PAINT_GOAL_MS, met: paint.firstLeadRowMsBest! < PAINT_GOAL_MS ? 'yes' : 'NO' });
    }
    printTable(summary);

    const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'finder.json'), `${JSON.stringify({
      benchmark: 'lead-finder', date: new Date().toISOString(), node: process.version, data: counts, combinations: rows,
      p95WarmMs: warmP95, p95ColdMs: coldP95, goalMs: GOAL_MS, met: warmP95 < GOAL_MS, paint, paintGoalMs: PAINT_GOAL_MS,
    }, null, 2)}\n`);
  } finally {
    await app?.close();
    await sql.end({ timeout: 5 });
    if (keep) console.log(`kept database ${name} (BENCH_DB=${name} reuses it)`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}

await main();

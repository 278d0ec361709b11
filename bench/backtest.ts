/**
 * Backtest speed on a realistic table: 100,000 leads (40 % visited, 15 % with offers, half with an account)
 * in a fresh Postgres database, a modified draft of the default scoring pack against the published pack,
 * over every lead: facts fetch (one statement per 10,000 leads) + compiled evaluation of both + diff.
 * Goal: under 2 s. Run: `npx tsx bench/backtest.ts` (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 * a database `leadflow_bench_<random>` is created and dropped). Results go to bench/results/backtest.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtest } from '../api/rule-sets/backtest';
import { createSql, describeUrl, type Sql } from '../db/client';
import { leadFactsBatch } from '../db/lead-facts';
import { migrate } from '../db/migrate';
import { ensureDefaultRuleSets, getPublishedRuleSet } from '../db/rule-sets';
import { packs, validateRuleSet, type RuleSetDocument } from '../rules';
import { printTable } from './lib/table';

const LEADS = 100_000;
const ACCOUNTS = 5_000;
const NOW = new Date('2025-06-01T00:00:00Z');

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** Deterministic pseudo-random columns from the row number: fast bulk inserts, the same data every run. */
async function seed(sql: Sql): Promise<void> {
  await sql`insert into accounts (id, name, importance)
            select 'acc-' || i, 'Account ' || i, (array['A','B','C','C'])[1 + i % 4] from generate_series(1, ${ACCOUNTS}) i`;
  await sql`
    insert into leads (id, dedupe_key, source, status, stage, name, email, phone, country, company_size, industry, job_title,
                       account_id, pipeline_id, pipeline_version, form_submissions, email_opens, created_at)
    select 'lead-' || i, 'lead-' || i,
           (array['web','partner','import','manual'])[1 + abs(hashtext(i || ':7')) % 4],
           (array['open','open','nurturing','qualified','won','lost'])[1 + abs(hashtext(i || ':11')) % 6],
           (array['new','contacted','qualified','nurturing','offer'])[1 + abs(hashtext(i || ':13')) % 5],
           'Lead ' || i,
           'p' || i || '@' || (array['acme.com','gmail.com','example.org','gmx.de','corp.io'])[1 + abs(hashtext(i || ':17')) % 5],
           case when abs(hashtext(i || ':phone')) % 5 < 3 then '+49 ' || i end,
           (array['DE','AT','CH','SE','NO','NL','GB','FR','US','IT','ES'])[1 + abs(hashtext(i || ':19')) % 11],
           1 + (abs(hashtext(i || ':size')) % 2000) * (abs(hashtext(i || ':big')) % 7) / 6,
           (array['software','manufacturing','finance','healthcare','education','non-profit','retail'])[1 + abs(hashtext(i || ':23')) % 7],
           (array['CEO','Head of Sales','IT Director','Developer','Student','Marketing Intern','Buyer','VP Engineering'])[1 + abs(hashtext(i || ':29')) % 8],
           case when i % 2 = 0 then 'acc-' || (1 + i % ${ACCOUNTS}) end,
           'default', 1, abs(hashtext(i || ':forms')) % 5, abs(hashtext(i || ':opens')) % 10,
           ${NOW}::timestamptz - make_interval(secs => (i::bigint * 104729) % (180 * 86400))
    from generate_series(1, ${LEADS}) i`;
  await sql`
    insert into visits (id, lead_id, type, status, occurred_at)
    select 'v-' || i || '-' || k, 'lead-' || i, 'phone', 'contact',
           ${NOW}::timestamptz - make_interval(secs => ((i * 7 + k * 86413) % (150 * 86400)))
    from generate_series(1, ${LEADS}) i, generate_series(1, 1 + i % 5) k
    where i % 5 < 2`;
  await sql`
    insert into offers (id, lead_id, version, status, created_at)
    select 'o-' || i || '-' || k, 'lead-' || i, k,
           (array['draft','sent','confirmed','in_follow_up','renegotiated','accepted','rejected','postponed'])[1 + (i + k) % 8],
           ${NOW}::timestamptz - make_interval(days => 30 - k)
    from generate_series(1, ${LEADS}) i, generate_series(1, 1 + i % 2) k
    where i % 20 < 3`;
  await sql`analyze`;
}

/** The draft ops are trying: phones worth more, no penalty for free mail, a new rule for big DACH companies. */
function modifiedDraft(): RuleSetDocument {
  const doc = structuredClone(packs.scoring);
  doc.rules = doc.rules.filter((r) => r.name !== 'free-mail-domain');
  const phone = doc.rules.find((r) => r.name === 'has-phone')!;
  phone.event.params.points = 12;
  doc.rules.push({
    name: 'big-dach', priority: 1,
    conditions: { all: [{ fact: 'country', operator: 'inTerritory', value: ['DACH'] }, { fact: 'companySize', operator: 'greaterThan', value: 1000 }] },
    event: { type: 'score', params: { points: 10 } },
  });
  const checked = validateRuleSet(doc);
  if (!checked.ok) throw new Error(`bench draft is invalid: ${JSON.stringify(checked.problems)}`);
  return checked.doc;
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `leadflow_bench_${randomBytes(4).toString('hex')}`;
  const admin = createSql(base, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  // Seeding 100,000 leads runs statements longer than the app's default statement timeout.
  const sql = createSql(url.toString(), { max: 4, timeouts: { statementTimeoutMs: 600_000 } });
  try {
    await migrate(sql);
    let t0 = process.hrtime.bigint();
    await seed(sql);
    const seedSeconds = seconds(t0);
    const [counts] = await sql<{ leads: number; visits: number; offers: number }[]>`
      select (select count(*) from leads)::int as leads, (select count(*) from visits)::int as visits, (select count(*) from offers)::int as offers`;
    await ensureDefaultRuleSets(sql);
    const published = (await getPublishedRuleSet(sql, 'scoring-default'))!;
    const draft = modifiedDraft();

    t0 = process.hrtime.bigint();
    const factsOnly = await leadFactsBatch(sql, { now: NOW });
    const factsSeconds = seconds(t0);

    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await backtest(sql, published.document, draft, { now: NOW }));
    const first = runs[0]!;
    const best = runs.reduce((a, b) => (b.seconds.total < a.seconds.total ? b : a));
    const rate = (s: number) => Math.round(counts!.leads / s);
    const rows = [
      { phase: 'seed (bulk insert + analyze)', seconds: seedSeconds, 'leads/s': rate(seedSeconds) },
      { phase: 'facts only (leadFactsBatch)', seconds: factsSeconds, 'leads/s': rate(factsSeconds) },
      { phase: 'backtest, first run: facts', seconds: first.seconds.facts, 'leads/s': rate(first.seconds.facts) },
      { phase: 'backtest, first run: evaluate ×2 + diff', seconds: first.seconds.evaluate, 'leads/s': rate(first.seconds.evaluate) },
      { phase: 'backtest, first run: total', seconds: first.seconds.total, 'leads/s': rate(first.seconds.total) },
      ...runs.slice(1).map((r, i) => ({ phase: `backtest, run ${i + 2}: total`, seconds: r.seconds.total, 'leads/s': rate(r.seconds.total) })),
      { phase: 'backtest, best of 3: total', seconds: best.seconds.total, 'leads/s': rate(best.seconds.total) },
    ].map((r) => ({ ...r, seconds: Number(r.seconds.toFixed(3)) }));

    console.log(`backtest: ${counts!.leads.toLocaleString('en-US')} leads, ${counts!.visits.toLocaleString('en-US')} visits, ` +
      `${counts!.offers.toLocaleString('en-US')} offers on ${describeUrl(base).split('/')[0]}; draft vs "${published.document.name}" v${published.version}`);
    printTable(rows);
    console.log(`changed: ${first.changed.toLocaleString('en-US')} leads (${JSON.stringify(first.counts)}), facts rows ${factsOnly.length.toLocaleString('en-US')}; ` +
      `goal < 2 s: ${first.seconds.total < 2 ? 'met' : 'MISSED'} (first run ${first.seconds.total.toFixed(2)} s)`);

    const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'backtest.json'), `${JSON.stringify({
      benchmark: 'backtest-scoring', date: new Date().toISOString(), node: process.version, data: counts,
      rules: { published: published.document.rules.length, draft: draft.rules.length },
      results: rows, changed: first.changed, counts: first.counts, goalSeconds: 2, met: first.seconds.total < 2,
    }, null, 2)}\n`);
  } finally {
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}

await main();

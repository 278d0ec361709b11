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
import { backtest } from '../../api/rule-sets/backtest';
import { createSql, describeUrl, type Sql } from '../../db/client';
import { leadFactsBatch } from '../../db/lead-facts';
import { migrate } from '../../db/migrate';
import { ensureDefaultRuleSets, getPublishedRuleSet } from '../../db/rule-sets';
import { packs, validateRuleSet, type RuleSetDocument } from '../../rules';
import { printTable } from '../lib/table';

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


const admin = createSql('postgres://postgres@127.0.0.1:5432/test', { max: 1 });
await admin.unsafe('drop database if exists leadflow_bench_inv with (force)');
await admin.unsafe('create database leadflow_bench_inv');
const sql = createSql('postgres://postgres@127.0.0.1:5432/leadflow_bench_inv', { max: 4 });
await migrate(sql);
await seed(sql);
await sql.end();
await admin.end();
void backtest; void leadFactsBatch; void ensureDefaultRuleSets; void getPublishedRuleSet; void modifiedDraft; void randomBytes; void mkdirSync; void writeFileSync; void join; void dirname; void fileURLToPath; void printTable; void describeUrl; void seconds;

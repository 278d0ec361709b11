/**
 * Configure, price, quote through the API over HTTP: a 20-line configuration (20 products with options, 2 000 seats
 * in all) checked and priced against a published configurator rule set of 50 rules (35 requires / excludes / range
 * rules, 15 volume, bundle, contract-length and segment price rules) and a price list of 80 prices, for a lead of a
 * mid-market company. `POST /api/pricing/quote` on a real socket (fetch), 30 warm-up requests, then 300 timed ones.
 * Goal: p95 < 20 ms.
 * Run: `npx tsx bench/cpq.ts` (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a database
 * `leadflow_bench_<random>` is created and dropped). Results go to bench/results/cpq.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app';
import { hashToken, newSecret } from '../api/auth/tokens';
import { savePriceList, saveProduct } from '../db/catalog';
import { createSql, describeUrl } from '../db/client';
import { migrate } from '../db/migrate';
import { publishRuleSet } from '../db/rule-sets';
import { validateRuleSet } from '../rules/validate';
import { loadConfig } from '../runtime/config';
import { printTable } from './lib/table';

const PRODUCTS = 20;
const WARMUP = 30;
const RUNS = 300;
const GOAL_MS = 20;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};
const pid = (i: number) => `product-${i}`;

/** Counts the statements the pool sends (postgres.js calls its `debug` hook once per statement written). */
function countStatements(sql: ReturnType<typeof createSql>) {
  const options = (sql as unknown as { options: { debug?: unknown } }).options;
  const byText = new Map<string, number>();
  let total = 0;
  options.debug = (_connection: number, query: string) => {
    total++;
    const key = query.replace(/\s+/g, ' ').trim().slice(0, 90);
    byText.set(key, (byText.get(key) ?? 0) + 1);
  };
  return {
    get total() { return total; },
    top: (n: number) => [...byText].sort((a, b) => b[1] - a[1]).slice(0, n),
    stop: () => { options.debug = false; },
  };
}

/** 50 rules over 20 products: each product's requires / excludes / range, a few cross-product ones, and price rules. */
function ruleSet() {
  const rules: unknown[] = [];
  for (let i = 0; i < PRODUCTS; i++) {
    rules.push({ name: `p${i}-range`, conditions: { all: [{ fact: 'product', operator: 'equal', value: pid(i) }, { not: { fact: 'quantity', operator: 'between', value: [1, 5000] } }] },
      event: { type: 'violation', params: { violation: `${pid(i)} is sold for 1 to 5,000 seats.` } } });
  }
  for (let i = 0; i < 10; i++) {
    rules.push({ name: `p${i}-excludes`, conditions: { all: [{ fact: 'product', operator: 'equal', value: pid(i) }, { fact: 'options', operator: 'containsAll', value: ['a', 'c'] }] },
      event: { type: 'violation', params: { violation: `Options a and c of ${pid(i)} exclude each other.` } } });
  }
  for (let i = 0; i < 5; i++) {
    rules.push({ name: `p${i + 10}-requires`, conditions: { all: [{ fact: 'product', operator: 'equal', value: pid(i + 10) }, { fact: 'products', operator: 'doesNotContain', value: pid(i) }] },
      event: { type: 'violation', params: { violation: `${pid(i + 10)} requires ${pid(i)}.` } } });
  }
  for (let i = 0; i < 10; i++) {
    rules.push({ name: `volume-${i}`, conditions: { all: [{ fact: 'product', operator: 'equal', value: pid(i) }, { fact: 'quantity', operator: 'greaterThanInclusive', value: 100 }] },
      event: { type: 'priceAdjustment', params: { priceAdjustment: { percent: -5, label: `Volume ${pid(i)}` } } } });
  }
  rules.push({ name: 'bundle', conditions: { all: [{ fact: 'products', operator: 'containsAll', value: [pid(0), pid(1)] }] }, event: { type: 'priceAdjustment', params: { priceAdjustment: { percent: -3, label: 'Bundle' } } } });
  rules.push({ name: 'contract-24', conditions: { all: [{ fact: 'contractMonths', operator: 'equal', value: 24 }] }, event: { type: 'priceAdjustment', params: { priceAdjustment: { percent: -4, label: '2 years' } } } });
  rules.push({ name: 'contract-36', conditions: { all: [{ fact: 'contractMonths', operator: 'equal', value: 36 }] }, event: { type: 'priceAdjustment', params: { priceAdjustment: { percent: -8, label: '3 years' } } } });
  rules.push({ name: 'segment-smb', conditions: { all: [{ fact: 'segment', operator: 'equal', value: 'smb' }] }, event: { type: 'priceAdjustment', params: { priceAdjustment: { percent: -5, label: 'Small business' } } } });
  rules.push({ name: 'setup-fee', conditions: { all: [{ fact: 'options', operator: 'contains', value: 'b' }, { fact: 'product', operator: 'equal', value: pid(19) }] }, event: { type: 'priceAdjustment', params: { priceAdjustment: { amount: 500, label: 'Set-up' } } } });
  return { name: 'Bench catalog', kind: 'configurator', rules };
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `leadflow_bench_${randomBytes(4).toString('hex')}`;
  const admin = createSql(base, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const sql = createSql(url.toString(), { max: 10 });
  let app: FastifyInstance | undefined;
  try {
    await migrate(sql);
    const doc = validateRuleSet(ruleSet());
    if (!doc.ok) throw new Error(`bench rule set: ${JSON.stringify(doc.problems[0])}`);
    if (doc.doc.rules.length !== 50) throw new Error(`expected 50 rules, got ${doc.doc.rules.length}`);
    await publishRuleSet(sql, 'configurator-bench', doc.doc, null, 'bench');
    const prices: { productId: string; optionCode: string; unitPrice: number }[] = [];
    for (let i = 0; i < PRODUCTS; i++) {
      await saveProduct(sql, { id: pid(i), name: `Product ${i}`, description: '', unit: 'seat', attributes: {}, archived: false,
        options: ['a', 'b', 'c'].map((code) => ({ code, name: `Option ${code}`, group: null, archived: false })) });
      prices.push({ productId: pid(i), optionCode: '', unitPrice: 20 + i }, ...['a', 'b', 'c'].map((o, k) => ({ productId: pid(i), optionCode: o, unitPrice: 2 + k })));
    }
    await savePriceList(sql, { id: 'bench-list', name: 'Bench', currency: 'EUR', validFrom: null, validTo: null, maxDiscountPct: 30, ruleSetId: 'configurator-bench', archived: false, items: prices });
    await sql`insert into users (id, email, name, role) values ('bench-rep', 'rep@bench.test', 'Bench Rep', 'rep')`;
    await sql`insert into leads (id, dedupe_key, source, status, stage, owner_id, name, company, company_size, pipeline_id, pipeline_version)
              values ('bench-lead', 'bench-lead', 'web', 'qualified', 'offer', 'bench-rep', 'Bench Lead', 'Bench GmbH', 400, 'default', 1)`;
    const token = newSecret('lft');
    await sql`insert into sessions (id, user_id, kind, expires_at) values (${hashToken(token)}, 'bench-rep', 'bearer', now() + interval '1 hour')`;

    const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' });
    // Quotes never talk to Temporal: a lazy connection that is never used.
    app = await buildApp({ sql, temporal: new Client({ connection: Connection.lazy({ address: config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) }), config });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/pricing/quote`;
    const body = JSON.stringify({ leadId: 'bench-lead', configuration: {
      contractMonths: 36,
      items: Array.from({ length: PRODUCTS }, (_, i) => ({ productId: pid(i), options: i % 2 ? ['a', 'b'] : ['b'], quantity: 50 + i * 5 })),
    } });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const call = async () => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(endpoint, { method: 'POST', headers, body });
      const json = await res.json() as { valid: boolean; lines: unknown[]; total: number };
      const took = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200) throw new Error(`quote answered ${res.status}: ${JSON.stringify(json)}`);
      return { took, json };
    };
    const first = await call();
    for (let i = 0; i < WARMUP; i++) await call();
    // Statements per quote (session lookup included), counted over 20 quotes outside the timed runs.
    const counter = countStatements(sql);
    for (let i = 0; i < 20; i++) await call();
    counter.stop();
    const perQuote = counter.total / 20;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push((await call()).took);
    const p95 = percentile(times, 95);
    console.log(`cpq: ${PRODUCTS}-line configuration, 50-rule configurator set, ${prices.length} prices, on ${describeUrl(base).split('/')[0]}; ` +
      `quote valid: ${first.json.valid}, ${first.json.lines.length} priced lines, total ${first.json.total}`);
    console.log(`statements per quote: ${perQuote} (${counter.top(8).map(([q, n]) => `${n / 20}× ${q.slice(0, 60)}`).join('; ')})`);
    const rows = [
      { metric: 'first request (cold caches)', ms: Number(first.took.toFixed(2)) },
      { metric: 'p50', ms: Number(percentile(times, 50).toFixed(2)) },
      { metric: 'p95', ms: Number(p95.toFixed(2)) },
      { metric: 'p99', ms: Number(percentile(times, 99).toFixed(2)) },
      { metric: 'max', ms: Number(Math.max(...times).toFixed(2)) },
    ];
    printTable(rows);
    console.log(`goal: p95 < ${GOAL_MS} ms: ${p95 < GOAL_MS ? 'met' : 'NOT met'}`);
    const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'cpq.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), lines: PRODUCTS, rules: 50, prices: prices.length, runs: RUNS, warmup: WARMUP, valid: first.json.valid,
      pricedLines: first.json.lines.length, statementsPerQuote: perQuote, results: rows, goalMs: GOAL_MS, p95Ms: Number(p95.toFixed(2)), met: p95 < GOAL_MS }, null, 2)}\n`);
  } finally {
    await app?.close();
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}

await main();

// bench/lifecycle: N leads captured concurrently through the API on the embedded stack (dev server + PGlite),
// against the rate of bare workflow starts on the same server in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smokeWorkflow } from '../engine/smoke/workflow';
import { loadConfig } from '../runtime/config';
import { startSystem } from '../runtime/system';
import { freePort } from '../runtime/temporal-dev-server';
import { connectClient } from '../runtime/temporal-connect';
import { printTable } from './lib/table';

const N = Number(process.env.BENCH_LEADS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Arrival rate of the open-loop phase (leads/s): how a web form is really hit, one request per arrival. */
const RATE = Number(process.env.BENCH_RATE ?? 10);
const OPEN_N = Number(process.env.BENCH_OPEN_LEADS ?? 150);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

/** capture->assigned latencies (ms) of the leads whose e-mail matches `pattern`, once `expected` are assigned. */
async function waitForAssigned(system: Awaited<ReturnType<typeof startSystem>>, pattern: string, expected: number): Promise<number[]> {
  const deadline = Date.now() + 180_000;
  let lat: number[] = [];
  while (Date.now() < deadline) {
    const rows = await system.db.sql<{ ms: number }[]>`
      select extract(epoch from (e.at - l.created_at)) * 1000 as ms from leads l join lead_events e on e.lead_id = l.id and e.type = 'assigned'
      where l.email like ${pattern}`;
    lat = rows.map((r) => Number(r.ms));
    if (lat.length >= expected) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return lat;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadflow-bench-'));
  const port = await freePort();
  const dbUrl = process.env.BENCH_DATABASE_URL ?? '';
  const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl, TEMPORAL_ADDRESS: '', DATA_DIR: dataDir, PORT: String(port), TEMPORAL_DEV_PORT: String(await freePort()), TEMPORAL_UI_PORT: '0', LOG_LEVEL: 'warn', TEMPORAL_TASK_QUEUE: 'bench', PUBLIC_RATE_LIMIT: '1000000' });
  const system = await startSystem(config, { temporal: true, worker: true, api: true, demo: true }, () => undefined);
  const base = `http://127.0.0.1:${port}`;
  try {
    // Warm up (bundle caches, JIT, connections).
    await pool(20, 4, (i) => fetch(`${base}/api/leads/web-form`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `Warm ${i}`, email: `warm${i}@bench-warm.de`, country: 'DE' }) }));

    // Open loop: leads arrive at RATE per second whatever the answers take (a closed loop of 32 clients would
    // measure queueing in front of the server rather than the time to accept one lead).
    const openAccept: number[] = [];
    const openStarted = performance.now();
    await Promise.all(Array.from({ length: OPEN_N }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * 1000) / RATE));
      const t0 = performance.now();
      await fetch(`${base}/api/leads/web-form`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Open Lead ${i}`, email: `open${i}@bench-open-${i % 40}.de`, company: `Open ${i % 40} AG`, country: ['DE', 'SE', 'FR'][i % 3], productInterest: 'analytics' }),
      });
      openAccept.push(performance.now() - t0);
    }));
    const openSeconds = (performance.now() - openStarted) / 1000;
    const openLat = await waitForAssigned(system, 'open%@bench-open-%', OPEN_N);

    // Let the open-loop leads finish their first steps before the burst.
    await new Promise((r) => setTimeout(r, 5000));

    const accept: number[] = [];
    const started = performance.now();
    const results = await pool(N, CONCURRENCY, async (i) => {
      const t0 = performance.now();
      const r = await fetch(`${base}/api/leads/web-form`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.${i >> 8}.${i & 255}` },
        body: JSON.stringify({ name: `Bench Lead ${i}`, email: `lead${i}@bench-${i % 50}.de`, company: `Bench ${i % 50} GmbH`, country: ['DE', 'AT', 'SE', 'FR', 'NL'][i % 5], productInterest: 'crm', companySize: 50 + i }),
      });
      accept.push(performance.now() - t0);
      return r.status;
    });
    const acceptSeconds = (performance.now() - started) / 1000;
    const accepted = results.filter((s) => s === 202).length;
    if (accepted !== N) console.warn(`only ${accepted}/${N} captures were accepted (statuses: ${[...new Set(results)].join(', ')}); the public rate limit may apply`);

    // capture -> assigned: from the API's capture time (the lead's created_at) to its "assigned" event.
    const lat = await waitForAssigned(system, 'lead%@bench-%', accepted);
    const allDone = (performance.now() - started) / 1000;

    // Bare workflow starts on the same server, same concurrency.
    const temporal = await connectClient(system.temporalAddress, config.TEMPORAL_NAMESPACE);
    const t1 = performance.now();
    await pool(N, CONCURRENCY, (i) => temporal.client.workflow.start(smokeWorkflow, { taskQueue: 'bench-bare-no-worker', workflowId: `bare-${i}-${Date.now()}`, args: [{ note: 'bare' }] }));
    const bareSeconds = (performance.now() - t1) / 1000;
    await temporal.close();

    const leadsPerSec = accepted / acceptSeconds;
    const startsPerSec = N / bareSeconds;
    const rows = [
      { measure: 'accepted leads/s (API, web form)', value: Math.round(leadsPerSec), goal: '>= 100' },
      { measure: 'bare workflow starts/s (same server)', value: Math.round(startsPerSec), goal: '' },
      { measure: 'ratio leads/s : starts/s', value: Number((leadsPerSec / startsPerSec).toFixed(2)), goal: '>= 0.6' },
      { measure: 'accept latency p50 (ms)', value: Number(pct(accept, 50).toFixed(1)), goal: '' },
      { measure: 'accept latency p99 (ms)', value: Number(pct(accept, 99).toFixed(1)), goal: '< 50' },
      { measure: 'capture->assigned p50 (ms)', value: Number(pct(lat, 50).toFixed(0)), goal: '' },
      { measure: 'capture->assigned p99 (ms)', value: Number(pct(lat, 99).toFixed(0)), goal: '< 1000' },
      { measure: 'leads assigned', value: lat.length, goal: `${accepted}` },
      { measure: 'all assigned after (s)', value: Number(allDone.toFixed(2)), goal: '' },
      { measure: `open loop: ${OPEN_N} leads arriving at ${RATE}/s, accept p50 (ms)`, value: Number(pct(openAccept, 50).toFixed(1)), goal: '' },
      { measure: `open loop: accept p99 (ms)`, value: Number(pct(openAccept, 99).toFixed(1)), goal: '< 50' },
      { measure: `open loop: capture->assigned p50 (ms)`, value: Number(pct(openLat, 50).toFixed(0)), goal: '' },
      { measure: `open loop: capture->assigned p99 (ms)`, value: Number(pct(openLat, 99).toFixed(0)), goal: '< 1000' },
      { measure: `open loop: achieved arrival rate (leads/s)`, value: Number((OPEN_N / openSeconds).toFixed(1)), goal: '' },
    ];
    console.log(`\nbench/lifecycle: ${N} leads, concurrency ${CONCURRENCY}, embedded Temporal dev server + ${dbUrl ? 'Postgres server' : 'PGlite'}\n`);
    printTable(rows);
    mkdirSync(join('bench', 'results'), { recursive: true });
    writeFileSync(join('bench', 'results', dbUrl ? 'lifecycle-postgres.json' : 'lifecycle.json'), JSON.stringify({ n: N, concurrency: CONCURRENCY, database: dbUrl ? 'postgres' : 'pglite', at: new Date().toISOString(), rows }, null, 2));
  } finally {
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});

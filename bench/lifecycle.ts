// bench/lifecycle: leads captured through the API on the embedded stack (dev server + PGlite), side by side with bare
// workflow starts on the same server in the same run; prints the goals of the throughput issue and where a lead's
// time and work go (workflow tasks, local activities and activities from the history, SQL statements, mails, the
// capture dispatcher), and for every goal missed what bounded it in the same run (PGlite busy fraction and
// statements/s, the API's waits for a PGlite turn, CPU per process: API, worker, PGlite, Temporal).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { smokeWorkflow } from '../engine/smoke/workflow';
import { loadConfig } from '../runtime/config';
import { startSystem } from '../runtime/system';
import { freePort } from '../runtime/temporal-dev-server';
import { connectClient } from '../runtime/temporal-connect';
import { countStatements } from './lib/sql-count';
import { printTable } from './lib/table';
import { historyBreakdown, pct, pool } from './lib/lead-load';
import { acceptReason, cpuFigure, goalMet, startWindow, throughputReason } from './lib/bounds';

/** Burst size: a campaign or a list import. */
const N = Number(process.env.BENCH_LEADS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Arrival rate of the open-loop phase (leads/s): how a web form is really hit, one request per arrival. */
const RATE = Number(process.env.BENCH_RATE ?? 20);
const OPEN_N = Number(process.env.BENCH_OPEN_LEADS ?? 200);
/** BENCH_PROFILE=1 also prints the most frequent SQL statements of the burst. */
const PROFILE = process.env.BENCH_PROFILE === '1';

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadflow-bench-'));
  const port = await freePort();
  const dbUrl = process.env.BENCH_DATABASE_URL ?? '';
  // In process.env too: the worker process reads its configuration (task queue, log level) from it.
  Object.assign(process.env, { DATABASE_URL: dbUrl, TEMPORAL_ADDRESS: '', DATA_DIR: dataDir, PORT: String(port), TEMPORAL_DEV_PORT: String(await freePort()), TEMPORAL_UI_PORT: '0', LOG_LEVEL: 'warn', TEMPORAL_TASK_QUEUE: 'bench', PUBLIC_RATE_LIMIT: '1000000' });
  const config = loadConfig(process.env);
  // As under npm start: on the embedded stack the worker runs in a process of its own (its statements are counted by
  // the PGlite server); against a Postgres server in this one, so the statement counter sees them.
  const system = await startSystem(config, { temporal: true, worker: dbUrl ? true : 'process', api: true, demo: true }, () => undefined);
  const temporalPid = (() => {
    try {
      return (JSON.parse(readFileSync(join(dataDir, 'temporal.pid'), 'utf8')) as { pid?: number }).pid;
    } catch {
      return undefined;
    }
  })();
  const procs = [
    { name: 'API', pid: process.pid }, ...(system.workerProcess ? [{ name: 'worker', pid: system.workerProcess.pid }] : []),
    ...(system.db.embeddedServer ? [{ name: 'PGlite', pid: system.db.embeddedServer.pid }] : []), { name: 'Temporal', pid: temporalPid },
  ];
  const pgliteStats = system.db.embeddedServer ? () => system.db.embeddedServer!.stats() : undefined;
  const base = `http://127.0.0.1:${port}`;
  const sql = system.db.sql;
  const post = (body: Record<string, unknown>, i: number) => fetch(`${base}/api/leads/web-form`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, body: JSON.stringify(body),
  });
  /** capture->assigned latencies (ms) of the leads whose e-mail matches `pattern`, once `expected` are assigned. */
  const waitForAssigned = async (pattern: string, expected: number): Promise<{ lat: number[]; lastAt: number }> => {
    const deadline = Date.now() + 300_000;
    let rows: { ms: number; at: Date }[] = [];
    while (Date.now() < deadline) {
      rows = await sql<{ ms: number; at: Date }[]>`
        select extract(epoch from (e.at - l.created_at)) * 1000 as ms, e.at from leads l join lead_events e on e.lead_id = l.id and e.type = 'assigned'
        where l.email like ${pattern}`;
      if (rows.length >= expected) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return { lat: rows.map((r) => Number(r.ms)), lastAt: Math.max(0, ...rows.map((r) => r.at.getTime())) };
  };
  const counter = countStatements(sql);
  try {
    // Warm up (bundle caches, JIT, connections), and let the demo leads of the first start settle.
    await pool(20, 4, (i) => post({ name: `Warm ${i}`, email: `warm${i}@bench-warm.de`, country: 'DE' }, 100_000 + i));
    await waitForAssigned('warm%@bench-warm.de', 20);
    await new Promise((r) => setTimeout(r, 3000));

    // Open loop: leads arrive at RATE per second whatever the answers take (a closed loop of 32 clients would
    // measure queueing in front of the server rather than the time to accept one lead).
    const openAccept: number[] = [];
    const openWindow = await startWindow(procs, pgliteStats);
    const openStarted = performance.now();
    await Promise.all(Array.from({ length: OPEN_N }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * 1000) / RATE));
      const t0 = performance.now();
      await post({ name: `Open Lead ${i}`, email: `open${i}@bench-open-${i % 40}.de`, company: `Open ${i % 40} AG`, country: ['DE', 'SE', 'FR'][i % 3], productInterest: 'analytics' }, 200_000 + i);
      openAccept.push(performance.now() - t0);
    }));
    const openSeconds = (performance.now() - openStarted) / 1000;
    const open = await waitForAssigned('open%@bench-open-%', OPEN_N);
    const openMeasure = await openWindow.end();

    // Let the open-loop leads finish their first steps before the burst.
    await new Promise((r) => setTimeout(r, 3000));

    counter.reset();
    const burstWindow = await startWindow(procs, pgliteStats);
    const accept: number[] = [];
    const startedAt = Date.now();
    const started = performance.now();
    const results = await pool(N, CONCURRENCY, async (i) => {
      const t0 = performance.now();
      const r = await post({ name: `Bench Lead ${i}`, email: `lead${i}@bench-${i % 50}.de`, company: `Bench ${i % 50} GmbH`, country: ['DE', 'AT', 'SE', 'FR', 'NL'][i % 5], productInterest: 'crm', companySize: 50 + i }, i);
      accept.push(performance.now() - t0);
      return r.status;
    });
    const acceptSeconds = (performance.now() - started) / 1000;
    const accepted = results.filter((s) => s === 202).length;
    if (accepted !== N) console.warn(`only ${accepted}/${N} captures were accepted (statuses: ${[...new Set(results)].join(', ')}); the public rate limit may apply`);

    // capture -> assigned: from the API's capture time (the lead's created_at) to its "assigned" event.
    const burst = await waitForAssigned('lead%@bench-%', accepted);
    const burstMeasure = await burstWindow.end();
    const burstSeconds = (Math.max(burst.lastAt, startedAt) - startedAt) / 1000;
    // A lead's statements: the API's accept, the dispatcher, the worker's activities, until the lead waits for its rep
    // (the last "assigned" event); the scoring, routing and stage steps run right before it.
    await new Promise((r) => setTimeout(r, 1000));
    // On PGlite every statement of API, dispatcher and worker passes its server: counted there (the burst window).
    const statements = burstMeasure.pglite?.statements ?? counter.total;
    const topStatements = counter.top(25);

    const [dispatch] = await sql<{ p50: number; p99: number; run50: number }[]>`
      select percentile_cont(0.5) within group (order by lag) as p50, percentile_cont(0.99) within group (order by lag) as p99,
             percentile_cont(0.5) within group (order by run) as run50
      from (select extract(epoch from (i.dispatched_at - i.created_at)) * 1000 as lag, extract(epoch from (e.at - i.dispatched_at)) * 1000 as run
            from capture_inbox i join leads l on l.id = i.lead_id join lead_events e on e.lead_id = l.id and e.type = 'assigned'
            where l.email like 'lead%@bench-%' and i.dispatched_at is not null) t`;
    const [mails] = await sql<{ n: number }[]>`select count(*)::int as n from mail_outbox m join leads l on l.id = m.lead_id where l.email like 'lead%@bench-%'`;
    const sample = await sql<{ id: string }[]>`select id from leads where email like 'lead%@bench-%' order by id limit 20`;

    const temporal = await connectClient(system.temporalAddress, config.TEMPORAL_NAMESPACE);
    const history = await historyBreakdown(temporal.client, sample.map((r) => r.id));

    // Bare workflow starts on the same server, same concurrency.
    const t1 = performance.now();
    await pool(N, CONCURRENCY, (i) => temporal.client.workflow.start(smokeWorkflow, { taskQueue: 'bench-bare-no-worker', workflowId: `bare-${i}-${Date.now()}`, args: [{ note: 'bare' }] }));
    const bareSeconds = (performance.now() - t1) / 1000;
    await temporal.close();

    const leadsPerSec = accepted / burstSeconds;
    const startsPerSec = N / bareSeconds;
    const r1 = (x: number) => Number(x.toFixed(1));
    const rows = [
      { measure: 'bare workflow starts/s (same server)', value: Math.round(startsPerSec), goal: '' },
      { measure: `end-to-end leads/s, burst of ${N} (capture -> assigned)`, value: r1(leadsPerSec), goal: '' },
      { measure: 'ratio end-to-end leads/s : starts/s', value: Number((leadsPerSec / startsPerSec).toFixed(2)), goal: '>= 0.5' },
      { measure: 'burst: accepted leads/s (API)', value: Math.round(accepted / acceptSeconds), goal: '' },
      { measure: 'burst: accept p99 (ms, 32 clients at once)', value: r1(pct(accept, 99)), goal: '' },
      { measure: 'burst: capture->assigned p50 (ms)', value: Math.round(pct(burst.lat, 50)), goal: '' },
      { measure: 'burst: capture->assigned p99 (ms)', value: Math.round(pct(burst.lat, 99)), goal: '< 5000' },
      { measure: `open loop ${RATE}/s: achieved arrival rate (leads/s)`, value: r1(OPEN_N / openSeconds), goal: '' },
      { measure: 'open loop: accept p50 (ms)', value: r1(pct(openAccept, 50)), goal: '' },
      { measure: 'open loop: accept p99 (ms)', value: r1(pct(openAccept, 99)), goal: '< 50' },
      { measure: 'open loop: capture->assigned p50 (ms)', value: Math.round(pct(open.lat, 50)), goal: '' },
      { measure: 'open loop: capture->assigned p99 (ms)', value: Math.round(pct(open.lat, 99)), goal: '< 1000' },
      { measure: 'per lead: workflow tasks (history, until it waits for its rep)', value: r1(history.workflowTasks), goal: '' },
      { measure: 'per lead: local activities', value: r1(history.localActivities), goal: '' },
      { measure: 'per lead: activities (server-scheduled)', value: r1(history.activities), goal: '' },
      { measure: 'per lead: history events', value: r1(history.events), goal: '' },
      { measure: 'per lead: SQL statements (API + dispatcher + worker)', value: r1(statements / accepted), goal: '' },
      { measure: 'per lead: mails', value: Number((mails!.n / accepted).toFixed(2)), goal: '' },
      { measure: 'per lead: dispatcher lag p50 (ms, accepted -> workflow started)', value: Math.round(Number(dispatch!.p50)), goal: '' },
      { measure: 'per lead: dispatcher lag p99 (ms)', value: Math.round(Number(dispatch!.p99)), goal: '' },
      { measure: 'per lead: workflow started -> assigned p50 (ms)', value: Math.round(Number(dispatch!.run50)), goal: '' },
    ];
    const perLead = statements / accepted;
    const reasons: Record<string, string> = {
      ratio: throughputReason(burstMeasure, perLead),
      burstAssigned: throughputReason(burstMeasure, perLead),
      openAccept: acceptReason(openMeasure, pct(openAccept, 50), OPEN_N),
      openAssigned: throughputReason(openMeasure, perLead),
    };
    const keyOf: Record<string, string> = {
      'ratio end-to-end leads/s : starts/s': 'ratio', 'burst: capture->assigned p99 (ms)': 'burstAssigned',
      'open loop: accept p99 (ms)': 'openAccept', 'open loop: capture->assigned p99 (ms)': 'openAssigned',
    };
    const table = rows.map((r) => ({ ...r, 'bounded by (when missed)': r.goal && !goalMet(r.value, r.goal) ? reasons[keyOf[r.measure] ?? ''] ?? '' : '' }));
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    console.log(`\nbench/lifecycle: burst ${N} leads (concurrency ${CONCURRENCY}), open loop ${OPEN_N} at ${RATE}/s, embedded Temporal dev server + ${dbUrl ? 'Postgres server' : 'PGlite'}; load average ${load}\n`);
    printTable(table);
    console.log(`\nburst window: ${cpuFigure(burstMeasure)}${burstMeasure.pglite ? `; PGlite busy ${burstMeasure.pglite.busyPercent} % at ${burstMeasure.pglite.statementsPerSec} statements/s, API turn wait ${burstMeasure.pglite.apiWaitMs.toFixed(1)} ms, worker turn wait ${burstMeasure.pglite.batchWaitMs.toFixed(1)} ms` : ''}`);
    console.log(`open-loop window: ${cpuFigure(openMeasure)}${openMeasure.pglite ? `; PGlite busy ${openMeasure.pglite.busyPercent} % at ${openMeasure.pglite.statementsPerSec} statements/s, API turn wait ${openMeasure.pglite.apiWaitMs.toFixed(1)} ms, worker turn wait ${openMeasure.pglite.batchWaitMs.toFixed(1)} ms` : ''}`);
    if (PROFILE) {
      console.log(`\nmost frequent statements of the burst (${statements} in all, ${accepted} leads):`);
      printTable(topStatements.map((s) => ({ 'per lead': Number((s.n / accepted).toFixed(2)), statement: s.statement })));
      console.log('\nhistory of one lead:', history.example.join(' → '));
    }
    mkdirSync(join('bench', 'results'), { recursive: true });
    writeFileSync(join('bench', 'results', dbUrl ? 'lifecycle-postgres.json' : 'lifecycle.json'), JSON.stringify({
      n: N, concurrency: CONCURRENCY, openLoop: { n: OPEN_N, rate: RATE }, database: dbUrl ? 'postgres' : 'pglite', at: new Date().toISOString(), loadAverage: loadavg(), rows: table, windows: { burst: burstMeasure, openLoop: openMeasure },
      topStatements: topStatements.map((s) => ({ perLead: s.n / accepted, statement: s.statement })), exampleHistory: history.example,
    }, null, 2));
  } finally {
    counter.stop();
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});

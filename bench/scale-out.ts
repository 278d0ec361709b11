// bench/scale-out: end-to-end leads/s (capture -> assigned) against a Postgres server and one Temporal dev server,
// with 2 API processes behind the same database and 1, 2, then 3 worker processes; CPU seconds per process, so
// a missed goal names what bounds it. Uses a fresh database it creates and drops (BENCH_PG_URL names the server).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { ensureDefaultPipeline } from '../db/pipelines';
import { ensureDefaultRuleSets } from '../db/rule-sets';
import { ensureConstants, loadDemoData } from '../db/seed';
import { freePort, startTemporalDevServer } from '../runtime/temporal-dev-server';
import { cpuSeconds } from './lib/bounds';
import { pct, pool } from './lib/lead-load';
import { printTable } from './lib/table';

const SERVER = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const LEADS = Number(process.env.BENCH_SCALE_LEADS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2,3').split(',').map(Number);
const TASK_QUEUE = 'scale-out';

interface Part { name: string; child: ChildProcess }

/** Starts `node --import tsx <entry>` with `env` and waits for its ready line. */
function startPart(name: string, entry: string, env: Record<string, string>, ready: RegExp): Promise<Part> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s:\n${out.slice(-2000)}`)), 90_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ name, child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${out.slice(-2000)}`));
    });
  });
}

async function stopPart(p: Part): Promise<void> {
  if (p.child.exitCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGINT');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function main() {
  const dbName = `leadflow_scale_${process.pid}`;
  const admin = postgres(SERVER, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${dbName}`);
  const url = new URL(SERVER);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  const dataDir = mkdtempSync(join(tmpdir(), 'leadflow-scale-'));
  const parts: Part[] = [];
  let temporalStop: (() => Promise<void>) | undefined;
  const sql = createSql(dbUrl, { max: 4 });
  try {
    await migrate(sql);
    await ensureConstants(sql);
    await ensureDefaultRuleSets(sql);
    await ensureDefaultPipeline(sql);
    await loadDemoData(sql); // the reps and teams routing assigns to
    const server = await startTemporalDevServer({ dbFile: join(dataDir, 'temporal.db'), port: await freePort(), headless: true, logFile: join(dataDir, 'temporal.log') });
    temporalStop = () => server.stop();
    const env = { DATABASE_URL: dbUrl, TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: TASK_QUEUE, LOG_LEVEL: 'warn', PUBLIC_RATE_LIMIT: '1000000', DEMO_DATA: 'false', DATA_DIR: dataDir };
    const apiPorts = [await freePort(), await freePort()];
    for (const [i, port] of apiPorts.entries()) parts.push(await startPart(`api ${i + 1}`, 'api/server.ts', { ...env, PORT: String(port) }, /listening on/));
    const apis = parts.slice();

    const rows: Record<string, string | number>[] = [];
    let round = 0;
    for (const k of WORKERS) {
      // Each round: k worker processes (the previous round's are stopped), the same 2 APIs.
      const workers: Part[] = [];
      for (let w = 0; w < k; w++) workers.push(await startPart(`worker ${w + 1}`, 'workers/main.ts', env, /polling task queue/));
      parts.push(...workers);
      // Warm up each worker's workflow cache and connections.
      await runLeads(apiPorts, `warm${round}`, 10 * k, sql);
      const before = [...apis, ...workers].map((p) => cpuSeconds(p.child.pid));
      const temporalBefore = cpuSeconds(server.pid);
      const pgPids = (await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${dbName}`).map((r) => r.pid);
      const pgBefore = pgPids.reduce((t, p) => t + cpuSeconds(p), 0);
      const r = await runLeads(apiPorts, `r${round}`, LEADS, sql);
      const cpu = [...apis, ...workers].map((p, i) => cpuSeconds(p.child.pid) - before[i]!);
      const pgAfter = pgPids.reduce((t, p) => t + cpuSeconds(p), 0);
      const s = r.seconds;
      rows.push({
        workers: k, 'leads/s': Number((LEADS / s).toFixed(1)), 'p99 capture->assigned (ms)': Math.round(pct(r.lat, 99)),
        'CPU% APIs': Math.round((100 * (cpu[0]! + cpu[1]!)) / s), 'CPU% workers': Math.round((100 * cpu.slice(2).reduce((a, b) => a + b, 0)) / s),
        'CPU% Temporal': Math.round((100 * (cpuSeconds(server.pid) - temporalBefore)) / s), 'CPU% Postgres backends': Math.round((100 * (pgAfter - pgBefore)) / s),
        'load avg': Number(loadavg()[0]!.toFixed(1)),
      });
      for (const w of workers) await stopPart(w);
      round++;
    }
    const one = Number(rows[0]?.['leads/s'] ?? 0);
    const two = Number(rows.find((r) => r.workers === 2)?.['leads/s'] ?? 0);
    console.log(`\nbench/scale-out: ${LEADS} leads per round through 2 API processes (concurrency ${CONCURRENCY}), Postgres server, one Temporal dev server; ${cpus().length} cores\n`);
    printTable(rows);
    const ratio = two / one;
    const bound = scaleReason(rows.find((r) => r.workers === 2) ?? rows[0], cpus().length);
    console.log(`\n2 workers : 1 worker = ${ratio.toFixed(2)} (goal >= 1.6)${ratio >= 1.6 ? '' : `; bounded by: ${bound}`}; CPU% is of one core (200% = both cores of a 2-core machine)`);
    mkdirSync(join('bench', 'results'), { recursive: true });
    writeFileSync(join('bench', 'results', 'scale-out.json'), JSON.stringify({ leads: LEADS, concurrency: CONCURRENCY, cores: cpus().length, at: new Date().toISOString(), rows, ratio2to1: ratio, boundedBy: ratio >= 1.6 ? undefined : bound }, null, 2));
  } finally {
    for (const p of parts.reverse()) await stopPart(p).catch(() => undefined);
    await temporalStop?.().catch(() => undefined);
    await sql.end({ timeout: 5 }).catch(() => undefined);
    await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch((err: Error) => console.warn(`could not drop ${dbName}: ${err.message}`));
    await admin.end({ timeout: 5 });
    rmSync(dataDir, { recursive: true, force: true });
  }

  /** Posts `n` leads, alternating between the APIs; seconds until the last is assigned, and capture->assigned latencies. */
  async function runLeads(ports: number[], tag: string, n: number, db: ReturnType<typeof createSql>): Promise<{ seconds: number; lat: number[] }> {
    const started = Date.now();
    await pool(n, CONCURRENCY, async (i) => {
      const res = await fetch(`http://127.0.0.1:${ports[i % ports.length]}/api/leads/web-form`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` },
        body: JSON.stringify({ name: `Scale ${tag} ${i}`, email: `${tag}-${i}@scale-${i % 50}.de`, company: `Scale ${i % 50} GmbH`, country: ['DE', 'AT', 'SE', 'FR', 'NL'][i % 5], productInterest: 'crm' }),
      });
      if (res.status !== 202) throw new Error(`capture answered ${res.status}: ${await res.text()}`);
    });
    const deadline = Date.now() + 300_000;
    for (;;) {
      const rows = await db<{ ms: number; at: Date }[]>`
        select extract(epoch from (e.at - l.created_at)) * 1000 as ms, e.at from leads l join lead_events e on e.lead_id = l.id and e.type in ('assigned', 'unassigned')
        where l.email like ${`${tag}-%`}`;
      if (rows.length >= n) return { seconds: (Math.max(...rows.map((r) => r.at.getTime())) - started) / 1000, lat: rows.map((r) => Number(r.ms)) };
      if (Date.now() > deadline) throw new Error(`only ${rows.length}/${n} leads were routed within 300 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** What bounds a round: the cores all processes together use against the cores there are, and the largest user. */
function scaleReason(row: Record<string, string | number> | undefined, cores: number): string {
  if (!row) return 'no round measured';
  const shares = Object.entries(row).filter(([k]) => k.startsWith('CPU% ')).map(([k, v]) => ({ name: k.slice(5), percent: Number(v) }));
  const total = shares.reduce((t, s) => t + s.percent, 0);
  const list = shares.sort((a, b) => b.percent - a.percent).map((s) => `${s.name} ${s.percent} %`).join(', ');
  const figure = `CPU ${total} % of ${cores * 100} % (${list}); load ${row['load avg']} on ${cores} cores`;
  if (total >= 0.8 * cores * 100) return `CPU saturated: ${figure} (more worker processes only share the same cores)`;
  return `no CPU saturation: ${figure} (workers wait on Temporal or Postgres round trips)`;
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});

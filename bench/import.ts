// bench/import: a 100,000-row CSV (5 % duplicates, 2 % bad rows) imported through the API on the embedded stack
// (dev server + PGlite) and on a Postgres server: rows/s of the import, peak RSS of the process running the API and
// the worker (and of PGlite's own process), and the time until the last imported lead is assigned to a rep.
// BENCH_IMPORT_ROWS changes the size; BENCH_DATABASE_URL names the Postgres server (a database is made and dropped).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openAsBlob } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { hashToken, newSecret } from '../api/auth/tokens';
import type { ImportDraft, ImportView } from '../engine/import/schemas';
import { loadConfig } from '../runtime/config';
import { startSystem } from '../runtime/system';
import { freePort } from '../runtime/temporal-dev-server';
import { makeImportCsv } from '../test/import/fixture';
import { printTable } from './lib/table';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const ASSIGN_TIMEOUT_S = Number(process.env.BENCH_IMPORT_ASSIGN_TIMEOUT_S ?? 900);
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Result { target: string; rows: number; importSeconds: number; rowsPerSecond: number; created: number; skipped: number; failed: number; peakRssMb: number; pglitePeakRssMb: number | null; leadsAssigned: number; lastAssignedSeconds: number | null }

/** Peak resident memory (VmHWM) of a process in MB, from /proc. */
const peakRss = (pid: number | string): number | null => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
};

async function runTarget(target: 'embedded' | 'postgres'): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leadflow-bench-import-'));
  let dbUrl = '';
  let admin: postgres.Sql | undefined;
  const dbName = `bench_import_${process.pid}`;
  if (target === 'postgres') {
    admin = postgres(SERVER, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${dbName}`);
    const u = new URL(SERVER);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  }
  const port = await freePort();
  const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl, TEMPORAL_ADDRESS: '', DATA_DIR: dataDir, PORT: String(port), TEMPORAL_DEV_PORT: String(await freePort()), TEMPORAL_UI_PORT: '0', LOG_LEVEL: 'warn', TEMPORAL_TASK_QUEUE: 'bench' });
  const system = await startSystem(config, { temporal: true, worker: true, api: true, demo: true }, () => undefined);
  const sql = system.db.sql;
  const base = `http://127.0.0.1:${port}`;
  try {
    const token = newSecret('lft');
    await sql`insert into sessions (id, user_id, kind, expires_at) values (${hashToken(token)}, 'u-olga', 'bearer', now() + interval '1 day')`;
    const auth = { authorization: `Bearer ${token}` };
    const fixture = makeImportCsv({ rows: ROWS, tag: `bench${target}` });
    const file = join(dataDir, 'bench.csv');
    writeFileSync(file, fixture.csv);
    const form = new FormData();
    form.append('file', await openAsBlob(file), 'bench.csv');
    const up = await fetch(`${base}/api/imports`, { method: 'POST', headers: auth, body: form });
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${await up.text()}`);
    const draft = (await up.json()) as ImportDraft;
    const started = performance.now();
    const st = await fetch(`${base}/api/imports/${draft.id}/start`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ mapping: draft.suggestedMapping, dedupe: 'skip', listName: 'bench', rowsPerSecond: 100_000 }),
    });
    if (st.status !== 202) throw new Error(`start: ${st.status} ${await st.text()}`);
    let v: ImportView;
    for (;;) {
      v = (await (await fetch(`${base}/api/imports/${draft.id}`, { headers: auth })).json()) as ImportView;
      if (!['running', 'paused'].includes(v.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const importSeconds = (performance.now() - started) / 1000;
    if (v.status !== 'completed') throw new Error(`import ${v.status}: ${v.error}`);
    // The imported leads flow on through the capture dispatcher and their workflows to a rep.
    let assigned = 0;
    let lastAssignedSeconds: number | null = null;
    const deadline = Date.now() + ASSIGN_TIMEOUT_S * 1000;
    while (Date.now() < deadline) {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from lead_lists ll join lead_events e on e.lead_id = ll.lead_id and e.type = 'assigned' where ll.import_id = ${draft.id}`;
      assigned = row!.n;
      if (assigned >= v.progress.created) {
        lastAssignedSeconds = (performance.now() - started) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const pglitePid = (() => {
      try {
        return readFileSync(join(dataDir, 'pglite.pid'), 'utf8').trim();
      } catch {
        return null;
      }
    })();
    return {
      target, rows: v.progress.rowsDone, importSeconds: Math.round(importSeconds * 10) / 10, rowsPerSecond: Math.round(v.progress.rowsDone / importSeconds),
      created: v.progress.created, skipped: v.progress.skipped, failed: v.progress.failed, peakRssMb: peakRss(process.pid) ?? 0,
      pglitePeakRssMb: pglitePid ? peakRss(pglitePid) : null, leadsAssigned: assigned, lastAssignedSeconds: lastAssignedSeconds && Math.round(lastAssignedSeconds),
    };
  } finally {
    await system.stop();
    if (admin) {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
      await admin.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const only = process.argv[2];
if (only === 'embedded' || only === 'postgres') {
  // A child process per target, so each peak RSS is its own.
  const r = await runTarget(only);
  process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
  process.exit(0);
}
const results: Result[] = [];
for (const target of ['embedded', 'postgres'] as const) {
  const child = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/import.ts', target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    console.error(`bench/import ${target}: no result (exit ${child.status})\n${child.stdout.slice(-2000)}`);
    continue;
  }
  results.push(JSON.parse(line.slice(7)) as Result);
}
printTable(results.map((r) => ({
  target: r.target, rows: r.rows, 'import s': r.importSeconds, 'rows/s': r.rowsPerSecond, created: r.created, skipped: r.skipped, failed: r.failed,
  'API+worker peak RSS MB': r.peakRssMb, 'PGlite peak RSS MB': r.pglitePeakRssMb ?? '—',
  'leads assigned': r.leadsAssigned, 'last assigned s': r.lastAssignedSeconds ?? `> ${ASSIGN_TIMEOUT_S}`,
})));
console.log('goal: flat memory below 300 MB for the API and the worker; rows/s is the import (rate uncapped), "last assigned" counts from the start of the import');
mkdirSync(join('bench', 'results'), { recursive: true });
writeFileSync(join('bench', 'results', 'import.json'), JSON.stringify({ rows: ROWS, duplicates: '5 %', bad: '2 %', results }, null, 2));
process.exit(results.length === 2 ? 0 : 1);

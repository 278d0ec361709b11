#!/usr/bin/env node
// Provisions an S3-compatible server for the document-store tests: moto's server (pinned, from PyPI) in
// .tools/s3server (git-ignored), started by the tests on 127.0.0.1 as
// `PYTHONPATH=.tools/s3server python3 -m moto.server -H 127.0.0.1 -p PORT`. Nothing is fetched at test time.
// Idempotent: when the pinned versions are already in place it returns at once. A failure is reported, never fatal
// to `npm install` (Leadflow itself does not need it; only the S3 tests do).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.tools', 's3server');
const stamp = join(target, '.leadflow-pin');
// moto's S3 back end and the Flask app its server runs; the server extra would add CloudFormation tooling we never use.
const PINS = ['moto[s3]==5.2.5', 'flask==3.1.3', 'flask-cors==6.0.2'];

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function main() {
  const wanted = PINS.join(' ');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted) {
    console.log(`[leadflow] S3 test server ready (${PINS[0]}) in .tools/s3server`);
    return;
  }
  const python = which('python3') ?? which('python');
  if (!python || spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0) {
    console.log('[leadflow] NOTE: python3 with pip is missing; the S3 document-store tests need it (Leadflow itself does not).');
    return;
  }
  console.log(`[leadflow] installing the S3 test server (${PINS[0]}) from PyPI into .tools/s3server …`);
  const r = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location',
    '--upgrade', '--target', target, ...PINS], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    const lines = (r.stderr ?? '').split('\n').filter((l) => /^error/i.test(l.trim())).slice(-2).join(' ');
    console.log(`[leadflow] pip could not install the S3 test server (${lines || 'exit ' + r.status}); the S3 document-store tests will fail.`);
    return;
  }
  writeFileSync(stamp, `${wanted}\n`);
  console.log(`[leadflow] S3 test server ready (${PINS[0]}) in .tools/s3server`);
}

main();

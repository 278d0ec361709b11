import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../runtime/temporal-cli';

/** Runs `tsx <entry>` with the given environment and collects its exit code and output. */
function run(entry: string, env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), entry], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - started });
    });
  });
}

describe('start-up faults give one clear line and a non-zero exit', () => {
  it('an unreachable Postgres names the address, within 10 s of trying', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lf-'));
    const r = await run('runtime/start.ts', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x', DATA_DIR: dir, PORT: '0', TEMPORAL_UI_PORT: '0' });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/cannot start: Postgres at 127\.0\.0\.1:1\/x is unreachable/);
  });

  it('a port in use is named and nothing is left running', async () => {
    const net = await import('node:net');
    const srv = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const port = (srv.address() as { port: number }).port;
    const r = await run('runtime/start.ts', { PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'lf-')) });
    srv.close();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`cannot start: PORT: 127\\.0\\.0\\.1:${port} is already in use`));
  });

  it('an invalid variable names it', async () => {
    const r = await run('runtime/start.ts', { PORT: 'seventy' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/cannot start: PORT: /);
  });

  it('an unreachable Temporal cluster names the address (worker entry point)', async () => {
    const r = await run('workers/main.ts', { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:1/x' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/cannot start: (Temporal at 127\.0\.0\.1:1|Postgres at 127\.0\.0\.1:1)/);
    expect(r.ms).toBeLessThan(25_000);
  });

  it.skipIf(process.getuid?.() === 0)('a data folder that is not writable is named', async () => {
    // Skipped as root: root writes into read-only folders, so the fault cannot be produced.
    const dir = mkdtempSync(join(tmpdir(), 'lf-ro-'));
    chmodSync(dir, 0o500);
    const r = await run('runtime/start.ts', { DATA_DIR: join(dir, 'data') });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/DATA_DIR: /);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { findTemporalBinaries } from './temporal-cli';

export interface DevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** SQLite file for persistence; in memory when undefined (tests). */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  logFile?: string;
  namespace?: string;
}

/** Resolves to a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something already listens on 127.0.0.1:port. */
export async function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

/**
 * Starts `temporal server start-dev` from the provisioned binary and waits until it answers.
 * Without a binary, falls back to the SDK's own download (and says so).
 * @example const server = await startTemporalDevServer({ dbFile: 'data/temporal.db', port: 7233, uiPort: 8233 });
 */
export async function startTemporalDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const port = opts.port ?? (await freePort());
  if (await portInUse(port)) throw new Error(`Temporal dev server: port 127.0.0.1:${port} is already in use`);
  if (opts.uiPort && !opts.headless && (await portInUse(opts.uiPort))) {
    throw new Error(`Temporal Web UI: port 127.0.0.1:${opts.uiPort} is already in use (set TEMPORAL_UI_PORT)`);
  }
  const bins = findTemporalBinaries();
  const address = `127.0.0.1:${port}`;
  if (!bins.cli) return startWithSdkDownload(opts, port);

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn',
    '--namespace', opts.namespace ?? 'default'];
  // WAL with synchronous=NORMAL survives a crash of the process (not a power cut mid-write) and doubles throughput.
  if (opts.dbFile) args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  if (opts.headless || !opts.uiPort) args.push('--headless');
  else args.push('--ui-ip', '127.0.0.1', '--ui-port', String(opts.uiPort));
  // Keep the dev server's own metrics endpoint off a fixed port so two servers never collide.
  args.push('--metrics-port', String(await freePort()));

  // Own process group: a terminal Ctrl-C reaches us, and we stop the server last, after the worker drained.
  const child = spawn(bins.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const log = opts.logFile ? (mkdirSync(join(opts.logFile, '..'), { recursive: true }), createWriteStream(opts.logFile, { flags: 'a' })) : undefined;
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    log?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });

  const stop = () => stopChild(child, () => {
    process.removeListener('exit', killOnExit);
    log?.end();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) {
      log?.end();
      const last = output.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
      throw new Error(`Temporal dev server exited (code ${exited}) at start: ${last}`);
    }
    if (await canConnect(address)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Temporal dev server did not answer on ${address} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { address, uiUrl: opts.headless || !opts.uiPort ? undefined : `http://127.0.0.1:${opts.uiPort}`, stop };
}

async function canConnect(address: string): Promise<boolean> {
  try {
    const conn = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await conn.workflowService.getSystemInfo({});
      return true;
    } finally {
      await conn.close();
    }
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess, after: () => void): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      after();
      resolve();
      return;
    }
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      after();
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startWithSdkDownload(opts: DevServerOptions, port: number): Promise<DevServer> {
  console.warn('[leadflow] no Temporal CLI was provisioned (TEMPORAL_CLI_PATH, PATH, .tools/temporal): the Temporal SDK downloads it now (needs internet access)');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port,
      dbFilename: opts.dbFile,
      ui: Boolean(opts.uiPort && !opts.headless),
      uiPort: opts.headless ? undefined : opts.uiPort,
      namespace: opts.namespace,
    },
  });
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: opts.uiPort && !opts.headless ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}

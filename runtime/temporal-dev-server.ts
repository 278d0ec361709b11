import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { isRunning, processIdentity, reclaimStaleServer, removeProcessRecord, terminate, writeProcessRecord } from './process-record';
import { findTemporalBinaries } from './temporal-cli';

export interface DevServer {
  address: string;
  uiUrl?: string;
  /** The dev server's own process (not its watchdog), once known; undefined with the SDK download fallback. */
  readonly pid?: number;
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
  /** Where to record the server's pid (DATA_DIR/temporal.pid), so a later start can stop a server left behind. */
  pidFile?: string;
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
 * Before a dev server starts on these ports: stops a server an earlier start of the same data folder left behind
 * (its pid file), then makes sure the ports are free, naming the variable to change when a foreign program holds one.
 */
export async function prepareDevServerPorts(opts: DevServerOptions & { port: number }, log?: (m: string) => void): Promise<void> {
  if (opts.pidFile && opts.dbFile) await reclaimStaleServer(opts.pidFile, { mustMention: opts.dbFile, folder: dirname(opts.dbFile), log });
  if (await portInUse(opts.port)) {
    throw new Error(`TEMPORAL_DEV_PORT: 127.0.0.1:${opts.port} is already in use by another program (set TEMPORAL_DEV_PORT to a free port)`);
  }
  if (opts.uiPort && !opts.headless && (await portInUse(opts.uiPort))) {
    throw new Error(`TEMPORAL_UI_PORT: 127.0.0.1:${opts.uiPort} is already in use by another program (set TEMPORAL_UI_PORT to a free port, or 0 for no Web UI)`);
  }
}

const watchdogScript = join(dirname(fileURLToPath(import.meta.url)), 'watchdog.mjs');

/**
 * Starts `temporal server start-dev` from the provisioned binary and waits until it answers.
 * The server runs under runtime/watchdog.mjs, so it stops when this process dies, however it dies; with `pidFile`
 * its pid is recorded, and a server an earlier, killed start left behind is stopped first.
 * Without a binary, falls back to the SDK's own download (and says so).
 * @example const server = await startTemporalDevServer({ dbFile: 'data/temporal.db', pidFile: 'data/temporal.pid', port: 7233, uiPort: 8233 });
 */
export async function startTemporalDevServer(opts: DevServerOptions = {}, log?: (m: string) => void): Promise<DevServer> {
  const port = opts.port ?? (await freePort());
  await prepareDevServerPorts({ ...opts, port }, log);
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
  const child = spawn(process.execPath, [watchdogScript, bins.cli, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  // The IPC channel is the server's lifeline, not a reason for this process to stay alive.
  child.channel?.unref();
  let serverPid: number | undefined;
  const killOnExit = () => {
    if (serverPid) killQuietly(serverPid, 'SIGKILL');
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('message', (m: { pid?: number }) => {
    serverPid = m.pid;
    if (serverPid && opts.pidFile) writeProcessRecord(opts.pidFile, { name: 'Temporal dev server', pid: serverPid, port, watchdogPid: child.pid });
  });
  let output = '';
  const logStream = opts.logFile ? (mkdirSync(join(opts.logFile, '..'), { recursive: true }), createWriteStream(opts.logFile, { flags: 'a' })) : undefined;
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    logStream?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
    // Only once the server itself is gone: a watchdog killed on its own leaves a server the next start must find.
    if (opts.pidFile && serverPid && !isRunning(serverPid)) removeProcessRecord(opts.pidFile, serverPid);
  });

  const stop = () => stopChild(child, () => serverPid, () => {
    process.removeListener('exit', killOnExit);
    logStream?.end();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) {
      logStream?.end();
      process.removeListener('exit', killOnExit);
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
  return {
    address, uiUrl: opts.headless || !opts.uiPort ? undefined : `http://127.0.0.1:${opts.uiPort}`, stop,
    get pid() {
      return serverPid;
    },
  };
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
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

/** SIGTERM to the watchdog (it passes it on to the server); after 5 s SIGKILL to both. */
function stopChild(child: ChildProcess, serverPid: () => number | undefined, after: () => void): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      // The watchdog is gone (killed on its own): stop the server it left behind directly.
      const pid = serverPid();
      const identity = pid ? processIdentity(pid) : undefined;
      void (pid && identity ? terminate(pid, identity) : Promise.resolve(true)).then(() => {
        after();
        resolve();
      });
      return;
    }
    const kill = setTimeout(() => {
      const pid = serverPid();
      if (pid) killQuietly(pid, 'SIGKILL');
      child.kill('SIGKILL');
    }, 5000);
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

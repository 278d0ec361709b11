import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** The S3-compatible server `npm install` provisions (scripts/provision-s3.mjs): moto's S3 back end, from PyPI. */
const toolDir = join(process.cwd(), '.tools', 's3server');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface S3TestServer {
  endpoint: string;
  /** A client with the test credentials, to look into the bucket behind the app's back. */
  client: S3Client;
  credentials: { accessKeyId: string; secretAccessKey: string };
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real S3-compatible server on 127.0.0.1 (a free port), stopped by its pid. Fails with the reason when the server is
 * not provisioned (run `node scripts/provision-s3.mjs`).
 */
export async function startS3Server(): Promise<S3TestServer> {
  if (!existsSync(join(toolDir, '.leadflow-pin'))) throw new Error('the S3 test server is not provisioned: run `node scripts/provision-s3.mjs` (npm install does)');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: toolDir, PYTHONDONTWRITEBYTECODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the S3 test server exited (${child.exitCode}): ${output.slice(-500)}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (res.status < 500) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the S3 test server did not answer within 30 s: ${output.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const credentials = { accessKeyId: 'leadflow-test-key', secretAccessKey: 'leadflow-test-secret-key' };
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  return {
    endpoint, client, credentials,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      client.destroy();
      await stop();
    },
  };
}

import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

/** Raised when Temporal cannot be reached; the message names the address tried. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

async function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer within ${ms / 1000} s`)), ms)))]);
  } catch (err) {
    throw new TemporalUnreachableError(`Temporal at ${what} is unreachable (${(err as Error).message.split('\n')[0]}); check TEMPORAL_ADDRESS`);
  } finally {
    clearTimeout(timer);
  }
}

/** A client for the API; fails within 10 s with the address when Temporal does not answer. */
export async function connectClient(address: string, namespace: string): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await within(address, 9000, (async () => {
    const c = await Connection.connect({ address, connectTimeout: 8000 });
    await c.workflowService.getSystemInfo({});
    return c;
  })());
  const client = new Client({ connection, namespace });
  return { client, close: () => connection.close() };
}

/** The worker's native connection; same fail-fast rule. */
export async function connectWorker(address: string): Promise<NativeConnection> {
  return within(address, 9000, NativeConnection.connect({ address }));
}

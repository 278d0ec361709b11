import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../workers/webhooks/sign';

export interface Received {
  delivery: string;
  event: string;
  timestamp: string;
  signature: string;
  body: string;
  json: { id: string; event: string; createdAt: string; data: Record<string, unknown> & { leadId?: string; eventId?: number } };
}

/**
 * A real webhook receiver on 127.0.0.1: records every request and answers `status` (200 unless changed). `down()`
 * closes the socket (connections are refused) and `up()` listens again on the same port.
 */
export async function startReceiver() {
  const received: Received[] = [];
  let status = 200;
  let server: Server | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve, reject) => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (status >= 200 && status < 300) {
          received.push({
            delivery: String(req.headers['x-leadflow-delivery']), event: String(req.headers['x-leadflow-event']),
            timestamp: String(req.headers['x-leadflow-timestamp']), signature: String(req.headers['x-leadflow-signature']),
            body, json: JSON.parse(body) as Received['json'],
          });
        }
        res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(status < 300 ? 'ok' : 'not now');
      });
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as AddressInfo).port;
      resolve();
    });
  });
  await listen();
  return {
    received,
    get url() {
      return `http://127.0.0.1:${port}/hooks/leadflow`;
    },
    answer(code: number) {
      status = code;
    },
    /** Whether a received request carries a valid signature for this secret. */
    valid: (r: Received, secret: string) => verifyWebhook(secret, r.timestamp, r.body, r.signature),
    async down() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    up: listen,
    stop() {
      return this.down();
    },
  };
}

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;

/**
 * Serves one PGlite database to several clients over the Postgres wire protocol (e.g. the API and the worker, each in
 * a process of its own). PGlite has a single backend session, so clients take turns: a client's messages up to a
 * Sync or a simple Query are handed to PGlite as one unit (an extended-protocol exchange of one client never
 * interleaves with another's: their unnamed statement and portal are the same session's), and a client that left
 * the session inside a transaction keeps its turn until the transaction ends. A client that goes away inside a
 * transaction has it rolled back. Prepared statement names are per client already (postgres.js draws them at random).
 * @example const server = new SharedPGliteServer(db); const port = await server.listen(0); // postgres://postgres@127.0.0.1:port/postgres
 */
export class SharedPGliteServer {
  private server: Server | undefined;
  private readonly clients = new Set<Socket>();
  /** The client whose open transaction holds the session, if any. */
  private owner: Socket | undefined;
  private queue: { socket: Socket; run: () => Promise<void> }[] = [];
  private busy = false;

  constructor(private readonly db: PGlite, private readonly opts: { maxConnections?: number } = {}) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await this.db.waitReady;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.clients) s.destroy();
    this.clients.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.clients.size >= (this.opts.maxConnections ?? 16)) {
      socket.end(errorResponse('53300', 'too many connections to embedded Postgres'));
      return;
    }
    this.clients.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let pending: Buffer[] = [];
    socket.on('data', (chunk) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) return;
          const code = buffer.readInt32BE(4);
          const message = buffer.subarray(0, len);
          buffer = buffer.subarray(len);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST) {
            socket.end();
            return;
          }
          if (code !== PROTOCOL_3) {
            socket.end(errorResponse('08P01', 'unsupported protocol version'));
            return;
          }
          started = true;
          this.enqueue(socket, [message]);
          continue;
        }
        if (buffer.length < 5) return;
        const len = 1 + buffer.readInt32BE(1);
        if (buffer.length < len) return;
        const type = String.fromCharCode(buffer[0]!);
        const message = buffer.subarray(0, len);
        buffer = buffer.subarray(len);
        if (type === 'X') {
          socket.end();
          return;
        }
        pending.push(Buffer.from(message));
        // Sync, simple Query, Flush and the end of a COPY ask for an answer now: one unit.
        if (type === 'S' || type === 'Q' || type === 'H' || type === 'c' || type === 'f') {
          this.enqueue(socket, pending);
          pending = [];
        }
      }
    });
    const gone = () => {
      if (!this.clients.delete(socket)) return;
      this.queue = this.queue.filter((q) => q.socket !== socket);
      if (this.owner === socket) {
        // Its transaction must not hold the session for the others: rolled back, like a server does for a lost client.
        this.owner = undefined;
        this.queue.unshift({ socket, run: async () => {
          if (this.db.isInTransaction()) await this.db.exec('rollback').catch(() => undefined);
        } });
      }
      this.pump();
    };
    socket.on('close', gone);
    socket.on('error', () => socket.destroy());
  }

  private enqueue(socket: Socket, messages: Buffer[]): void {
    const unit = messages.length === 1 ? messages[0]! : Buffer.concat(messages);
    this.queue.push({
      socket,
      run: async () => {
        await this.db.runExclusive(() => this.db.execProtocolRawStream(new Uint8Array(unit), {
          onRawData: (data: Uint8Array) => {
            if (data.length && socket.writable) socket.write(Buffer.from(data));
          },
        }));
        await this.settle(socket);
      },
    });
    this.pump();
  }

  /** After a unit: an open transaction keeps the session for its client, or is rolled back when the client is gone. */
  private async settle(socket: Socket): Promise<void> {
    this.owner = undefined;
    if (!this.db.isInTransaction()) return;
    if (this.clients.has(socket)) this.owner = socket;
    else await this.db.exec('rollback').catch(() => undefined);
  }

  /** Runs queued units one at a time; while a client's transaction is open only that client's units run. */
  private pump(): void {
    if (this.busy) return;
    const index = this.owner ? this.queue.findIndex((q) => q.socket === this.owner) : 0;
    if (index < 0 || !this.queue.length) return;
    const [next] = this.queue.splice(index, 1);
    this.busy = true;
    void next!.run()
      .catch((err: unknown) => {
        if (next!.socket.writable) next!.socket.write(errorResponse('XX000', (err as Error).message));
        return this.settle(next!.socket);
      })
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }
}

/** An ErrorResponse followed by ReadyForQuery(idle), so the client's pending exchange ends with a readable error. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from('SERROR\0'), Buffer.from(`C${code}\0`), Buffer.from(`M${message}\0`), Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(4 + fields.length, 1);
  const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
  return Buffer.concat([head, fields, ready]);
}

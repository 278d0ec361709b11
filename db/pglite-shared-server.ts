import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;

/** How long units waited for their turn, per kind of client. */
export interface TurnWaits {
  units: number;
  waitMs: number;
  maxWaitMs: number;
}

/** Counters of a SharedPGliteServer since it started: cheap enough to keep always. */
export interface SharedServerStats {
  /** Milliseconds since the server was created. */
  uptimeMs: number;
  /** Milliseconds PGlite spent executing units (busy fraction = busyMs / uptimeMs). */
  busyMs: number;
  /** Units (a client's messages up to a Sync, a simple Query or a Flush) executed. */
  units: number;
  /** Statements executed: Execute messages and simple Queries. */
  statements: number;
  clients: number;
  /** Units waiting for their turn now. */
  queued: number;
  /** Waits of interactive clients (the API) and of the others (the worker) for their turn. */
  interactive: TurnWaits;
  batch: TurnWaits;
}

interface Unit {
  socket: Socket;
  run: () => Promise<void>;
  interactive: boolean;
  queuedAt: number;
  /** Runs before anything else (the rollback of a client that went away inside its transaction). */
  first?: boolean;
}

/** The application_name the API's pool connects with: its short requests go ahead of waiting worker batches. */
export const INTERACTIVE_APPLICATION_NAME = 'leadflow-api';

/**
 * Serves one PGlite database to several clients over the Postgres wire protocol (e.g. the API and the worker, each in
 * a process of its own). PGlite has a single backend session, so clients take turns: a client's messages up to a
 * Sync or a simple Query are handed to PGlite as one unit (an extended-protocol exchange of one client never
 * interleaves with another's: their unnamed statement and portal are the same session's; a client that sent a Flush
 * keeps its turn until its Sync), and a client that left the session inside a transaction keeps its turn until the
 * transaction ends. A client that goes away inside a transaction has it rolled back. Prepared statement names are per
 * client already (postgres.js draws them at random).
 *
 * Turns go by priority: units of interactive clients (application_name in `interactive`, by default the API's) go
 * ahead of waiting units of the others, so a capture does not wait behind a worker's batch; after `maxPriorityRun`
 * interactive units in a row while another client waits, that client's oldest unit runs (no starvation).
 * @example const server = new SharedPGliteServer(db); const port = await server.listen(0); // postgres://postgres@127.0.0.1:port/postgres
 */
export class SharedPGliteServer {
  private server: Server | undefined;
  private readonly clients = new Set<Socket>();
  /** The client whose open transaction (or unfinished extended-protocol exchange) holds the session, if any. */
  private owner: Socket | undefined;
  private queue: Unit[] = [];
  private busy = false;
  /** Interactive units run in a row while a batch unit was waiting. */
  private priorityRun = 0;
  private readonly interactiveClients = new WeakSet<Socket>();
  private readonly createdAt = performance.now();
  private readonly counters = {
    busyMs: 0, units: 0, statements: 0,
    interactive: { units: 0, waitMs: 0, maxWaitMs: 0 }, batch: { units: 0, waitMs: 0, maxWaitMs: 0 },
  };

  constructor(private readonly db: PGlite, private readonly opts: { maxConnections?: number; interactive?: string[]; maxPriorityRun?: number } = {}) {}

  /** Counters since start: busy time, units, statements and the waits for a turn. */
  stats(): SharedServerStats {
    const c = this.counters;
    return {
      uptimeMs: performance.now() - this.createdAt, busyMs: c.busyMs, units: c.units, statements: c.statements, clients: this.clients.size, queued: this.queue.length,
      interactive: { ...c.interactive }, batch: { ...c.batch },
    };
  }

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
          const names = this.opts.interactive ?? [INTERACTIVE_APPLICATION_NAME];
          if (names.includes(startupParameters(message).application_name ?? '')) this.interactiveClients.add(socket);
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
        this.queue.unshift({ socket, interactive: false, queuedAt: performance.now(), first: true, run: async () => {
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
    let statements = 0;
    for (const m of messages) if (m[0] === 0x45 /* E */ || m[0] === 0x51 /* Q */) statements++;
    // A unit ending in a Flush is the first half of an exchange (describe, or a cursor's next rows): its Sync follows.
    const midExchange = messages[messages.length - 1]![0] === 0x48 /* H */;
    this.queue.push({
      socket,
      interactive: this.interactiveClients.has(socket),
      queuedAt: performance.now(),
      run: async () => {
        await this.db.runExclusive(() => this.db.execProtocolRawStream(new Uint8Array(unit), {
          onRawData: (data: Uint8Array) => {
            if (data.length && socket.writable) socket.write(Buffer.from(data));
          },
        }));
        this.counters.statements += statements;
        await this.settle(socket, midExchange);
      },
    });
    this.pump();
  }

  /**
   * After a unit: an open transaction or an unfinished extended-protocol exchange keeps the session for its client;
   * a transaction is rolled back when the client is gone.
   */
  private async settle(socket: Socket, midExchange = false): Promise<void> {
    this.owner = undefined;
    const alive = this.clients.has(socket);
    if (!this.db.isInTransaction()) {
      if (midExchange && alive) this.owner = socket;
      return;
    }
    if (alive) this.owner = socket;
    else await this.db.exec('rollback').catch(() => undefined);
  }

  /** The unit to run next: the owner's, else an interactive one ahead of batch ones (at most maxPriorityRun in a row). */
  private pick(): number {
    if (!this.queue.length) return -1;
    if (this.queue[0]!.first) return 0;
    if (this.owner) return this.queue.findIndex((q) => q.socket === this.owner);
    const batch = this.queue.findIndex((q) => !q.interactive);
    const interactive = this.queue.findIndex((q) => q.interactive);
    if (batch < 0 || interactive < 0) {
      this.priorityRun = 0;
      return 0;
    }
    if (this.priorityRun >= (this.opts.maxPriorityRun ?? 4)) {
      this.priorityRun = 0;
      return batch;
    }
    this.priorityRun++;
    return interactive;
  }

  /** Runs queued units one at a time; while a client's transaction is open only that client's units run. */
  private pump(): void {
    if (this.busy) return;
    const index = this.pick();
    if (index < 0) return;
    const [next] = this.queue.splice(index, 1);
    this.busy = true;
    const startedAt = performance.now();
    const waits = next!.interactive ? this.counters.interactive : this.counters.batch;
    const wait = startedAt - next!.queuedAt;
    waits.units++;
    waits.waitMs += wait;
    waits.maxWaitMs = Math.max(waits.maxWaitMs, wait);
    void next!.run()
      .catch((err: unknown) => {
        if (next!.socket.writable) next!.socket.write(errorResponse('XX000', (err as Error).message));
        return this.settle(next!.socket);
      })
      .finally(() => {
        this.counters.busyMs += performance.now() - startedAt;
        this.counters.units++;
        this.busy = false;
        this.pump();
      });
  }
}

/** The parameters of a StartupMessage (user, database, application_name, …). */
function startupParameters(message: Buffer): Record<string, string> {
  const parts = message.subarray(8).toString('utf8').split('\0');
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) params[parts[i]!] = parts[i + 1]!;
  return params;
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

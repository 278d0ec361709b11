import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DatabaseDeadlineError, isDatabaseUnreachable, probeFor, timeoutsOf, type Sql } from '../../db/client';

declare module 'fastify' {
  interface FastifyInstance {
    dbAvailability: DbAvailability;
  }
}

/** Seconds a client is asked to wait (Retry-After) while the database is down. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * A circuit breaker for Postgres. The first request that finds the database unreachable opens it; while it is open,
 * requests are refused at once (503 + Retry-After) instead of each waiting for a connect timeout, and one probe
 * (`select 1`) every `probeEveryMs` closes it again as soon as the database answers.
 */
export class DbAvailability {
  private down = false;
  private downSince = 0;
  private closed = false;
  private loop: Promise<void> | undefined;
  private readonly probe: ReturnType<typeof probeFor>;

  constructor(private readonly deps: { sql: Sql; log: FastifyBaseLogger; probeEveryMs?: number; probeTimeoutMs?: number }) {
    this.probe = probeFor(deps.sql);
  }

  /** True while the database is known to be unreachable. */
  get isDown(): boolean {
    return this.down;
  }

  /** Milliseconds since the breaker opened (0 while the database is up). */
  get downForMs(): number {
    return this.down ? Math.round(performance.now() - this.downSince) : 0;
  }

  /**
   * Opens the breaker when `err` says the database is unreachable; other errors are not its business. A missed
   * deadline may be a busy database rather than a gone one: it opens the breaker only when a probe fails too.
   */
  async noteError(err: unknown): Promise<void> {
    if (err instanceof DatabaseDeadlineError) await this.check();
    else if (isDatabaseUnreachable(err)) this.markDown((err as Error).message);
  }

  markDown(reason: string): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.downSince = performance.now();
    this.deps.log.warn({ reason: reason.split('\n')[0] }, 'database unreachable: refusing requests with 503 until it answers again');
    this.loop = this.probeUntilUp();
  }

  /** Asks the database now (bounded by the probe timeout); a failure opens the breaker. */
  async check(): Promise<{ ok: true } | { ok: false; error: string }> {
    const result = await this.ping();
    if (!result.ok) this.markDown(result.error);
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop;
    await this.probe.close();
  }

  private async ping(): Promise<{ ok: true } | { ok: false; error: string }> {
    const timeoutMs = this.deps.probeTimeoutMs ?? Math.min(timeoutsOf(this.deps.sql).connectTimeoutMs, 2000);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.probe.sql`select 1`,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
      ]);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  private async probeUntilUp(): Promise<void> {
    const every = this.deps.probeEveryMs ?? 500;
    while (this.down && !this.closed) {
      await new Promise((r) => setTimeout(r, every));
      if (this.closed) return;
      if ((await this.ping()).ok) {
        this.deps.log.info({ downForMs: this.downForMs }, 'database reachable again');
        this.down = false;
      }
    }
  }
}

const unavailableBody = { error: 'unavailable', message: 'The database is unreachable right now; nothing was changed. Retry in a few seconds.' };

/**
 * Fails fast while Postgres is down: API requests answer 503 with Retry-After in milliseconds, a request still
 * waiting on the database when it goes down is answered 503 as well, and the breaker learns from every database
 * error a request meets. /healthz answers for itself (it reports which part is down).
 */
export const dbAvailabilityPlugin = fp(
  async (app: FastifyInstance) => {
    const availability = new DbAvailability({ sql: app.sql, log: app.log });
    app.decorate('dbAvailability', availability);
    // How long a request may wait on the database before the database is checked on: a second past a capture's
    // deadline, so a capture answers by itself first.
    const guardMs = Math.min(timeoutsOf(app.sql).statementTimeoutMs, 5000) + 1000;
    const guards = new WeakMap<object, NodeJS.Timeout>();

    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith('/api/')) return;
      if (availability.isDown) {
        return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(unavailableBody);
      }
      const timer = setTimeout(() => {
        if (reply.sent || reply.raw.headersSent) return;
        void availability.check().then(({ ok }) => {
          if (ok || reply.sent || reply.raw.headersSent) return;
          try {
            void reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(unavailableBody);
          } catch {
            // The request is answering by itself right now (its error handler runs): nothing to add.
          }
        });
      }, guardMs);
      timer.unref();
      guards.set(req, timer);
    });
    app.addHook('onResponse', async (req) => clearTimeout(guards.get(req)));
    // Awaited, so the breaker is open before this request's 503 goes out and the next request is refused at once.
    app.addHook('onError', async (_req, _reply, err) => availability.noteError(err));
    app.addHook('onClose', async () => availability.close());
  },
  { name: 'db-availability', dependencies: ['services'] },
);

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DB_SLOW_MS, SCRAPE_DB_TIMEOUT_MS, within } from '../metrics';
import { RETRY_AFTER_SECONDS } from '../plugins/db-availability';

const partStatus = z.object({ ok: z.boolean(), error: z.string().optional(), ms: z.number(), slow: z.boolean().optional() });
const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  postgres: partStatus,
  temporal: partStatus,
  /** Captures accepted but not yet handed to Temporal: a growing number or age means dispatch is failing. */
  captureBacklog: z.object({ pending: z.number(), oldestSeconds: z.number().nullable(), failing: z.number() }).optional(),
});

async function probe(fn: () => Promise<unknown>, timeoutMs = 3000) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0], ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /healthz: 200 when Postgres and Temporal answer (status `degraded` when Postgres answers slowly), 503 (with
 * Retry-After) naming the part that does not.
 */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Liveness of Postgres and Temporal', response: { 200: healthSchema, 503: healthSchema } },
  }, async (_req, reply) => {
    // While the database is known to be down, say so at once instead of waiting for another connect timeout.
    const knownDown = app.dbAvailability.isDown;
    const [postgres, temporal] = await Promise.all([
      knownDown
        ? Promise.resolve({ ok: false, error: `unreachable for ${Math.round(app.dbAvailability.downForMs / 1000)} s; retrying`, ms: 0 })
        // The breaker's probe: its own connection (a busy pool is not a dead database), bounded by the connect timeout.
        : probe(async () => {
          const r = await app.dbAvailability.check();
          if (!r.ok) throw new Error(r.error);
        }),
      probe(() => app.temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = postgres.ok && temporal.ok;
    let captureBacklog;
    let slow = postgres.ok && postgres.ms > DB_SLOW_MS ? `answered in ${postgres.ms} ms (over ${DB_SLOW_MS} ms)` : undefined;
    if (postgres.ok) {
      // Bounded: a database that answers a ping but not this query (locks, load) is slow, not a reason to hang.
      const started = performance.now();
      const [b] = await within(SCRAPE_DB_TIMEOUT_MS, () => app.sql<{ pending: number; oldest: number | null; failing: number }[]>`
        select count(*)::int as pending, extract(epoch from now() - min(created_at))::float8 as oldest,
               count(*) filter (where last_error is not null)::int as failing
        from capture_inbox where dispatched_at is null`).catch((err: Error) => {
        slow ??= `the capture backlog query: ${err.message}`;
        return [];
      });
      if (b) captureBacklog = { pending: b.pending, oldestSeconds: b.oldest === null ? null : Math.round(b.oldest), failing: b.failing };
      const ms = performance.now() - started;
      if (b && ms > DB_SLOW_MS) slow ??= `the capture backlog query took ${Math.round(ms)} ms (over ${DB_SLOW_MS} ms)`;
    }
    if (!ok) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    // Slow but answering: 200 with status degraded (keep routing traffic here, but look); down: 503.
    const pg = slow ? { ...postgres, slow: true, error: `slow: ${slow}` } : postgres;
    return reply.status(ok ? 200 : 503).send({ status: ok && !slow ? 'ok' : 'degraded', postgres: pg, temporal, captureBacklog });
  });
};

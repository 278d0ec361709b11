import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RETRY_AFTER_SECONDS } from '../plugins/db-availability';

const partStatus = z.object({ ok: z.boolean(), error: z.string().optional(), ms: z.number() });
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

/** GET /healthz: 200 when Postgres and Temporal answer, 503 (with Retry-After) naming the part that does not. */
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
    if (postgres.ok) {
      const [b] = await app.sql<{ pending: number; oldest: number | null; failing: number }[]>`
        select count(*)::int as pending, extract(epoch from now() - min(created_at))::float8 as oldest,
               count(*) filter (where last_error is not null)::int as failing
        from capture_inbox where dispatched_at is null`.catch(() => []);
      if (b) captureBacklog = { pending: b.pending, oldestSeconds: b.oldest === null ? null : Math.round(b.oldest), failing: b.failing };
    }
    if (!ok) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', postgres, temporal, captureBacklog });
  });
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

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

/** GET /healthz: 200 when Postgres and Temporal answer, 503 naming the part that does not. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Liveness of Postgres and Temporal', response: { 200: healthSchema, 503: healthSchema } },
  }, async (_req, reply) => {
    const [postgres, temporal] = await Promise.all([
      probe(() => app.sql`select 1`),
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
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', postgres, temporal, captureBacklog });
  });
};

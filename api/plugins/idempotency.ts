import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { DomainError, unprocessable } from '../errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * true: a retried POST with the same `Idempotency-Key` gets the first answer and runs once. Partner POSTs have it
     * unless they declare their own headers schema (they handle the key themselves, as lead capture does) or set false.
     */
    idempotency?: boolean;
  }
  interface FastifyRequest {
    idempotencyClaim?: { scope: string; key: string };
  }
}

/** `Idempotency-Key`: 1 to 200 printable ASCII characters without spaces (a UUID is a good choice). */
export const idempotencyHeadersSchema = z.looseObject({
  'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 printable characters without spaces').optional()
    .meta({ description: 'Send the same key when you retry: the request runs once and the retry gets the first answer', examples: ['3f0c2a8e-5d7b-4c1e-9a62-0b8f4d2e7c11'] }),
});

/** A key is kept this long; a later request with it is a new request. */
const KEEP_HOURS = 24;
/** A claim older than this whose request never answered (the process died) may be taken over by a retry. */
const STALE_RUNNING_MS = 60_000;

const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]).map(String);

/** The same body in another key order is the same request. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

const keyReused = () => unprocessable('Idempotency-Key: this key was already used for a different request; send a new key with a new request', [
  { path: 'headers.idempotency-key', message: 'was already used with a different request' },
]);

/**
 * Idempotency-Key for POST routes: the first request with a key runs and its answer (any status below 500) is kept;
 * a retry with the same key and body gets that answer again (header `idempotent-replayed: true`) without running;
 * the same key with another body is refused with 422 naming the header. Keys are per caller (partner key or user).
 */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('idempotencyClaim', undefined);

    const claim = async (req: FastifyRequest, reply: FastifyReply) => {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !key) return;
      const scope = req.partnerKeyId ? `partner:${req.partnerKeyId}` : req.user ? `user:${req.user.id}` : req.developerKey ? `developer:${req.developerKey.id}` : 'public';
      const route = `${req.method} ${req.url.split('?')[0]}`;
      const hash = createHash('sha256').update(`${route}\n${JSON.stringify(canonical(req.body ?? null))}`).digest('hex');
      const sql = app.sql;
      const [mine] = await sql<{ key: string }[]>`
        insert into idempotency_requests (scope, key, route, request_hash) values (${scope}, ${key}, ${route}, ${hash})
        on conflict (scope, key) do update set route = excluded.route, request_hash = excluded.request_hash, state = 'running',
          status_code = null, response = null, content_type = null, created_at = now()
        where idempotency_requests.created_at < now() - make_interval(hours => ${KEEP_HOURS})
           or (idempotency_requests.state = 'running' and idempotency_requests.request_hash = excluded.request_hash
               and idempotency_requests.created_at < now() - make_interval(secs => ${STALE_RUNNING_MS / 1000}))
        returning key`;
      if (mine) {
        req.idempotencyClaim = { scope, key };
        return;
      }
      const [prior] = await sql<{ request_hash: string; state: string; status_code: number | null; response: string | null; content_type: string | null }[]>`
        select request_hash, state, status_code, response, content_type from idempotency_requests where scope = ${scope} and key = ${key}`;
      if (!prior) throw Object.assign(new DomainError('conflict', 'Idempotency-Key: the first request with this key just ended; retry'), { retryAfterSeconds: 1 });
      if (prior.request_hash !== hash) throw keyReused();
      if (prior.state !== 'done') {
        reply.header('retry-after', '1');
        throw new DomainError('conflict', 'Idempotency-Key: the first request with this key is still running; retry in a moment for its answer');
      }
      reply.header('idempotent-replayed', 'true').status(prior.status_code ?? 200);
      if (prior.content_type) reply.type(prior.content_type);
      // Sent as stored: the serializer already ran for the first answer.
      reply.serializer((p: unknown) => p as string);
      return reply.send(prior.response ?? '');
    };

    const store = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const c = req.idempotencyClaim;
      if (!c) return payload;
      req.idempotencyClaim = undefined;
      if (reply.statusCode >= 500 || (typeof payload !== 'string' && payload !== null && payload !== undefined)) {
        // A server fault is not an answer to keep: the retry runs again.
        await app.sql`delete from idempotency_requests where scope = ${c.scope} and key = ${c.key} and state = 'running'`.catch(() => undefined);
        return payload;
      }
      const type = reply.getHeader('content-type');
      await app.sql`update idempotency_requests set state = 'done', status_code = ${reply.statusCode}, response = ${(payload as string | null) ?? ''},
                    content_type = ${typeof type === 'string' ? type : null} where scope = ${c.scope} and key = ${c.key}`;
      return payload;
    };

    app.addHook('onRoute', (route) => {
      if (!methodsOf(route).includes('POST')) return;
      const wanted = route.config?.idempotency;
      if (wanted === false) return;
      if (wanted !== true && route.config?.access !== 'partner') return;
      const schema = (route.schema ??= {});
      if (schema.headers) {
        // A route with its own headers schema handles the key itself (lead capture keeps it with the submission).
        if (wanted !== true) return;
      } else {
        schema.headers = idempotencyHeadersSchema;
      }
      route.preHandler = [...(route.preHandler ? [route.preHandler].flat() : []), claim];
      route.onSend = [...(route.onSend ? [route.onSend].flat() : []), store];
    });
  },
  { name: 'idempotency', dependencies: ['services'] },
);

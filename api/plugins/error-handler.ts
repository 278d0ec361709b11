import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { refusalOf } from '../../db/refusals';
import { isDatabaseUnreachable, isStatementTimeout } from '../../db/client';
import { DomainError, statusOf } from '../errors';

interface Problem {
  path: string;
  message: string;
}

/** One place maps domain errors to status codes; 5xx details stay in the log, never in the response. */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        const problems: Problem[] = err.validation.flatMap((v) => {
          const base = [err.validationContext ?? 'body', ...String(v.instancePath ?? '').split('/').filter(Boolean)];
          // An unknown field is named by itself, so the client sees which one to drop.
          const keys = (v.params as { keys?: unknown } | undefined)?.keys;
          if (v.keyword === 'unrecognized_keys' && Array.isArray(keys) && keys.length) {
            return keys.map((k) => ({ path: [...base, String(k)].join('.'), message: 'is not a known field' }));
          }
          return [{ path: base.join('.'), message: v.message ?? 'is invalid' }];
        });
        return reply.status(400).send({
          error: 'bad_request',
          message: problems.map((p) => `${p.path}: ${p.message}`).join('; '),
          problems,
        });
      }
      if (err instanceof DomainError) {
        const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
        return reply.status(statusOf[err.code]).send({ error: err.code, message: err.message, problems: err.details });
      }
      // Postgres unreachable (refused, timed out, shutting down) or a statement past its timeout: nothing was kept, retry.
      if (isDatabaseUnreachable(err) || isStatementTimeout(err)) {
        request.log.warn({ code: (err as { code?: string }).code, reason: err.message.split('\n')[0] }, 'database unavailable');
        return reply.status(503).header('retry-after', '2')
          .send({ error: 'unavailable', message: 'The database is unreachable or too slow right now; nothing was changed. Retry in a few seconds.' });
      }
      // A value the database refuses (SQLSTATE class 22: out of range, malformed, a NUL byte …) is the client's input,
      // never a server fault; integrity violations (class 23) are a conflict with what is stored.
      const refusal = refusalOf(err);
      if (refusal) {
        request.log.info({ code: refusal.code }, 'input refused by the database');
        return reply.status(refusal.integrity ? 409 : 400).send({ error: refusal.integrity ? 'conflict' : 'bad_request', message: `the request was refused: ${refusal.what}` });
      }
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const code = status === 413 ? 'too_large' : status === 429 ? 'rate_limited' : status === 415 ? 'unsupported_media_type' : 'bad_request';
        return reply.status(status).send({ error: code, message: err.message });
      }
      request.log.error({ err }, 'request failed');
      return reply.status(status >= 500 ? status : 500).send({ error: 'internal', message: 'Something went wrong on our side; it has been logged.' });
    });
  },
  { name: 'error-handler' },
);

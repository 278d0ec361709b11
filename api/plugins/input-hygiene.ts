import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../errors';

/** Deepest nesting of objects and arrays a request may carry (a rule set with 20 nested groups needs about 50). */
export const MAX_JSON_DEPTH = 64;

// A NUL byte cannot be stored in a Postgres text column, and a lone UTF-16 surrogate is not text at all.
const NUL = '\u0000';
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badText(s: string): string | undefined {
  if (s.includes(NUL)) return 'must not contain a NUL character (\\u0000)';
  if (loneSurrogate.test(s)) return 'must not contain a lone surrogate (invalid Unicode)';
  return undefined;
}

const seg = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`);

/**
 * The first problem in a parsed request part: a string (value or key) with NUL or a lone surrogate → 400, nesting
 * deeper than `MAX_JSON_DEPTH` → 422. Walks with an explicit stack, so no input can exhaust the call stack.
 * @example findProblem({ name: 'a\u0000' }, 'body') // { path: 'body.name', message: 'must not contain a NUL character (\\u0000)', status: 400 }
 */
export function findProblem(value: unknown, root: string): { path: string; message: string; status: 400 | 422 } | undefined {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const message = badText(v);
      if (message) return { path, message, status: 400 };
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) return { path, message: `is nested too deeply (more than ${MAX_JSON_DEPTH} levels of objects and arrays)`, status: 422 };
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: seg(path, i), depth: depth + 1 });
      } else {
        for (const [k, child] of Object.entries(v)) {
          const message = badText(k);
          if (message) return { path: seg(path, k.split(NUL).join('?').replace(/[\uD800-\uDFFF]/g, '?')), message: `(a field name) ${message}`, status: 400 };
          stack.push({ v: child, path: seg(path, k), depth: depth + 1 });
        }
      }
    }
  }
  return undefined;
}

function check(req: FastifyRequest, parts: ('params' | 'query' | 'body')[]): void {
  for (const part of parts) {
    const p = findProblem(req[part], part === 'query' ? 'querystring' : part);
    if (p) {
      const err = new DomainError(p.status === 400 ? 'bad_request' : 'unprocessable', `${p.path}: ${p.message}`, [{ path: p.path, message: p.message }]);
      // statusCode too: routes registered before our error handler (the /docs UI) answer with fastify's default one.
      throw Object.assign(err, { statusCode: p.status });
    }
  }
}

/**
 * Refuses malformed text and absurd nesting in every route's path parameters, query string and body, once and
 * before any handler, validator or database sees it (register it before the auth plugins).
 */
export const inputHygienePlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (req) => check(req, ['params', 'query']));
    app.addHook('preValidation', async (req) => check(req, ['body']));
  },
  { name: 'input-hygiene', dependencies: ['error-handler'] },
);

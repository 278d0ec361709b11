import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { projectRoot } from '../runtime/temporal-cli';
import { authPlugin } from './auth/plugin';
import { securityPlugin } from './auth/security';
import { captureDispatcherPlugin } from './plugins/capture-dispatcher';
import { dbAvailabilityPlugin } from './plugins/db-availability';
import { errorHandlerPlugin } from './plugins/error-handler';
import { idempotencyPlugin } from './plugins/idempotency';
import { inputHygienePlugin } from './plugins/input-hygiene';
import { documentRoute, securitySchemes } from './plugins/openapi-docs';
import { servicesPlugin, type Services } from './plugins/services';
import { routePlugins } from './routes/index';

export interface BuildAppOptions extends Services {
  logger?: FastifyServerOptions['logger'];
  logRequests?: boolean;
  /** Folder of the built editor (Vite output); served at / when present. */
  editorDir?: string;
}

/** LEADFLOW_EDITOR_DIR points at another build (a developer's side build while tests run on the default one). */
export const defaultEditorDir = process.env.LEADFLOW_EDITOR_DIR || join(projectRoot, 'dist', 'editor');

/** Secrets that must never reach a log line. */
const secretHeaders = ['authorization', 'cookie', '["x-api-key"]', '["x-csrf-token"]'];
const secretFields = ['password', 'currentPassword', 'newPassword', 'token', 'csrfToken', 'key', 'apiKey'];
export const redactPaths = [
  ...secretHeaders.flatMap((h) => [`req.headers${h.startsWith('[') ? h : `.${h}`}`, `headers${h.startsWith('[') ? h : `.${h}`}`]),
  ...secretFields.flatMap((f) => [f, `*.${f}`]),
];

/** Logger options with the secret paths redacted (a logger given as options; `false` stays off). */
function withRedaction(logger: BuildAppOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const redact = { paths: redactPaths, censor: '[redacted]' };
  return logger === true ? { redact } : { redact, ...logger };
}

/**
 * Builds the fastify app: external plugins, then services, then routes. server.ts only listens.
 * @example const app = await buildApp({ sql, temporal, config }); await app.inject({ url: '/healthz' });
 */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withRedaction(opts.logger),
    bodyLimit: 256 * 1024,
    // Per-request lines only at debug level; errors are always logged by the error handler.
    logController: new LogController({ disableRequestLogging: opts.logRequests !== true }),
    // Client address and https come from X-Forwarded-* only behind a trusted proxy (rate limits, Secure cookies).
    // (A hop count is valid at run time, fastify's typings just omit number.)
    trustProxy: opts.config.TRUST_PROXY as boolean | string,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Leadflow API', version: '0.1.0', description: 'Leads as durable workflows: capture, rules, pipeline, tasks.' },
      // Each route's requirement comes from its declared access (see documentRoute), so "Try it out" sends the right one.
      components: { securitySchemes },
    },
    transform: documentRoute,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(errorHandlerPlugin);
  // Before the auth plugins: a NUL byte or a lone surrogate never reaches a session lookup or a query.
  await app.register(inputHygienePlugin);
  await app.register(servicesPlugin, { sql: opts.sql, temporal: opts.temporal, config: opts.config });
  // Before the auth plugins: while the database is down, requests are refused before a session lookup waits on it.
  await app.register(dbAvailabilityPlugin);
  await app.register(captureDispatcherPlugin);
  await app.register(securityPlugin);
  await app.register(authPlugin);
  await app.register(idempotencyPlugin);
  for (const plugin of routePlugins) await app.register(plugin);

  const editorDir = opts.editorDir ?? defaultEditorDir;
  const hasEditor = existsSync(join(editorDir, 'index.html'));
  if (hasEditor) await app.register(fastifyStatic, { root: editorDir, prefix: '/', wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Client-side routing: unknown GETs outside /api and /docs get the app shell.
    if (hasEditor && request.method === 'GET' && !path.startsWith('/api') && !path.startsWith('/docs') && !path.includes('.')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${path}` });
  });
  return app;
}

import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * HTTP hardening for every response: Helmet headers (CSP fit for the Vite-built editor served from the same
 * origin) and CORS limited to the CORS_ORIGINS allow-list (none by default: same origin only).
 */
export const securityPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // React Flow positions nodes with inline style attributes.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          scriptSrcAttr: ["'none'"],
        },
      },
      // Same-origin app: cross-origin isolation headers would only break embedding of our own assets.
      crossOriginEmbedderPolicy: false,
    });
    const allowed = new Set(app.config.CORS_ORIGINS);
    await app.register(cors, {
      // Without an allow-list no CORS headers are sent, so browsers keep other origins out.
      origin: allowed.size ? (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)) : false,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-csrf-token'],
      // Cross-origin callers use a bearer token or an API key; the session cookie stays same-site.
      credentials: false,
      maxAge: 600,
    });
  },
  { name: 'security', dependencies: ['services'] },
);

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiMetrics } from '../metrics';

declare module 'fastify' {
  interface FastifyInstance {
    /** Prometheus metrics of this API process (served by its own listener: see api/metrics.ts serveMetrics). */
    metrics: ApiMetrics;
  }
}

/**
 * Times every answered request by its route pattern (`/api/leads/:id`, never the raw URL: ids and e-mails in paths
 * must not become labels) and decorates `app.metrics`.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const metrics = new ApiMetrics({ sql: app.sql, probe: app.dbAvailability, poolSize: app.config.DATABASE_URL ? 10 : 1 });
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (req, reply) => {
      // A request no route matched is 'unmatched' (the not-found handler), so scanners cannot grow the label set.
      const route = req.is404 ? undefined : req.routeOptions.url;
      metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    });
  },
  { name: 'metrics', dependencies: ['services', 'db-availability'] },
);

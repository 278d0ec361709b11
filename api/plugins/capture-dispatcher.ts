import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CaptureDispatcher } from '../leads/dispatcher';

declare module 'fastify' {
  interface FastifyInstance {
    captureDispatcher: CaptureDispatcher;
  }
}

/** Runs the capture dispatcher while the API runs; on close it stops after the batch in flight. */
export const captureDispatcherPlugin = fp(
  async (app: FastifyInstance) => {
    const dispatcher = new CaptureDispatcher({
      sql: app.sql, temporal: app.temporal, taskQueue: app.config.TEMPORAL_TASK_QUEUE, log: app.log,
      databaseDown: () => app.dbAvailability.isDown,
    });
    app.decorate('captureDispatcher', dispatcher);
    app.addHook('onReady', async () => dispatcher.start());
    app.addHook('onClose', async () => dispatcher.stop());
  },
  { name: 'capture-dispatcher', dependencies: ['services', 'db-availability'] },
);

import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Sql } from '../../db/client';
import type { Config } from '../../runtime/config';

export interface Services {
  sql: Sql;
  temporal: Client;
  config: Config;
}

declare module 'fastify' {
  interface FastifyInstance {
    sql: Sql;
    temporal: Client;
    config: Config;
  }
}

/** Makes the database, the Temporal client and the configuration available to every route. */
export const servicesPlugin = fp(
  async (app: FastifyInstance, services: Services) => {
    app.decorate('sql', services.sql);
    app.decorate('temporal', services.temporal);
    app.decorate('config', services.config);
  },
  { name: 'services' },
);

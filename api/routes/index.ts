import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthRoutes } from './health';
import { smokeRoutes } from './smoke';

/** Every route plugin of the API, in registration order. Add a resource's routes here. */
export const routePlugins: FastifyPluginAsyncZod[] = [healthRoutes, smokeRoutes];

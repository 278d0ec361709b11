import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accountRoutes } from './accounts';
import { apiKeyRoutes } from './api-keys';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { boardRoutes } from './board';
import { digestRoutes } from './digest';
import { healthRoutes } from './health';
import { leadFailureRoutes } from './lead-failures';
import { leadRoutes } from './leads';
import { pipelineRoutes } from './pipelines';
import { reportRoutes } from './reports';
import { ruleSetRoutes } from './rule-sets';
import { savedViewRoutes } from './saved-views';
import { smokeRoutes } from './smoke';
import { templateRoutes } from './templates';
import { userRoutes } from './users';
import { workRoutes } from './work';

/** Every route plugin of the API, in registration order. Add a resource's routes here. */
export const routePlugins: FastifyPluginAsyncZod[] = [healthRoutes, smokeRoutes, authRoutes, userRoutes, apiKeyRoutes, auditRoutes, pipelineRoutes, ruleSetRoutes, leadRoutes, leadFailureRoutes, workRoutes, savedViewRoutes, boardRoutes, accountRoutes, reportRoutes, digestRoutes, templateRoutes];

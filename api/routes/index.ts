import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accountRoutes } from './accounts';
import { activityTypeRoutes } from './activity-types';
import { apiKeyRoutes } from './api-keys';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { boardRoutes } from './board';
import { dashboardRoutes } from './dashboard';
import { digestRoutes } from './digest';
import { entryRuleRoutes } from './entry-rules';
import { documentRoutes } from './documents';
import { healthRoutes } from './health';
import { leadFailureRoutes } from './lead-failures';
import { leadMoveRoutes } from './lead-moves';
import { leadRetryRoutes } from './lead-retry';
import { leadRoutes } from './leads';
import { pipelineAdminRoutes } from './pipeline-admin';
import { pipelineRoutes } from './pipelines';
import { reportRoutes } from './reports';
import { ruleSetRoutes } from './rule-sets';
import { savedViewRoutes } from './saved-views';
import { smokeRoutes } from './smoke';
import { templateRoutes } from './templates';
import { userRoutes } from './users';
import { workRoutes } from './work';

/** Every route plugin of the API, in registration order. Add a resource's routes here. */
export const routePlugins: FastifyPluginAsyncZod[] = [healthRoutes, smokeRoutes, authRoutes, userRoutes, apiKeyRoutes, auditRoutes, pipelineRoutes, leadMoveRoutes, pipelineAdminRoutes, entryRuleRoutes, ruleSetRoutes, leadRoutes, leadFailureRoutes, leadRetryRoutes, workRoutes, savedViewRoutes, boardRoutes, accountRoutes, reportRoutes, dashboardRoutes, digestRoutes, templateRoutes, documentRoutes, activityTypeRoutes];

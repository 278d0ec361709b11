import type { ActivityDeps } from './deps';
import { createSmokeActivities } from './smoke.activity';

/**
 * Builds every activity the worker registers from its dependencies.
 * Workflows import only the type: `proxyActivities<Activities>(…)`.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSmokeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

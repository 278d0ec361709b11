import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/activity';
import { BUILTIN_OWNER, registerActivityTypes } from '../db/activity-types';
import { createActivities } from './activities';
import './custom/index';
import type { ActivityDeps } from './deps';
import type { WorkerMetrics } from './metrics';
import { builtinActivityFunctions, builtinActivityTypes } from './registry';

export const workflowsPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'engine', 'workflows.ts');

/** Bundles engine/workflows.ts once; reuse the result for every worker in the process. */
export async function bundleWorkflows(): Promise<WorkflowBundleOption> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
  return { code };
}

const noop = () => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop };

export interface LeadflowWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundleOption;
  /** Extra activities registered by developers (see workers/registry.ts). */
  extraActivities?: Record<string, (...args: any[]) => Promise<unknown>>;
  /** Concurrency and cache sizes (config WORKER_*); the SDK's defaults where unset. */
  tuning?: WorkerTuning;
  /** Activity latency and failures per activity type (workers/metrics.ts). */
  metrics?: WorkerMetrics;
}

/** How much one worker process takes on at once. */
export interface WorkerTuning {
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  /** Workflows kept in memory between tasks (sticky cache): a cached lead's next task needs no history replay. */
  maxCachedWorkflows?: number;
}

/**
 * Creates the worker that runs the lead workflows and every activity on one task queue.
 * @example const worker = await createLeadflowWorker({ connection, namespace: 'default', taskQueue: 'leadflow', deps });
 */
export async function createLeadflowWorker(opts: LeadflowWorkerOptions): Promise<Worker> {
  // The built-in custom activities are activity types like any developer's: the palette reads them from the table.
  await registerActivityTypes(opts.deps.sql, { owner: BUILTIN_OWNER, keyId: null, source: 'builtin' }, builtinActivityTypes(opts.taskQueue));
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.workflowBundle ?? (await bundleWorkflows()),
    activities: {
      ...builtinActivityFunctions(opts.deps.sql, (message, type) => ApplicationFailure.nonRetryable(message, type)),
      ...createActivities(opts.deps),
      ...opts.extraActivities,
    },
    ...opts.tuning,
    ...(opts.metrics ? { interceptors: { activity: [opts.metrics.activityInterceptor] } } : {}),
    // Running activities get 5 s to finish after a shutdown request, then are cancelled; if one ignores the
    // cancellation the worker gives up at 8 s, so a Ctrl-C or SIGTERM always stops it within 10 s.
    shutdownGraceTime: '5 seconds',
    shutdownForceTime: '8 seconds',
  });
}

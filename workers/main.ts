// `npm run worker`: one worker process against TEMPORAL_ADDRESS and DATABASE_URL; run as many as you need.
import { runClusterPart } from '../runtime/cluster-entry';

await runClusterPart('worker', { worker: true, api: false }, (s) => `polling task queue "${s.config.TEMPORAL_TASK_QUEUE}" on ${s.temporalAddress}; metrics at ${s.workerMetricsUrl}`);

import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../workers/activities';

const { recordSmokeRun } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '2 seconds' },
});

export interface SmokeInput {
  note: string;
  /** Durable pause before the write, so tests can stop the worker while the workflow is in flight. */
  delayMs?: number;
}

/**
 * Proves the stack end to end: the API starts it, the worker's activity writes one row to Postgres.
 * @example await client.workflow.start(smokeWorkflow, { taskQueue, workflowId: 'smoke-1', args: [{ note: 'hi' }] });
 */
export async function smokeWorkflow(input: SmokeInput): Promise<{ written: boolean }> {
  if (input.delayMs) await sleep(input.delayMs);
  return recordSmokeRun(input.note);
}

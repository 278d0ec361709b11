import { ActivityFailure, ApplicationFailure, condition, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../workers/activities';
import { cancelImportSignal, pauseImportSignal, resumeImportSignal } from './messages';
import type { ImportWorkflowInput } from './types';

// A batch resumes from the checkpoint committed with the previous one, so retrying it (a worker restart, a lost
// connection) never writes a row twice; bad input is recorded per row and never fails the batch.
const { importBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  // A batch heartbeats as it goes: a worker that stops or dies mid-batch is noticed within seconds and the batch retried.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
const { markImport } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '10 seconds' } });

/** Batches run before continuing as new, so the history stays short for files of any size. */
const BATCHES_PER_RUN = 200;

/**
 * One CSV import: feeds the file's rows in batches at most `rowsPerSecond` rows a second, records progress with each
 * batch, and can be paused, resumed and cancelled between batches. Continues as new every few hundred batches.
 * @example await client.workflow.start(importWorkflow, { workflowId: importWorkflowId(id), taskQueue, args: [{ importId: id, rowsPerSecond: 500 }] });
 */
export async function importWorkflow(input: ImportWorkflowInput): Promise<void> {
  const { importId, rowsPerSecond } = input;
  const batchRows = input.batchRows ?? Math.max(20, Math.min(500, Math.ceil(rowsPerSecond / 4)));
  let paused = input.paused ?? false;
  let cancelled = false;
  setHandler(pauseImportSignal, () => {
    paused = true;
  });
  setHandler(resumeImportSignal, () => {
    paused = false;
  });
  setHandler(cancelImportSignal, () => {
    cancelled = true;
  });

  for (let batches = 0; ; batches++) {
    if (paused && !cancelled) {
      await markImport({ importId, status: 'paused' });
      await condition(() => !paused || cancelled);
      if (!cancelled) await markImport({ importId, status: 'running' });
    }
    if (cancelled) {
      await markImport({ importId, status: 'cancelled' });
      return;
    }
    if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof importWorkflow>({ importId, rowsPerSecond, batchRows, paused });
    }
    let result;
    try {
      result = await importBatch({ importId, batchRows });
    } catch (err) {
      // Only a refusal ends here (no pipeline published, the import deleted); transient faults are retried above.
      const cause = err instanceof ActivityFailure ? err.cause : err;
      if (!(cause instanceof ApplicationFailure)) throw err;
      await markImport({ importId, status: 'failed', error: cause.message });
      return;
    }
    if (result.done) {
      await markImport({ importId, status: 'completed' });
      return;
    }
    // The controlled rate: a batch of n rows takes at least n / rowsPerSecond seconds.
    const waitMs = Math.ceil((result.rows * 1000) / rowsPerSecond) - result.elapsedMs;
    if (waitMs > 0) await sleep(waitMs);
  }
}

import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../workers/activities';
import { wakeDispatcherSignal } from './messages';

/**
 * Retries back off 1 s, 2 s, 4 s … capped at 10 s, so a receiver that is back after a minute is caught up within
 * seconds. After 30 failed attempts (about five minutes) the dispatcher rests for five minutes before the next round,
 * so a receiver that is down for hours is not hammered; the subscription pauses by its own rule meanwhile.
 */
const { deliverWebhooks } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 30 },
});

export interface WebhookDispatchInput {
  subscriptionId: string;
}

/** Rounds before continue-as-new even if Temporal has not suggested it yet (keeps the history short). */
const ROUNDS_PER_RUN = 500;

/**
 * One per subscription (id `webhook-<subscriptionId>`): delivers the subscription's outbox in order, one delivery at a
 * time, through an activity that retries with backoff. Paused: waits for the resume signal. Deleted: ends.
 * @example await client.workflow.signalWithStart(webhookDispatchWorkflow, { workflowId: `webhook-${id}`, taskQueue, args: [{ subscriptionId: id }], signal: wakeDispatcherSignal });
 */
export async function webhookDispatchWorkflow(input: WebhookDispatchInput): Promise<void> {
  let woken = false;
  setHandler(wakeDispatcherSignal, () => {
    woken = true;
  });
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    woken = false;
    try {
      const r = await deliverWebhooks({ subscriptionId: input.subscriptionId });
      if (r.state === 'gone') return;
      if (r.state === 'paused') await condition(() => woken);
    } catch {
      // Every attempt of this round failed (the receiver is down): rest, unless an admin wakes the dispatcher.
      await condition(() => woken, '5 minutes');
    }
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await continueAsNew<typeof webhookDispatchWorkflow>(input);
}

import { ActivityFailure, ApplicationFailure, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../workers/activities';
import { getDigestProgressQuery } from './messages';
import type { DigestProgress, DigestRunInput, DigestRunResult, DueDigest } from './types';

const { dueDigests } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 5 } });
// A digest that still fails after its attempts is left to the next hourly run (its outbox row stays retryable).
const { sendDigest } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 6 },
});

/** Digests sent side by side; keeps one run from opening hundreds of SMTP conversations at once. */
const PARALLEL = 10;

function nonRetryableReason(err: unknown): string | null {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.nonRetryable ? cause.message : null;
}

/**
 * One hourly digest run, started by the daily-digest schedule: asks which users are due at this hour (their local
 * digest hour has come and today's digest is not sent yet) and sends each one digest, keyed by user and local date
 * in the mail outbox, so runs that overlap or catch up after downtime never send a second one.
 * @example await client.workflow.execute(digestWorkflow, { taskQueue: 'leadflow', workflowId: 'digest-manual', args: [{}] });
 */
export async function digestWorkflow(input: DigestRunInput = {}): Promise<DigestRunResult> {
  const at = input.at ?? new Date().toISOString();
  const progress: DigestProgress = { at, due: 0, done: 0 };
  setHandler(getDigestProgressQuery, () => progress);

  const due = await dueDigests({ at });
  progress.due = due.length;
  const result: DigestRunResult = { at, sent: [], skipped: [], failed: [] };
  const sendOne = async (d: DueDigest) => {
    try {
      await sendDigest({ ...d, at });
      result.sent.push(d);
    } catch (err) {
      const reason = nonRetryableReason(err);
      if (reason !== null) {
        log.warn('digest skipped', { userId: d.userId, localDate: d.localDate, reason });
        result.skipped.push({ ...d, reason });
      } else {
        const message = err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message;
        log.error('digest failed; the next run tries again', { userId: d.userId, localDate: d.localDate, reason: message });
        result.failed.push({ ...d, reason: message });
      }
    } finally {
      progress.done += 1;
    }
  };
  for (let i = 0; i < due.length; i += PARALLEL) await Promise.all(due.slice(i, i + PARALLEL).map(sendOne));
  return result;
}

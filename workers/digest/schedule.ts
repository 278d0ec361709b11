import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { DigestRunInput } from '../../engine/digest/types';
import { digestWorkflow } from '../../engine/digest/workflow';

/** One digest schedule per task queue (the workers of that queue run its hourly digest workflow). */
export const digestScheduleId = (taskQueue: string) => `daily-digest-${taskQueue}`;

/**
 * Creates the hourly digest schedule, or brings an existing one to this spec (idempotent: every worker start calls
 * it). Each run sends the digests whose local hour has come; a run missed while Temporal or the workers were down is
 * caught up within a day, and runs never overlap (a later run finds what an earlier one sent in the outbox).
 * @example await ensureDigestSchedule(client, 'leadflow');
 */
export async function ensureDigestSchedule(client: Client, taskQueue: string): Promise<void> {
  const scheduleId = digestScheduleId(taskQueue);
  const options = {
    spec: { intervals: [{ every: '1 hour' }] },
    action: { type: 'startWorkflow' as const, workflowType: digestWorkflow, taskQueue, workflowId: `daily-digest-${taskQueue}`, args: [{}] as [DigestRunInput] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  } satisfies Omit<ScheduleOptions, 'scheduleId'>;
  try {
    await client.schedule.create({ scheduleId, ...options });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec: options.spec, action: options.action, policies: { ...prev.policies, ...options.policies } }));
  }
}

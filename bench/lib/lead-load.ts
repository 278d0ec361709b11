/** Helpers of the lead benches: a closed-loop pool, percentiles, and what a lead's Temporal history is made of. */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';

export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** Runs `fn(0..n-1)` with at most `concurrency` calls in flight; results in index order. */
export async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

const E = proto.temporal.api.enums.v1.EventType;

/** The local activity type a marker records (the SDK writes it into the marker's `data` details), if readable. */
function markerActivity(e: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const payload = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  if (!payload) return undefined;
  try {
    const d = JSON.parse(Buffer.from(payload).toString('utf8')) as { activity_type?: string; activityType?: string };
    return d.activity_type ?? d.activityType;
  } catch {
    return undefined;
  }
}

export interface HistoryBreakdown {
  /** Means per lead over the sample. */
  workflowTasks: number;
  localActivities: number;
  activities: number;
  events: number;
  /** One lead's commands in order (workflow tasks as "WT", local activities by type, activities as "activity:type"). */
  example: string[];
}

/** Averages what the histories of `ids` hold: workflow tasks completed, local activity markers, activities, events. */
export async function historyBreakdown(client: Client, ids: string[]): Promise<HistoryBreakdown> {
  let tasks = 0;
  let locals = 0;
  let activities = 0;
  let events = 0;
  let example: string[] = [];
  for (const id of ids) {
    const h = await client.workflow.getHandle(id).fetchHistory();
    const steps: string[] = [];
    for (const e of h.events ?? []) {
      events++;
      if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        tasks++;
        steps.push('WT');
      } else if (e.eventType === E.EVENT_TYPE_MARKER_RECORDED) {
        locals++;
        steps.push(markerActivity(e) ?? 'local activity');
      } else if (e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        activities++;
        steps.push(`activity:${e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?'}`);
      }
    }
    if (!example.length) example = steps;
  }
  const n = Math.max(1, ids.length);
  return { workflowTasks: tasks / n, localActivities: locals / n, activities: activities / n, events: events / n, example };
}

import type { Task, TaskBucket } from './api/tasks';

export const bucketOrder: TaskBucket[] = ['overdue', 'today', 'upcoming', 'someday'];
export const bucketLabel: Record<TaskBucket, string> = { overdue: 'Overdue', today: 'Today', upcoming: 'Upcoming', someday: 'No due date' };

const dayKey = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The bucket of an open task in the browser's time zone. The server sends one; this is used while an optimistic
 * change (snooze) has not been confirmed yet.
 */
export function bucketOf(task: Pick<Task, 'dueAt' | 'bucket'>, now: Date): TaskBucket {
  if (task.bucket) return task.bucket;
  if (!task.dueAt) return 'someday';
  const due = new Date(task.dueAt);
  if (due.getTime() < now.getTime()) return 'overdue';
  return dayKey(due) === dayKey(now) ? 'today' : 'upcoming';
}

/** Open tasks grouped by bucket, each group by due date (soonest first). */
export function groupTasks<T extends Pick<Task, 'dueAt' | 'bucket' | 'done'>>(tasks: T[], now: Date): Record<TaskBucket, T[]> {
  const out: Record<TaskBucket, T[]> = { overdue: [], today: [], upcoming: [], someday: [] };
  for (const t of tasks) if (!t.done) out[bucketOf(t, now)].push(t);
  const due = (t: T) => (t.dueAt ? new Date(t.dueAt).getTime() : Number.POSITIVE_INFINITY);
  for (const b of bucketOrder) out[b].sort((a, b2) => due(a) - due(b2));
  return out;
}

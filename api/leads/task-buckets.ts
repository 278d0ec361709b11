/** Inbox groups, in the order the inbox shows them. */
export const taskBuckets = ['overdue', 'today', 'upcoming', 'someday'] as const;
export type TaskBucket = (typeof taskBuckets)[number];

/** True for an IANA time zone name the runtime knows (e.g. Europe/Berlin, UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
const dayIn = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/**
 * The inbox group of a task, by the user's calendar: an open task past due is overdue; due on the user's today is
 * today; later is upcoming; no due date is someday.
 * @example bucketOf({ due_at: new Date('2026-03-02T23:30:00Z'), done: false }, new Date('2026-03-02T12:00:00Z'), 'Europe/Berlin') // 'upcoming'
 */
export function bucketOf(t: { due_at: Date | null; done: boolean }, now: Date, timeZone: string): TaskBucket {
  if (!t.due_at) return 'someday';
  if (!t.done && t.due_at.getTime() < now.getTime()) return 'overdue';
  const due = dayIn(t.due_at, timeZone);
  const today = dayIn(now, timeZone);
  if (due === today) return 'today';
  return due < today ? 'overdue' : 'upcoming';
}

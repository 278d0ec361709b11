import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export type TaskBucket = 'overdue' | 'today' | 'upcoming' | 'someday';

export interface Task {
  id: string;
  leadId: string | null;
  leadName: string | null;
  ownerId: string | null;
  ownerName?: string | null;
  kind: string;
  title: string;
  dueAt: string | null;
  done: boolean;
  overdue: boolean;
  createdAt: string;
  bucket?: TaskBucket;
}

export interface TaskFilters { owner?: string; done?: 'true' | 'false'; leadId?: string }

/** The browser's time zone: the server buckets "today" by it. */
export const userTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const taskKeys = {
  all: ['tasks'] as const,
  list: (filters: TaskFilters) => ['tasks', 'list', filters] as const,
};

function tasksPath(filters: TaskFilters): string {
  const q = new URLSearchParams({ group: 'true', tz: userTimeZone() });
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  return `/api/tasks?${q.toString()}`;
}

/** Tasks I may see (a rep: mine; a manager: the team's; ops/admin: all), with the server's overdue/today/upcoming bucket. */
export function useTasks(filters: TaskFilters) {
  return useQuery({
    queryKey: taskKeys.list(filters),
    queryFn: ({ signal }) => api<{ items: Task[] }>(tasksPath(filters), { signal }),
    select: (d) => d.items,
    // Changing a filter keeps the old list on screen until the new one is there.
    placeholderData: keepPreviousData,
  });
}

type TaskListCache = { items: Task[] } | undefined;

/** Changes every cached task list at once (optimistic updates); returns the previous lists to roll back to. */
function patchLists(qc: ReturnType<typeof useQueryClient>, change: (items: Task[]) => Task[]): [QueryKey, TaskListCache][] {
  const previous = qc.getQueriesData<{ items: Task[] }>({ queryKey: ['tasks', 'list'] });
  for (const [key, data] of previous) if (data) qc.setQueryData(key, { ...data, items: change(data.items) });
  return previous;
}

function useTaskMutation<V extends { id: string }>(send: (v: V) => Promise<unknown>, optimistic: (items: Task[], v: V) => Task[]) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onMutate: async (v: V) => {
      await qc.cancelQueries({ queryKey: taskKeys.all });
      return { previous: patchLists(qc, (items) => optimistic(items, v)) };
    },
    onError: (_err, _v, ctx) => {
      for (const [key, data] of ctx?.previous ?? []) qc.setQueryData(key, data);
    },
    // The lead page and the board show open tasks and deadlines too.
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: taskKeys.all }), qc.invalidateQueries({ queryKey: ['board'] }), qc.invalidateQueries({ queryKey: ['leads'] })]),
  });
}

/** Marks a task done; it leaves open lists at once and comes back if the server refuses. */
export function useMarkTaskDone() {
  return useTaskMutation<{ id: string }>(
    ({ id }) => api(`/api/tasks/${encodeURIComponent(id)}/done`, { method: 'POST' }),
    (items, { id }) => items.filter((t) => t.id !== id || t.done),
  );
}

/** Moves a task's due date (must be in the future, within a year). */
export function useSnoozeTask() {
  return useTaskMutation<{ id: string; dueAt: string }>(
    ({ id, dueAt }) => api(`/api/tasks/${encodeURIComponent(id)}/snooze`, { method: 'POST', body: { dueAt } }),
    (items, { id, dueAt }) => items.map((t) => (t.id === id ? { ...t, dueAt, overdue: false, bucket: undefined } : t)),
  );
}

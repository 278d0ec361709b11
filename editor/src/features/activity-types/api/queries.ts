import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, post } from '../../../lib/api';

export interface ActivityType {
  name: string; version: number; label: string; description: string | null; taskQueue: string; source: 'builtin' | 'developer'; owner: string;
  online: boolean; lastSeenAt: string | null; retiredAt: string | null; outputFacts: { name: string; type: string; values?: string[] }[];
}
export interface PipelineUse { id: string; name: string; nodeIds: string[]; where: ('draft' | 'published')[] }

export const activityTypeKeys = { all: ['activity-types'] as const, usage: (name: string, version: number) => ['activity-types', 'usage', name, version] as const };
const enc = encodeURIComponent;

/** Registered activity types (retired ones too), polled: a worker's online status changes without any edit here. */
export const useActivityTypes = () => useQuery({
  queryKey: activityTypeKeys.all,
  queryFn: ({ signal }) => api<{ items: ActivityType[] }>('/api/activity-types?retired=true', { signal }),
  refetchInterval: 15_000,
});

/** Pipelines still calling a version, asked before retiring it. */
export const useActivityTypeUsage = (t: { name: string; version: number } | null) => useQuery({
  queryKey: t ? activityTypeKeys.usage(t.name, t.version) : ['activity-types', 'usage', 'none'],
  queryFn: ({ signal }) => api<{ pipelines: PipelineUse[] }>(`/api/activity-types/${enc(t!.name)}/${t!.version}/usage`, { signal }),
  enabled: !!t,
});

export const useRetireActivityType = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (t: { name: string; version: number }) => post<{ warning: string | null; pipelines: PipelineUse[] }>(`/api/activity-types/${enc(t.name)}/${t.version}/retire`),
    onSettled: () => qc.invalidateQueries({ queryKey: activityTypeKeys.all }),
  });
};

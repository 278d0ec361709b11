import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../../../lib/api';
import { leadKeys } from './keys';
import type { Constant, LeadActions, LeadDetail, LeadPage, SavedView, UserOption } from './types';

const enc = encodeURIComponent;

/** One page of the finder; the previous page stays on screen while the next loads. */
export function useLeadList(params: Record<string, string>) {
  return useQuery({
    queryKey: leadKeys.list(params),
    queryFn: ({ signal }) => api<LeadPage>(withQuery('/api/leads', params), { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useLead(id: string) {
  return useQuery({ queryKey: leadKeys.detail(id), queryFn: ({ signal }) => api<LeadDetail>(`/api/leads/${enc(id)}`, { signal }) });
}

/** What the workflow allows now (asked fresh: never served stale from the cache). */
export function useLeadActions(id: string) {
  return useQuery({ queryKey: leadKeys.actions(id), queryFn: ({ signal }) => api<LeadActions>(`/api/leads/${enc(id)}/actions`, { signal }), staleTime: 0 });
}

export function useSavedViews() {
  return useQuery({ queryKey: leadKeys.savedViews, queryFn: ({ signal }) => api<{ items: SavedView[] }>('/api/saved-views', { signal }) });
}

/** Admin constants by category (active ones only, in their configured order). */
export function useConstants() {
  return useQuery({
    queryKey: leadKeys.constants,
    queryFn: ({ signal }) => api<{ items: Constant[] }>('/api/constants', { signal }),
    staleTime: 5 * 60_000,
    select: (d) => {
      const by: Record<string, { value: string; label: string }[]> = {};
      for (const c of d.items) if (c.active) (by[c.category] ??= []).push({ value: c.code, label: c.label });
      return by;
    },
  });
}

/** Active reps a lead may be reassigned to (a manager gets the reps of the teams they manage). */
export function useAssignableReps(enabled: boolean) {
  return useQuery({
    queryKey: leadKeys.assignableReps,
    queryFn: ({ signal }) => api<{ items: UserOption[] }>('/api/users?role=rep&active=true&assignable=true&limit=200', { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** Users that may own leads, for the finder's owner filter (managers, ops and admins may list users). */
export function useOwners(enabled: boolean) {
  return useQuery({
    queryKey: leadKeys.owners,
    queryFn: ({ signal }) => api<{ items: UserOption[] }>('/api/users?limit=200', { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}

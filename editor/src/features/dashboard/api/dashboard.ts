import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Dashboard, DashboardItems, ForecastProbabilities } from '../../../../../api/dashboard/schemas';
import { api, withQuery } from '../../../lib/api';

export type { Dashboard, DashboardItems, DashboardPeriod, ForecastProbabilities } from '../../../../../api/dashboard/schemas';
export { dashboardPeriods, forecastProbabilitiesSchema, forecastStages } from '../../../../../api/dashboard/schemas';

/** The dashboard filters that go into the URL and the API query. */
export const filterKeys = ['period', 'from', 'to', 'team', 'rep'] as const;
export type DashboardParams = Partial<Record<(typeof filterKeys)[number], string>>;

export const dashboardKeys = {
  all: ['dashboard'] as const,
  dashboard: (params: DashboardParams) => ['dashboard', params] as const,
  items: (params: DashboardParams, drill: string) => ['dashboard', params, 'items', drill] as const,
  probabilities: ['dashboard', 'probabilities'] as const,
  teams: ['dashboard', 'teams'] as const,
  people: ['dashboard', 'people'] as const,
};

export function useDashboard(params: DashboardParams) {
  return useQuery({
    queryKey: dashboardKeys.dashboard(params),
    queryFn: ({ signal }) => api<Dashboard>(withQuery('/api/dashboard', params), { signal }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** The leads behind one figure of the dashboard. */
export function useDashboardItems(params: DashboardParams, drill: string | null) {
  return useQuery({
    queryKey: dashboardKeys.items(params, drill ?? ''),
    queryFn: ({ signal }) => api<DashboardItems>(withQuery('/api/dashboard/items', { ...params, drill }), { signal }),
    enabled: !!drill,
    retry: false,
  });
}

/** Ops and admins change the forecast's stage probabilities; every figure that uses them is fetched again. */
export function useSetForecastProbabilities() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: ForecastProbabilities) => api<ForecastProbabilities>('/api/dashboard/forecast-probabilities', { method: 'PUT', body: p }),
    onSuccess: () => qc.invalidateQueries({ queryKey: dashboardKeys.all }),
  });
}

export interface TeamOption { id: string; name: string; managerId: string | null }
export interface PersonOption { id: string; name: string; role: string; teamId: string | null }

export function useTeams(enabled: boolean) {
  return useQuery({ queryKey: dashboardKeys.teams, queryFn: ({ signal }) => api<{ items: TeamOption[] }>('/api/teams', { signal }), select: (d) => d.items, staleTime: 5 * 60_000, enabled });
}

/** Reps and managers a manager, ops or admin may pick. */
export function usePeople(enabled: boolean) {
  return useQuery({
    queryKey: dashboardKeys.people,
    queryFn: ({ signal }) => api<{ items: PersonOption[] }>('/api/users?active=true&limit=200', { signal }),
    select: (d) => d.items.filter((u) => u.role === 'rep' || u.role === 'manager'),
    staleTime: 5 * 60_000,
    enabled,
  });
}

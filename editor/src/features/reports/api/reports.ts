import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReportItems, ReportName, ReportResult } from '../../../../../api/reports/schemas';
import { api, withQuery } from '../../../lib/api';

export type { ReportItems, ReportName, ReportResult, ReportTable } from '../../../../../api/reports/schemas';
export { reportNames } from '../../../../../api/reports/schemas';

/** What each report answers, in the field's words (the index page and the page headers). */
export const reportCatalog: Record<ReportName, { title: string; question: string; usesDays?: boolean; usesClasses?: boolean; usesPeriod?: boolean }> = {
  'never-contacted': { title: 'Never contacted', question: 'How many prospects were never contacted, and which: not even assigned to a rep, or assigned but never visited.', usesPeriod: true },
  'important-customers': { title: 'Important customers not visited', question: 'Which important customers (class A/B) nobody visited in the last N days.', usesDays: true, usesClasses: true },
  conversion: { title: 'Leads → offers → orders', question: 'How many leads became offers and how many offers became orders, by month, rep and source.', usesPeriod: true },
  visits: { title: 'Visits and calls', question: 'How many calls or visits each rep made per customer class and per visit type, and how many became offers.', usesPeriod: true },
  offers: { title: 'Offers by status', question: 'Offers by status and rejection reason; the sent offers still unconfirmed after N days.', usesPeriod: true, usesDays: true },
  overview: { title: 'General situation', question: 'Open leads, new leads, visits, offers, orders, wins and losses: overall and per rep.', usesPeriod: true },
};

/** The report filters that go into the URL and the API query (period, team, rep, N days, classes). */
export const filterKeys = ['from', 'to', 'team', 'rep', 'days', 'classes'] as const;
export type ReportParams = Partial<Record<(typeof filterKeys)[number], string>>;

export const reportKeys = {
  all: ['reports'] as const,
  report: (name: string, params: ReportParams) => ['reports', name, params] as const,
  items: (name: string, params: ReportParams, drill: string) => ['reports', name, params, 'items', drill] as const,
  teams: ['reports', 'teams'] as const,
  reps: ['reports', 'reps'] as const,
};

export const exportHref = (name: string, params: ReportParams, drill?: string) => withQuery(`/api/reports/${encodeURIComponent(name)}/export.csv`, { ...params, drill });

export function useReport(name: string, params: ReportParams) {
  return useQuery({
    queryKey: reportKeys.report(name, params),
    queryFn: ({ signal }) => api<ReportResult>(withQuery(`/api/reports/${encodeURIComponent(name)}`, params), { signal }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** The list behind one number of a report. */
export function useReportItems(name: string, params: ReportParams, drill: string | null) {
  return useQuery({
    queryKey: reportKeys.items(name, params, drill ?? ''),
    queryFn: ({ signal }) => api<ReportItems>(withQuery(`/api/reports/${encodeURIComponent(name)}/items`, { ...params, drill }), { signal }),
    enabled: !!drill,
    retry: false,
  });
}

export interface TeamOption { id: string; name: string; managerId: string | null }
export interface UserOption { id: string; name: string; role: string; teamId: string | null }

export function useTeams() {
  return useQuery({ queryKey: reportKeys.teams, queryFn: ({ signal }) => api<{ items: TeamOption[] }>('/api/teams', { signal }), select: (d) => d.items, staleTime: 5 * 60_000 });
}

/** Reps and managers the user may pick (a manager: the teams they manage). */
export function useReportReps() {
  return useQuery({
    queryKey: reportKeys.reps,
    queryFn: ({ signal }) => api<{ items: UserOption[] }>('/api/users?active=true&limit=200', { signal }),
    select: (d) => d.items.filter((u) => u.role === 'rep' || u.role === 'manager'),
    staleTime: 5 * 60_000,
  });
}

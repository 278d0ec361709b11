import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export interface UnassignedLead { id: string; name: string; company: string | null; stage: string; score: number | null; grade: string | null; createdAt: string; country?: string | null }
export interface TeamBoardCard { id: string; ownerId?: string | null; ownerName: string | null; offerValue: number | null }
export interface TeamBoard { columns: { stage: string; label: string; count: number; leads: TeamBoardCard[] }[] }
export interface Rep { id: string; name: string; role: string; active: boolean; teamId: string | null; capacity: number }

export const teamKeys = {
  unassigned: ['leads', 'unassigned'] as const,
  board: (scope: 'team' | 'all') => ['board', scope] as const,
  reps: ['users', 'reps'] as const,
};

/** Leads nobody owns yet (routing found no one), newest first. */
export function useUnassignedLeads() {
  return useQuery({
    queryKey: teamKeys.unassigned,
    queryFn: ({ signal }) => api<{ total: number; items: UnassignedLead[] }>('/api/leads?owner=unassigned&sort=createdAt&order=desc&limit=20', { signal }),
  });
}

/** The team's open leads by stage (the board's data) to count per rep; `all` for admins, who manage no team. */
export function useTeamBoard(scope: 'team' | 'all') {
  return useQuery({
    queryKey: teamKeys.board(scope),
    queryFn: ({ signal }) => api<TeamBoard>(`/api/board?scope=${scope}`, { signal }),
  });
}

/** Reps I may see (a manager: the teams they manage). */
export function useReps() {
  return useQuery({
    queryKey: teamKeys.reps,
    queryFn: ({ signal }) => api<{ items: Rep[] }>('/api/users?role=rep&active=true&limit=200', { signal }),
    select: (d) => d.items,
    staleTime: 5 * 60_000,
  });
}

/** Open leads and offer value per rep, most loaded first; leads without an owner are left out. */
export function leadsPerRep(board: TeamBoard | undefined): { ownerName: string; open: number; byStage: Record<string, number>; offerValue: number }[] {
  const per = new Map<string, { ownerName: string; open: number; byStage: Record<string, number>; offerValue: number }>();
  for (const col of board?.columns ?? []) {
    for (const l of col.leads) {
      if (!l.ownerName) continue;
      const row = per.get(l.ownerName) ?? { ownerName: l.ownerName, open: 0, byStage: {}, offerValue: 0 };
      row.open += 1;
      row.byStage[col.stage] = (row.byStage[col.stage] ?? 0) + 1;
      row.offerValue += l.offerValue ?? 0;
      per.set(l.ownerName, row);
    }
  }
  return [...per.values()].sort((a, b) => b.open - a.open || a.ownerName.localeCompare(b.ownerName));
}

import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export interface StageCount { stage: string; label: string; count: number; offerValue: number | null }

/** My open leads per stage: the board's columns (same cache entry as the board), without the cards. */
export function useMyStageCounts() {
  return useQuery({
    queryKey: ['board', 'mine'],
    queryFn: ({ signal }) => api<{ columns: StageCount[] }>('/api/board?scope=mine', { signal }),
    select: (d): StageCount[] => d.columns.map(({ stage, label, count, offerValue }) => ({ stage, label, count, offerValue })),
  });
}

export interface RepOption { value: string; label: string }

/** Reps whose tasks I may filter by (managers, ops and admins). */
export function useRepOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'reps'],
    queryFn: ({ signal }) => api<{ items: { id: string; name: string; role: string; active: boolean }[] }>('/api/users?role=rep&active=true&limit=200', { signal }),
    select: (d): RepOption[] => d.items.map((u) => ({ value: u.id, label: u.name })),
    enabled,
    staleTime: 5 * 60_000,
  });
}

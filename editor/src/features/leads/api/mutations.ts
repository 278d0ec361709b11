import { useMutation, useQueryClient } from '@tanstack/react-query';
import { del, post } from '../../../lib/api';
import { leadKeys } from './keys';
import type { SavedView } from './types';

const enc = encodeURIComponent;

/**
 * Runs one action on a lead (`POST /api/leads/:id/<path>`). Afterwards the lead, its allowed actions and every lead
 * list are refetched, and so are the views other screens build from leads (tasks, board, accounts).
 */
export function useLeadAction<B>(leadId: string, path: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: B) => post<Record<string, unknown>>(`/api/leads/${enc(leadId)}/${path}`, body),
    onSettled: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: leadKeys.all }),
        qc.invalidateQueries({ queryKey: ['tasks'] }),
        qc.invalidateQueries({ queryKey: ['board'] }),
        qc.invalidateQueries({ queryKey: ['accounts'] }),
      ]);
    },
  });
}

export function useSaveView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; filters: Record<string, string> }) => post<SavedView>('/api/saved-views', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: leadKeys.savedViews }),
  });
}

export function useDeleteView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del<void>(`/api/saved-views/${enc(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: leadKeys.savedViews }),
  });
}

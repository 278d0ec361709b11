import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, post } from '../../../lib/api';

export interface Approval {
  id: string; offerId: string; leadId: string; leadName: string; offerVersion: number; offerTotal: number; currency: string; discountPct: number; thresholdPct: number;
  status: 'pending' | 'approved' | 'rejected'; level: number; requestedByName: string | null; approverId: string | null; approverName: string | null;
  comment: string | null; decidedByName: string | null; decidedAt: string | null; createdAt: string; canDecide: boolean;
}

export const approvalKeys = { all: ['approvals'] as const, pending: ['approvals', 'pending'] as const };

/** Pending discount approvals I may see, mine first. */
export function usePendingApprovals() {
  return useQuery({
    queryKey: approvalKeys.pending,
    queryFn: ({ signal }) => api<{ items: Approval[] }>('/api/approvals?status=pending', { signal }),
    refetchInterval: 30_000,
  });
}

export function useDecideApproval() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (d: { id: string; approve: boolean; comment: string }) => post<{ offerId: string; approval: string }>(`/api/approvals/${encodeURIComponent(d.id)}/decision`, { approve: d.approve, comment: d.comment }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: approvalKeys.all });
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}

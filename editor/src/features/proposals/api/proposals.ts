import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, csrfHeaders } from '../../../lib/api';

export interface ProposalTemplate { title: string; intro: string; closing: string; validityDays: number }
export interface ProposalTemplateView extends ProposalTemplate { updatedAt: string | null; updatedBy: string | null; fields: { name: string; description: string }[] }
export interface PreviewOffer { offerId: string; leadId: string; leadName: string; version: number; total: number; currency: string }
export interface Threshold { scope: 'default' | 'role' | 'team'; scopeId: string; maxDiscountPct: number }
export interface ApprovalSettings { thresholds: Threshold[]; reminderHours: number; escalationHours: number; updatedAt?: string | null }

export const proposalKeys = {
  template: ['proposal-template'] as const,
  offers: (q: string) => ['proposal-template', 'offers', q] as const,
  approval: ['settings', 'approval'] as const,
};

export const useProposalTemplate = () => useQuery({ queryKey: proposalKeys.template, queryFn: ({ signal }) => api<ProposalTemplateView>('/api/proposal-template', { signal }) });
export const usePreviewOffers = (q: string) => useQuery({
  queryKey: proposalKeys.offers(q),
  queryFn: ({ signal }) => api<{ items: PreviewOffer[] }>(`/api/proposal-template/offers${q ? `?q=${encodeURIComponent(q)}` : ''}`, { signal }),
});

export function useSaveProposalTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (t: ProposalTemplate) => api<ProposalTemplateView>('/api/proposal-template', { method: 'PUT', body: t }),
    onSuccess: (data) => qc.setQueryData(proposalKeys.template, data),
  });
}

/** Renders the PDF of an offer with a (not yet saved) template; resolves to an object URL for an iframe. */
export async function previewPdf(offerId: string, template: ProposalTemplate, signal?: AbortSignal): Promise<string> {
  const res = await fetch('/api/proposal-template/preview', {
    method: 'POST', credentials: 'same-origin', signal, headers: { 'content-type': 'application/json', accept: 'application/pdf', ...csrfHeaders() },
    body: JSON.stringify({ offerId, template }),
  });
  if (!res.ok) {
    const b = (await res.json().catch(() => ({}))) as { message?: string; problems?: { path: string; message: string }[] };
    throw new ApiError(res.status, b.message ?? `${res.status} ${res.statusText}`, b.problems ?? []);
  }
  return URL.createObjectURL(await res.blob());
}

export const useApprovalSettings = () => useQuery({ queryKey: proposalKeys.approval, queryFn: ({ signal }) => api<ApprovalSettings>('/api/settings/approval', { signal }) });
export function useSaveApprovalSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: ApprovalSettings) => api<ApprovalSettings>('/api/settings/approval', { method: 'PUT', body: { thresholds: s.thresholds, reminderHours: s.reminderHours, escalationHours: s.escalationHours } }),
    onSuccess: (data) => qc.setQueryData(proposalKeys.approval, data),
  });
}

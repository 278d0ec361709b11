import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, post, withQuery } from '../../../lib/api';
import { adminKeys } from './admin';

export interface TemplateSource { subject: string; text: string; html: string | null }
export interface MailTemplate extends TemplateSource { name: string; updatedBy: string | null; updatedAt: string | null; edited: boolean; builtin: TemplateSource | null }
export interface RenderedMail { subject: string; text: string; html: string | null; to: string | null }
export interface LeadOption { id: string; name: string; company: string | null }

export const templateKeys = {
  all: ['templates'] as const,
  leads: (q: string) => ['templates', 'lead-options', q] as const,
};

export function useTemplates() {
  return useQuery({ queryKey: templateKeys.all, queryFn: ({ signal }) => api<{ items: MailTemplate[] }>('/api/templates', { signal }), select: (d) => d.items });
}
/** Leads to preview on: the newest ones, or those matching what the admin typed. */
export function useLeadOptions(q: string) {
  return useQuery({
    queryKey: templateKeys.leads(q),
    queryFn: ({ signal }) => api<{ items: LeadOption[] }>(withQuery('/api/leads', { limit: 30, q: q.trim() || undefined }), { signal }),
    select: (d) => d.items,
    staleTime: 30_000,
  });
}
export function useSaveTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, body }: { name: string; body: { subject: string; text: string; html?: string | null } }) =>
      api<MailTemplate>(`/api/templates/${encodeURIComponent(name)}`, { method: 'PUT', body }),
    onSuccess: async () => {
      await Promise.all([qc.invalidateQueries({ queryKey: templateKeys.all }), qc.invalidateQueries({ queryKey: adminKeys.audit })]);
    },
  });
}
export const previewTemplate = (name: string, body: { leadId: string; subject: string; text: string; html?: string | null }) =>
  post<RenderedMail>(`/api/templates/${encodeURIComponent(name)}/preview`, body);
export const testSendTemplate = (name: string, body: { leadId: string; requestId: string }) =>
  post<{ id: string; status: string; to: string; subject: string }>(`/api/templates/${encodeURIComponent(name)}/test-send`, body);

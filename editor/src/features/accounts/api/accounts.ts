import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../../lib/api';

export interface AccountRow {
  id: string;
  name: string;
  domain: string | null;
  country: string | null;
  industry: string | null;
  leadCount: number;
  openLeadCount: number;
  lastActivityAt: string | null;
  ownerName: string | null;
}
export interface AccountLead {
  id: string; name: string; email?: string | null; company?: string | null; stage: string; status: string; score?: number | null;
  grade?: string | null; ownerName?: string | null; offerValue?: number | null; lastContactAt?: string | null; createdAt?: string;
}
export interface AccountContact { id: string; name: string; email: string | null; phone: string | null; jobTitle: string | null; leadId: string | null }
export interface AccountVisit { id: string; leadId: string; leadName: string | null; type: string; status: string; occurredAt: string; repName: string | null; notes: string | null }
export interface AccountOffer { id: string; leadId: string; leadName?: string | null; version?: number; status: string; total?: number | null; currency?: string | null; createdAt?: string }
export interface AccountOrder { id: string; leadId: string; leadName?: string | null; offerId?: string | null; total?: number | null; currency?: string | null; createdAt: string }
export interface AccountDetail {
  account: { id: string; name: string; domain: string | null; country: string | null; industry: string | null; companySize?: number | null; ownerName?: string | null };
  contacts: AccountContact[];
  leads: AccountLead[];
  visits: AccountVisit[];
  offers: AccountOffer[];
  orders: AccountOrder[];
}

export const PAGE_SIZE = 25;

export const accountKeys = {
  all: ['accounts'] as const,
  list: (q: string, page: number) => ['accounts', 'list', { q, page }] as const,
  detail: (id: string) => ['accounts', 'detail', id] as const,
};

/** Accounts I may see (at least one visible lead), searched by name/domain, a page at a time. */
export function useAccounts(q: string, page: number) {
  return useQuery({
    queryKey: accountKeys.list(q, page),
    queryFn: ({ signal }) => {
      const p = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String((page - 1) * PAGE_SIZE) });
      if (q.trim()) p.set('q', q.trim());
      return api<{ total: number; items: AccountRow[] }>(`/api/accounts?${p.toString()}`, { signal });
    },
    placeholderData: keepPreviousData,
  });
}

/** One account with everything on it that I may see; a 404 is not retried. */
export function useAccount(id: string) {
  return useQuery({
    queryKey: accountKeys.detail(id),
    queryFn: ({ signal }) => api<AccountDetail>(`/api/accounts/${encodeURIComponent(id)}`, { signal }),
    retry: (n, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && n < 2,
  });
}

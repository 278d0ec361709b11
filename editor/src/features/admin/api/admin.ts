import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, del, post, withQuery } from '../../../lib/api';
import type { ConstantCategory } from '../../../../../api/auth/admin-schemas';

export interface AdminUser {
  id: string; email: string; name: string; role: string; teamId: string | null; territory: string[]; capacity: number; routingWeight: number;
  notifyEmail: boolean; active: boolean; createdAt: string;
}
export interface AuditEntry { id: number; at: string; actorId: string | null; action: string; targetType: string | null; targetId: string | null; details: Record<string, unknown> }
export interface Team { id: string; name: string; territory: string[]; managerId: string | null }
export interface ApiKey { id: string; name: string; prefix: string; scopes: string[]; createdBy: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
export interface Constant { category: string; code: string; label: string; sort: number; active: boolean }
export interface AuditFilters { action?: string; actor?: string; since?: string }

export const adminKeys = {
  users: ['admin', 'users'] as const,
  teams: ['admin', 'teams'] as const,
  audit: ['admin', 'audit'] as const,
  apiKeys: ['admin', 'api-keys'] as const,
  constants: ['constants'] as const,
  mail: ['admin', 'mail'] as const,
};

export function useUsers() {
  return useQuery({ queryKey: adminKeys.users, queryFn: ({ signal }) => api<{ items: AdminUser[] }>('/api/users?limit=200', { signal }), select: (d) => d.items });
}
export function useTeams() {
  return useQuery({ queryKey: adminKeys.teams, queryFn: ({ signal }) => api<{ items: Team[] }>('/api/teams', { signal }), select: (d) => d.items });
}
/** The newest audit entries, optionally filtered by action, actor and a start time. */
export function useAudit(limit = 20, filters: AuditFilters = {}) {
  return useQuery({
    queryKey: [...adminKeys.audit, limit, filters],
    queryFn: ({ signal }) => api<{ items: AuditEntry[] }>(withQuery('/api/audit', { limit, ...filters }), { signal }),
    select: (d) => d.items,
    placeholderData: keepPreviousData,
  });
}
export function useApiKeys() {
  return useQuery({ queryKey: adminKeys.apiKeys, queryFn: ({ signal }) => api<{ items: ApiKey[] }>('/api/api-keys', { signal }), select: (d) => d.items });
}
export function useConstants() {
  return useQuery({ queryKey: adminKeys.constants, queryFn: ({ signal }) => api<{ items: Constant[] }>('/api/constants', { signal }), select: (d) => d.items });
}
export function useMailSwitch() {
  return useQuery({ queryKey: adminKeys.mail, queryFn: ({ signal }) => api<{ enabled: boolean }>('/api/settings/mail', { signal }) });
}

/** A mutation that refreshes the given lists (and the audit log) when it succeeds. */
function useAdminMutation<A, R>(fn: (args: A) => Promise<R>, ...refresh: (readonly string[])[]) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all([...refresh, adminKeys.audit].map((queryKey) => qc.invalidateQueries({ queryKey })));
    },
  });
}

export const useCreateUser = () => useAdminMutation((body: Record<string, unknown>) => post<{ user: AdminUser; password?: string }>('/api/users', body), adminKeys.users);
export const useUpdateUser = () => useAdminMutation(({ id, body }: { id: string; body: Record<string, unknown> }) => api<AdminUser>(`/api/users/${encodeURIComponent(id)}`, { method: 'PATCH', body }), adminKeys.users);
export const useResetPassword = () => useAdminMutation((id: string) => post<{ password: string }>(`/api/users/${encodeURIComponent(id)}/password`), adminKeys.users);
export const useCreateTeam = () => useAdminMutation((body: Record<string, unknown>) => post<Team>('/api/teams', body), adminKeys.teams);
export const useUpdateTeam = () => useAdminMutation(({ id, body }: { id: string; body: Record<string, unknown> }) => api<Team>(`/api/teams/${encodeURIComponent(id)}`, { method: 'PATCH', body }), adminKeys.teams);
export const useCreateApiKey = () => useAdminMutation((body: { name: string }) => post<ApiKey & { key: string }>('/api/api-keys', body), adminKeys.apiKeys);
export const useRevokeApiKey = () => useAdminMutation((id: string) => del<null>(`/api/api-keys/${encodeURIComponent(id)}`), adminKeys.apiKeys);
export const usePutConstant = () => useAdminMutation(
  ({ category, code, body }: { category: ConstantCategory; code: string; body: { label: string; sort: number; active: boolean } }) =>
    api<Constant>(`/api/constants/${category}/${encodeURIComponent(code)}`, { method: 'PUT', body }),
  adminKeys.constants,
);
export const useDeleteConstant = () => useAdminMutation(
  ({ category, code }: { category: ConstantCategory; code: string }) => del<null>(`/api/constants/${category}/${encodeURIComponent(code)}`),
  adminKeys.constants,
);
export const useSetMail = () => useAdminMutation((enabled: boolean) => api<{ enabled: boolean }>('/api/settings/mail', { method: 'PUT', body: { enabled } }), adminKeys.mail);

import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';

export interface AdminUser { id: string; email: string; name: string; role: string; teamId: string | null; active: boolean; createdAt: string }
export interface AuditEntry { id: number; at: string; actorId: string | null; action: string; targetType: string | null; targetId: string | null; details: Record<string, unknown> }
export interface Team { id: string; name: string; territory: string[]; managerId: string | null }

export const adminKeys = {
  users: ['admin', 'users'] as const,
  teams: ['admin', 'teams'] as const,
  audit: ['admin', 'audit'] as const,
};

export function useUsers() {
  return useQuery({ queryKey: adminKeys.users, queryFn: ({ signal }) => api<{ items: AdminUser[] }>('/api/users?limit=200', { signal }), select: (d) => d.items });
}
export function useTeams() {
  return useQuery({ queryKey: adminKeys.teams, queryFn: ({ signal }) => api<{ items: Team[] }>('/api/teams', { signal }), select: (d) => d.items });
}
/** The newest audit entries. */
export function useAudit(limit = 20) {
  return useQuery({ queryKey: [...adminKeys.audit, limit], queryFn: ({ signal }) => api<{ items: AuditEntry[] }>(`/api/audit?limit=${limit}`, { signal }), select: (d) => d.items });
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, post } from '../../../lib/api';

export interface Me { id: string; email: string; name: string; role: string; notifyEmail: boolean }

const meKey = ['settings', 'me'] as const;

/** The signed-in user as the API shows it (with the notification setting). */
export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: ({ signal }) => api<{ user: Me }>('/api/auth/me', { signal }), select: (d) => d.user });
}
export function useSetNotifications() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (notifyEmail: boolean) => api<Me>('/api/me/notifications', { method: 'PUT', body: { notifyEmail } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  });
}
export const changePassword = (body: { currentPassword: string; newPassword: string }) => post<null>('/api/auth/password', body);

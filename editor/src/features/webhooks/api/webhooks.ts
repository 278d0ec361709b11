import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WebhookDelivery, WebhookSubscription } from '../../../../../engine/webhooks/schemas';
import { api, del, post } from '../../../lib/api';

export type { WebhookDelivery, WebhookSubscription };

export const webhookKeys = {
  all: ['webhooks'] as const,
  list: ['webhooks', 'list'] as const,
  deliveries: (id: string) => ['webhooks', 'deliveries', id] as const,
};

export function useWebhooks() {
  return useQuery({
    queryKey: webhookKeys.list,
    queryFn: ({ signal }) => api<{ items: WebhookSubscription[] }>('/api/webhooks', { signal }),
    select: (d) => d.items,
    // Pending counts and a pause show up without a reload.
    refetchInterval: 5000,
  });
}

/** The delivery log, newest first; polled while something is still on its way. */
export function useDeliveries(id: string | null) {
  return useQuery({
    queryKey: webhookKeys.deliveries(id ?? ''),
    enabled: !!id,
    queryFn: ({ signal }) => api<{ items: (WebhookDelivery & { seq: number })[] }>(`/api/webhooks/${encodeURIComponent(id!)}/deliveries?limit=100`, { signal }),
    select: (d) => d.items,
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === 'pending' || d.status === 'retrying') ? 1000 : 5000),
  });
}

function useWebhookMutation<A, R>(fn: (args: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }) });
}

const path = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;
export type WebhookBody = { name: string; url: string; events: string[]; pauseAfterFailures: number | null; pauseAfterHours: number };

export const useCreateWebhook = () => useWebhookMutation((body: WebhookBody) => post<WebhookSubscription & { secret: string }>('/api/webhooks', body));
export const useUpdateWebhook = () => useWebhookMutation(({ id, body }: { id: string; body: Partial<WebhookBody> }) => api<WebhookSubscription>(path(id), { method: 'PATCH', body }));
export const useDeleteWebhook = () => useWebhookMutation((id: string) => del<null>(path(id)));
export const useRotateSecret = () => useWebhookMutation((id: string) => post<WebhookSubscription & { secret: string }>(`${path(id)}/rotate-secret`));
export const useResumeWebhook = () => useWebhookMutation((id: string) => post<WebhookSubscription>(`${path(id)}/resume`));
export const usePingWebhook = () => useWebhookMutation((id: string) => post<{ deliveryId: string }>(`${path(id)}/ping`));
export const useRedeliver = () => useWebhookMutation(({ id, deliveryId }: { id: string; deliveryId: string }) =>
  post<{ deliveryId: string }>(`${path(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`));

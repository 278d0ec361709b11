import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OrderStatus } from '../../../../../engine/pricing/schemas';
import { api, ApiError, withQuery } from '../../../lib/api';

export interface OrderRow {
  id: string; leadId: string; leadName: string; company: string | null; accountId: string | null; ownerName: string | null; offerId: string | null;
  offerVersion: number | null; status: OrderStatus; total: number; currency: string; lineCount: number; createdAt: string; updatedAt: string;
}
export interface OrderDetail extends OrderRow {
  lines: { product: string; productId: string | null; productName: string; options: string[]; optionNames: string[]; quantity: number; unitPrice: number; total: number; source: string | null }[];
  history: { at: string; actorName: string | null; from: string; to: string; note: string | null }[];
}

export const ORDERS_PAGE = 25;
export const orderKeys = {
  all: ['orders'] as const,
  list: (status: string, page: number) => ['orders', 'list', { status, page }] as const,
  detail: (id: string) => ['orders', 'detail', id] as const,
};

/** Orders of the leads I may see, newest first, a page at a time. */
export function useOrders(status: string, page: number) {
  return useQuery({
    queryKey: orderKeys.list(status, page),
    queryFn: ({ signal }) => api<{ total: number; items: OrderRow[] }>(withQuery('/api/orders', { status, limit: ORDERS_PAGE, offset: (page - 1) * ORDERS_PAGE }), { signal }),
    placeholderData: keepPreviousData,
  });
}

/** One order with its lines and status history; a 404 is not retried. */
export function useOrder(id: string) {
  return useQuery({
    queryKey: orderKeys.detail(id),
    queryFn: ({ signal }) => api<OrderDetail>(`/api/orders/${encodeURIComponent(id)}`, { signal }),
    retry: (n, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && n < 2,
  });
}

/** Moves an order's status (managers, ops, admins); refreshes the order and the lists. */
export function useSetOrderStatus(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { status: OrderStatus; note?: string }) => api<OrderDetail>(`/api/orders/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    onSuccess: (order) => {
      qc.setQueryData(orderKeys.detail(id), order);
      void qc.invalidateQueries({ queryKey: ['orders', 'list'] });
    },
  });
}

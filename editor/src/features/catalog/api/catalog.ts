import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PriceList, PriceListBody, Product, ProductBody } from '../../../../../engine/pricing/schemas';
import { api, post } from '../../../lib/api';

export const catalogKeys = {
  all: ['catalog'] as const,
  products: ['catalog', 'products', 'all'] as const,
  priceLists: ['catalog', 'price-lists'] as const,
};

/** Every product, archived ones included (the catalog page shows them greyed). */
export function useAllProducts() {
  return useQuery({ queryKey: catalogKeys.products, queryFn: ({ signal }) => api<{ items: Product[] }>('/api/catalog/products?includeArchived=true', { signal }) });
}

export function usePriceLists() {
  return useQuery({ queryKey: catalogKeys.priceLists, queryFn: ({ signal }) => api<{ items: PriceList[] }>('/api/catalog/price-lists', { signal }) });
}

/** Saves a product or a price list; every catalog query (the offer form's too) is refreshed. */
export function useSaveProduct() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (b: ProductBody) => post<Product>('/api/catalog/products', b), onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.all }) });
}
export function useSavePriceList() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (b: PriceListBody) => post<PriceList>('/api/catalog/price-lists', b), onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.all }) });
}

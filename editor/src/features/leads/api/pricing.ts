import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ConfigurationInput, Product, Quote } from '../../../../../engine/pricing/schemas';
import { api, post, withQuery } from '../../../lib/api';

export type QuoteAnswer = Quote & { problems: { path: string; message: string }[]; canPriceManually: boolean };
export interface Suggestion {
  segment: string | null; basis: 'segment' | 'all' | 'none'; suggestedDiscountPct: number | null; explanation: string;
  products: { productId: string; name: string; listUnitPrice: number | null; medianUnitPrice: number | null; deals: number }[];
  deals: { orderId: string; leadId: string | null; leadName: string | null; company: string | null; visible: boolean; companySize: number | null; segment: string | null;
    closedAt: string; products: string[]; quantity: number; total: number; currency: string; discountPct: number }[];
}

export const pricingKeys = {
  products: ['catalog', 'products'] as const,
  quote: (leadId: string, configuration: unknown) => ['pricing', 'quote', leadId, configuration] as const,
  suggestion: (leadId: string, products: string[]) => ['pricing', 'suggestion', leadId, products] as const,
};

/** The catalog's active products (the configurator lists them). */
export function useCatalogProducts() {
  return useQuery({ queryKey: pricingKeys.products, queryFn: ({ signal }) => api<{ items: Product[] }>('/api/catalog/products', { signal }), staleTime: 60_000 });
}

/** The live quote of a configuration: the server checks it against the rules and prices it. */
export function useQuote(leadId: string, configuration: ConfigurationInput | null) {
  return useQuery({
    queryKey: pricingKeys.quote(leadId, configuration),
    queryFn: () => post<QuoteAnswer>('/api/pricing/quote', { leadId, configuration }),
    enabled: configuration !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** A suggested discount from similar won deals for these products. */
export function useSuggestion(leadId: string, products: string[]) {
  return useQuery({
    queryKey: pricingKeys.suggestion(leadId, products),
    queryFn: ({ signal }) => api<Suggestion>(withQuery('/api/pricing/suggestion', { leadId, products: products.join(',') }), { signal }),
    enabled: products.length > 0,
    staleTime: 60_000,
  });
}

import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../lib/api';

/** A 4xx will not change by asking again; network faults and 5xx are retried twice with back-off. */
const retry = (failures: number, error: unknown) => {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
};

/** A 401 from any call is reported by the API client as an expired session (see lib/session.tsx). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry, staleTime: 30_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}

// Every query and mutation fails with the API client's ApiError (status, message, field problems).
declare module '@tanstack/react-query' {
  interface Register { defaultError: ApiError }
}

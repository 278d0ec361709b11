// The editor talks only to the public API. Cookie session; writes echo the session's CSRF token.

export interface ApiProblem { path: string; message: string; nodeId?: string; edgeId?: string }

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problems: ApiProblem[] = [], readonly body?: unknown) {
    super(message);
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null) => {
  csrfToken = t;
};

/** Calls the API; non-2xx answers throw an ApiError with the server's message and problems. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), credentials: 'same-origin', signal: init.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'The server cannot be reached; your changes are kept in this browser.');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { message?: string; problems?: ApiProblem[] };
    if (res.status === 401) window.dispatchEvent(new CustomEvent('leadflow:unauthorized'));
    throw new ApiError(res.status, b.message ?? `${res.status} ${res.statusText}`, Array.isArray(b.problems) ? b.problems : [], body);
  }
  return body as T;
}

/** Lists come as `{ items }` from most endpoints; accept a bare array too. */
export function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const b = body as { items?: T[] } | undefined;
  return b?.items ?? [];
}

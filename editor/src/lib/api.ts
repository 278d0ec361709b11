// The editor talks only to the public API. Cookie session; writes echo the session's CSRF token.

export interface ApiProblem { path: string; message: string; nodeId?: string; edgeId?: string }

/** A non-2xx answer: `status`, the server's readable `message` and its per-field `problems`. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problems: ApiProblem[] = [], readonly body?: unknown) {
    super(message);
    this.name = 'ApiError';
  }

  /**
   * Field errors keyed by the field name (the last segment of the problem path, e.g. `body.notes` -> `notes`,
   * `body.lines.0.quantity` -> `lines.0.quantity`), ready for a form's `setErrors`.
   */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of this.problems) {
      const parts = p.path.split('.').filter(Boolean);
      if (parts.length && ['body', 'querystring', 'params', 'query'].includes(parts[0]!)) parts.shift();
      const key = parts.join('.') || p.path;
      out[key] = out[key] ? `${out[key]}; ${p.message}` : p.message;
    }
    return out;
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null) => {
  csrfToken = t;
};
/** The CSRF header of the session, for the few calls that read a non-JSON answer themselves (a PDF preview). */
export const csrfHeaders = (): Record<string, string> => (csrfToken ? { 'x-csrf-token': csrfToken } : {});

export interface ApiInit { method?: string; body?: unknown; signal?: AbortSignal }

/** Calls the API; non-2xx answers throw an ApiError with the server's message and problems. */
export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  // A FormData body (an upload) sets its own multipart content type.
  const form = typeof FormData !== 'undefined' && init.body instanceof FormData ? init.body : null;
  if (init.body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)), credentials: 'same-origin', signal: init.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'The server cannot be reached; check your connection and try again.');
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
    // Signing in with a wrong password is a 401 too; only an existing session running out means "expired".
    if (res.status === 401 && !path.startsWith('/api/auth/')) window.dispatchEvent(new CustomEvent('leadflow:unauthorized'));
    throw new ApiError(res.status, b.message ?? `${res.status} ${res.statusText}`, Array.isArray(b.problems) ? b.problems : [], body);
  }
  return body as T;
}

/** Shorthands for mutations. */
export const post = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body: body ?? {} });
export const del = <T>(path: string) => api<T>(path, { method: 'DELETE' });

/** Builds `path?k=v&…` from the defined, non-empty entries. */
export function withQuery(path: string, params: Record<string, string | number | boolean | null | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** Lists come as `{ items }` from most endpoints; accept a bare array too. */
export function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const b = body as { items?: T[] } | undefined;
  return b?.items ?? [];
}

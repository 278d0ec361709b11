/** A failure the client caused or may fix (4xx), or a dependency that is down for now ('unavailable': 503 + Retry-After). */
export class DomainError extends Error {
  constructor(
    readonly code: 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'too_large' | 'rate_limited' | 'unavailable',
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export const statusOf: Record<DomainError['code'], number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string) => new DomainError('conflict', message);
/** A dependency (the database) is unreachable for now; the client should retry after `retryAfterSeconds`. */
export const unavailable = (message: string, retryAfterSeconds = 2) =>
  Object.assign(new DomainError('unavailable', message), { retryAfterSeconds });
export const unprocessable = (message: string, details?: { path: string; message: string }[]) =>
  new DomainError('unprocessable', message, details);

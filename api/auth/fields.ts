import { DomainError } from '../errors';
import type { AuthUser, Role } from './types';

/**
 * Property-level authorization: which roles may write each field of a request body. Admins may write every
 * listed field; a field that is not listed may not be written by anyone through this request.
 */
export type WritableFieldRules = Readonly<Record<string, readonly Role[]>>;

/** Every signed-in role. */
export const everyRole: readonly Role[] = ['rep', 'manager', 'ops', 'admin'];

/**
 * Refuses a body that sets a field the user's role may not write: 403 naming the fields (known but protected)
 * or 400 (not writable here at all). Fields whose value is `undefined` are ignored.
 * @example
 * assertWritableFields(req.user!, req.body, {
 *   name: everyRole, phone: everyRole, stage: everyRole,
 *   ownerId: ['manager', 'ops'], score: ['ops'],
 * });
 */
export function assertWritableFields(user: AuthUser, body: object | null | undefined, rules: WritableFieldRules): void {
  if (!body) return;
  const unknown: string[] = [];
  const protectedFields: string[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined) continue;
    const roles = Object.hasOwn(rules, field) ? rules[field] : undefined;
    if (!roles) unknown.push(field);
    else if (user.role !== 'admin' && !roles.includes(user.role)) protectedFields.push(field);
  }
  if (unknown.length) {
    throw new DomainError('bad_request', `these fields cannot be set here: ${unknown.join(', ')}`,
      unknown.map((f) => ({ path: `body.${f}`, message: 'cannot be set here' })));
  }
  if (protectedFields.length) {
    throw new DomainError('forbidden', `your role (${user.role}) may not set: ${protectedFields.join(', ')}`,
      protectedFields.map((f) => ({ path: `body.${f}`, message: `may not be set by role ${user.role}` })));
  }
}

/** The subset of `rules` the user's role may write (e.g. to build a form or a zod schema per role). */
export function writableFields(user: AuthUser, rules: WritableFieldRules): string[] {
  return Object.keys(rules).filter((f) => user.role === 'admin' || rules[f]!.includes(user.role));
}

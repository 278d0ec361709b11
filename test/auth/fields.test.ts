import { describe, expect, it } from 'vitest';
import { assertWritableFields, everyRole, writableFields } from '../../api/auth/fields';
import type { AuthUser, Role } from '../../api/auth/types';
import { DomainError } from '../../api/errors';

const user = (role: Role): AuthUser => ({ id: `u-${role}`, email: `${role}@x.test`, name: role, role, teamId: null });
const leadRules = { name: everyRole, phone: everyRole, stage: everyRole, ownerId: ['manager', 'ops'], score: ['ops'] } as const;

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  return undefined;
};

describe('assertWritableFields (property-level authorization)', () => {
  it('lets every role write the fields open to it', () => {
    for (const role of everyRole) expect(refusal(() => assertWritableFields(user(role), { name: 'A', phone: '1' }, leadRules))).toBeUndefined();
  });

  it('refuses a rep setting owner or score with 403 naming each field', () => {
    const err = refusal(() => assertWritableFields(user('rep'), { name: 'A', ownerId: 'u-me', score: 100 }, leadRules));
    expect(err).toBeInstanceOf(DomainError);
    expect(err!.code).toBe('forbidden');
    expect(err!.details).toEqual([
      { path: 'body.ownerId', message: 'may not be set by role rep' },
      { path: 'body.score', message: 'may not be set by role rep' },
    ]);
  });

  it('follows the role lists: managers reassign, only ops (and admin) score', () => {
    expect(refusal(() => assertWritableFields(user('manager'), { ownerId: 'u-2' }, leadRules))).toBeUndefined();
    expect(refusal(() => assertWritableFields(user('manager'), { score: 3 }, leadRules))!.code).toBe('forbidden');
    expect(refusal(() => assertWritableFields(user('ops'), { score: 3, ownerId: 'u-2' }, leadRules))).toBeUndefined();
    expect(refusal(() => assertWritableFields(user('admin'), { score: 3, ownerId: 'u-2' }, leadRules))).toBeUndefined();
  });

  it('refuses fields that are not writable here at all with 400, even for admins', () => {
    const err = refusal(() => assertWritableFields(user('admin'), { id: 'x', createdAt: 'now', __proto__x: 1 }, leadRules));
    expect(err!.code).toBe('bad_request');
    expect(err!.details!.map((d) => d.path)).toEqual(['body.id', 'body.createdAt', 'body.__proto__x']);
    // Inherited names are not rules.
    expect(refusal(() => assertWritableFields(user('admin'), { toString: 'x' }, leadRules))!.code).toBe('bad_request');
  });

  it('ignores undefined values and empty bodies', () => {
    expect(refusal(() => assertWritableFields(user('rep'), { score: undefined }, leadRules))).toBeUndefined();
    expect(refusal(() => assertWritableFields(user('rep'), undefined, leadRules))).toBeUndefined();
  });

  it('lists the writable fields of a role', () => {
    expect(writableFields(user('rep'), leadRules)).toEqual(['name', 'phone', 'stage']);
    expect(writableFields(user('admin'), leadRules)).toEqual(Object.keys(leadRules));
  });
});

// Admin forms and their API routes share these schemas: the editor validates with them before sending, the API
// validates the same bodies. Pure zod (no Node imports), so the browser bundle can use them.
import { z } from 'zod';
import { roleSchema } from './types';

/** The shortest password accepted anywhere (sign-up by an admin, change of one's own). */
export const minPasswordLength = 12;

export const territorySchema = z.array(z.string().trim().min(1).max(64)).max(200);

const userFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  role: roleSchema,
  teamId: z.string().min(1).max(100).nullable(),
  territory: territorySchema,
  capacity: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(100_000),
  routingWeight: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(1000, 'must be at most 1000'),
  notifyEmail: z.boolean(),
};

export const userCreateSchema = z.object({
  email: z.email('must be an e-mail address').max(320),
  ...userFields,
  teamId: userFields.teamId.optional(),
  territory: territorySchema.optional(),
  capacity: userFields.capacity.optional(),
  routingWeight: userFields.routingWeight.optional(),
  notifyEmail: userFields.notifyEmail.optional(),
  /** Omit it to get a generated one, shown once in the response. */
  password: z.string().min(minPasswordLength, `must be at least ${minPasswordLength} characters`).max(1024).optional(),
}).strict();

export const userPatchSchema = z.object({ ...userFields, active: z.boolean() }).partial().strict();

export const teamIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a slug: a-z, 0-9, - and _');
const teamFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  territory: territorySchema,
  managerId: z.string().max(100).nullable(),
};
export const teamCreateSchema = z.object({
  id: teamIdSchema,
  ...teamFields,
  territory: territorySchema.default([]),
  managerId: teamFields.managerId.default(null),
}).strict();
export const teamPatchSchema = z.object(teamFields).partial().strict();

/** Scopes a key may carry: lead capture (partners, the default) or registering activity types (developers' workers). */
export const apiKeyScopeSchema = z.enum(['lead:capture', 'activity:register']);
export const apiKeyCreateSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  scopes: z.array(apiKeyScopeSchema).min(1).max(2).optional(),
  /** For developer keys: the team the key registers activity types for (default: the key's name). */
  owner: z.string().trim().min(1).max(80).optional(),
}).strict();

export const constantCategories = ['visit_type', 'visit_status', 'loss_reason', 'rejection_reason', 'disqualify_reason', 'product_interest', 'account_class'] as const;
export const constantCategorySchema = z.enum(constantCategories);
export type ConstantCategory = z.infer<typeof constantCategorySchema>;
export const constantCategoryLabels: Record<ConstantCategory, string> = {
  visit_type: 'Visit types', visit_status: 'Visit statuses', loss_reason: 'Loss reasons', rejection_reason: 'Offer rejection reasons',
  disqualify_reason: 'Disqualification reasons', product_interest: 'Product interests', account_class: 'Account classes',
};
export const constantCodeSchema = z.string().regex(/^[a-z0-9_]{1,40}$/, 'lower-case letters, digits and _ only (at most 40)');
export const constantBodySchema = z.object({
  label: z.string().trim().min(1, 'is required').max(80),
  sort: z.number().int().min(0).max(10_000).default(0),
  active: z.boolean().default(true),
}).strict();

export const mailSwitchSchema = z.object({ enabled: z.boolean() }).strict();

/** A user's own notification settings. */
export const notificationSettingsSchema = z.object({ notifyEmail: z.boolean() }).strict();

export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1, 'is required').max(1024),
  newPassword: z.string().min(minPasswordLength, `must be at least ${minPasswordLength} characters`).max(1024),
}).strict();

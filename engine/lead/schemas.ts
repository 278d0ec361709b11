import { z } from 'zod';
import { configurationSchema } from '../pricing/schemas';
import { isCents, MAX_AMOUNT, offerTotal, toCents, visitDateProblem } from './bounds';

const trimmed = (max: number) => z.string().trim().min(1).max(max);

/**
 * A lead as submitted by the web form, a partner or a signed-in user. Shared by the API (validation),
 * the editor (forms) and the import path. `website` is the honeypot: humans never see or fill it.
 */
export const captureBodySchema = z.object({
  name: trimmed(120),
  email: z.string().trim().toLowerCase().email('must be an e-mail address').max(200).optional(),
  phone: z.string().trim().regex(/^\+?[0-9 ()./-]{6,25}$/, 'must be a phone number (digits, spaces, + ( ) - . /)')
    .refine((p) => (p.match(/[0-9]/g)?.length ?? 0) >= 6, 'must contain at least 6 digits').optional(),
  company: trimmed(160).optional(),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code, e.g. DE').optional(),
  productInterest: z.string().trim().toLowerCase().max(60).optional(),
  message: z.string().trim().max(5000).optional(),
  jobTitle: trimmed(120).optional(),
  companySize: z.number().int().min(1).max(10_000_000).optional(),
  industry: trimmed(80).optional(),
  website: z.string().max(500).optional(),
}).strict().refine((b) => b.email || b.phone, { message: 'give an e-mail address or a phone number', path: ['email'] });

export type CaptureBody = z.infer<typeof captureBodySchema>;

export const captureResponseSchema = z.object({ leadId: z.string(), duplicate: z.boolean() });
/**
 * What the public web form answers: the same for a new and a known person (it must not tell anyone who is a lead).
 * `reference` is random, for the submitter's records.
 */
export const publicCaptureResponseSchema = z.object({ accepted: z.literal(true), reference: z.string() });

const freeMail = new Set(['gmail.com', 'googlemail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'live.com', 'gmx.de', 'gmx.net', 'web.de', 'icloud.com', 'aol.com', 'proton.me', 'protonmail.com', 't-online.de', 'mail.com']);

/** Normalises a phone number for dedupe: digits with a leading +, "00" prefix turned into "+". */
export function normalisePhone(phone: string): string {
  const p = phone.replace(/[^0-9+]/g, '');
  return p.startsWith('00') ? `+${p.slice(2)}` : p;
}

/** The company's domain from a business e-mail address (free-mail providers say nothing about the company). */
export function companyDomainOf(email?: string): string | undefined {
  const domain = email?.split('@')[1];
  return domain && !freeMail.has(domain) ? domain : undefined;
}

/**
 * The dedupe key of a capture: e-mail first, then phone. The lead's workflow id is derived from it, so a
 * second capture of the same person lands on the same workflow.
 * @example dedupeKeyOf({ email: 'Ana@Acme.io ' }) // 'email:ana@acme.io'
 */
export function dedupeKeyOf(b: { email?: string; phone?: string }): string {
  if (b.email) return `email:${b.email.trim().toLowerCase()}`;
  if (b.phone) return `phone:${normalisePhone(b.phone)}`;
  throw new Error('a lead needs an e-mail address or a phone number');
}

/** An amount a `numeric(14, 2)` column holds: 0 … 999,999,999,999.99, at most two decimals (cents). */
export const amountSchema = z.number().min(0).max(MAX_AMOUNT, 'must be below 1,000,000,000,000')
  .refine(isCents, 'must have at most two decimals (cents)');
/** A reference to another record of the lead (offer ids …): never empty. */
const refId = z.string().trim().min(1, 'must not be empty').max(80);
/** A configured constant's code (visit types and statuses, reasons); checked against `GET /api/constants` by the API. */
const constantCode = z.string().regex(/^[a-z0-9_]{1,40}$/, 'must be a code from /api/constants (lower case letters, digits, _)');

export const logVisitBodySchema = z.object({
  type: constantCode,
  status: constantCode,
  outcome: z.string().max(200).optional(),
  notes: z.string().max(5000).optional(),
  // Between 2000-01-01 and a year ahead (a planned appointment); the workflow's validator checks the same bound.
  occurredAt: z.iso.datetime({ offset: true }).superRefine((v, ctx) => {
    const problem = visitDateProblem(v, new Date().getTime());
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
  offerId: refId.optional(),
}).strict();

export const offerLineSchema = z.object({
  product: z.string().min(1).max(80),
  options: z.array(z.string().min(1).max(60)).max(50).default([]),
  quantity: z.number().int().min(1).max(1_000_000),
  unitPrice: amountSchema.max(100_000_000),
}).strict().refine((l) => toCents(l.quantity * l.unitPrice) <= MAX_AMOUNT, { message: 'quantity × unitPrice must be below 1,000,000,000,000', path: ['unitPrice'] });

export const createOfferBodySchema = z.object({
  /** Lines typed by hand (free lines; once the catalog is in use they need the pricing permission). */
  lines: z.array(offerLineSchema).min(1).max(200).optional(),
  /** Products and options from the catalog: lines and totals are priced on the server. */
  configuration: configurationSchema.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).default('EUR'),
  supersedes: refId.optional(),
}).strict()
  .refine((o) => Boolean(o.lines) !== Boolean(o.configuration), { message: 'send either lines or a configuration (products from the catalog)', path: ['lines'] })
  .refine((o) => !o.lines || offerTotal(o.lines) <= MAX_AMOUNT, { message: 'the offer total must be below 1,000,000,000,000', path: ['lines'] });

export const offerStatusSchema = z.enum(['draft', 'sent', 'confirmed', 'in_follow_up', 'renegotiated', 'accepted', 'rejected', 'postponed']);
export const setOfferStatusBodySchema = z.object({ status: offerStatusSchema, reason: constantCode.optional() }).strict();
export const reasonBodySchema = z.object({ reason: constantCode, note: z.string().max(2000).optional() }).strict();
export const noteBodySchema = z.object({ note: z.string().max(2000).optional() }).strict();
export const convertBodySchema = z.object({ name: z.string().trim().min(1).max(160).optional(), amount: amountSchema.optional() }).strict();
export const reassignBodySchema = z.object({ ownerId: refId, reason: z.string().max(500).optional() }).strict();
export const wonBodySchema = z.object({ offerId: refId.optional() }).strict();

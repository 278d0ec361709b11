import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js';
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

/** A phone number that cannot be turned into E.164; the message says why (for a 4xx naming `phone`). */
export class PhoneError extends Error {
  override name = 'PhoneError';
}

const phoneReasons: Record<string, string> = {
  INVALID_COUNTRY: 'has no country: write it in international form (+49 30 1234567) or give the lead\'s country',
  NOT_A_NUMBER: 'is not a phone number',
  TOO_SHORT: 'is too short for a phone number',
  TOO_LONG: 'is too long for a phone number',
  INVALID_LENGTH: 'has the wrong number of digits',
};

/**
 * Parses a phone number to E.164 with the lead's country (ISO-2) for national forms ("030 1234567" in DE); an
 * international form ("+49 …" or "0049 …") needs none. Throws `PhoneError` with the reason when it is not a valid number.
 * `legacy` are the values the earlier normaliser (digits with a leading +) stored for the same number, so people claimed
 * before E.164 still dedupe.
 * @example parsePhone('030 1234567', 'DE') // { e164: '+49301234567', country: 'DE', legacy: ['0301234567', '+490301234567'] }
 */
export function parsePhone(phone: string, country?: string): { e164: string; country?: string; legacy: string[] } {
  const input = phone.trim().replace(/^00/, '+');
  const region = country && /^[A-Z]{2}$/.test(country.toUpperCase()) ? (country.toUpperCase() as CountryCode) : undefined;
  const digits = input.replace(/[^0-9]/g, '');
  if (!digits) throw new PhoneError(phoneReasons.NOT_A_NUMBER);
  let parsed: ReturnType<typeof parsePhoneNumberFromString>;
  try {
    parsed = parsePhoneNumberFromString(input, region ? { defaultCountry: region } : undefined);
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    const problem = validatePhoneNumberLength(input, region ? { defaultCountry: region } : undefined);
    throw new PhoneError(phoneReasons[problem ?? 'NOT_A_NUMBER'] ?? phoneReasons.NOT_A_NUMBER!);
  }
  if (!parsed.isValid()) {
    const problem = validatePhoneNumberLength(input, region ? { defaultCountry: region } : undefined);
    throw new PhoneError(problem ? phoneReasons[problem] ?? phoneReasons.NOT_A_NUMBER! : `is not a valid number${parsed.country ?? region ? ` in ${parsed.country ?? region}` : ''}`);
  }
  const e164 = parsed.number;
  const national = parsed.formatNational().replace(/[^0-9]/g, '');
  const legacy = [...new Set([national, national.startsWith('0') ? `+${parsed.countryCallingCode}${national}` : ''])].filter((v) => v && v !== e164);
  return { e164, country: parsed.country, legacy };
}

/**
 * Normalises a phone number to E.164 for storage and dedupe, using `country` for national forms; throws `PhoneError`.
 * @example normalisePhone('+49 (0)30 123 4567') // '+49301234567'
 */
export function normalisePhone(phone: string, country?: string): string {
  return parsePhone(phone, country).e164;
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
export function dedupeKeyOf(b: { email?: string; phone?: string; country?: string }): string {
  if (b.email) return `email:${b.email.trim().toLowerCase()}`;
  if (b.phone) return `phone:${normalisePhone(b.phone, b.country)}`;
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

/** What a lead did that says they are interested: recorded on the lead and counted by the scoring facts. */
export const behaviourEventTypes = ['email_open', 'email_click', 'page_visit', 'download', 'webinar_attended'] as const;
export type BehaviourEventType = (typeof behaviourEventTypes)[number];

/**
 * A behavioural event sent by a partner (`POST /api/events`): the partner's own event id (a repeat is the same
 * event), the lead by id or e-mail, what happened and when. `details` is free data shown on the timeline (a URL, a title).
 */
export const behaviourEventBodySchema = z.object({
  eventId: z.string().trim().min(1, 'must not be empty').max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  leadId: z.string().trim().min(1, 'must not be empty').max(80).optional(),
  email: z.string().trim().toLowerCase().email('must be an e-mail address').max(200).optional(),
  type: z.enum(behaviourEventTypes, { error: `must be one of ${behaviourEventTypes.join(', ')}` }),
  occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with offset, e.g. 2026-05-01T10:00:00Z' }).refine((v) => {
    const t = Date.parse(v);
    return t >= Date.UTC(2000, 0, 1) && t <= new Date().getTime() + 5 * 60_000;
  }, 'must be after 2000 and not in the future'),
  details: z.record(z.string().max(60), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
    .refine((d) => Object.keys(d).length <= 20, 'at most 20 fields').default({}),
}).strict().refine((b) => Boolean(b.leadId) !== Boolean(b.email), { message: 'give the lead\'s leadId or its email (one of them)', path: ['leadId'] });
export type BehaviourEventBody = z.infer<typeof behaviourEventBodySchema>;

export const behaviourEventResponseSchema = z.object({ eventId: z.string(), leadId: z.string(), type: z.enum(behaviourEventTypes), recorded: z.literal(true) });

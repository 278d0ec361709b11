import { z } from 'zod';

/** Every event a webhook subscription can ask for. */
export const webhookEvents = ['lead.captured', 'lead.assigned', 'lead.stage_changed', 'lead.scored', 'offer.status_changed', 'lead.won', 'lead.lost'] as const;
export const webhookEventSchema = z.enum(webhookEvents);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** Headers of every delivery: the receiver checks the signature and dedupes by the delivery id. */
export const WEBHOOK_HEADERS = {
  signature: 'x-leadflow-signature',
  timestamp: 'x-leadflow-timestamp',
  event: 'x-leadflow-event',
  delivery: 'x-leadflow-delivery',
} as const;

/**
 * Why a receiver URL is refused, or null: it must be an absolute http(s) URL without credentials in it. (Whether it
 * points at the API itself is checked by the API, which knows its own address.)
 * @example webhookUrlProblem('ftp://example.com') // 'must be an http(s) URL'
 */
export function webhookUrlProblem(v: string): string | null {
  if (!URL.canParse(v)) return 'must be an absolute http(s) URL';
  const u = new URL(v);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http(s) URL';
  if (u.username || u.password) return 'must not carry a user name or password';
  return null;
}

/** Checked for shape here; the URL rules answer 422 naming `url` (see webhookUrlProblem). */
const urlSchema = z.string().trim().min(1, 'is required').max(2000, 'must be at most 2000 characters');

/** A subscription as an admin creates it. */
export const webhookCreateSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters'),
  url: urlSchema,
  events: z.array(webhookEventSchema).min(1, 'pick at least one event').max(webhookEvents.length).refine((e) => new Set(e).size === e.length, 'lists an event twice'),
  /** Pause after this many failed attempts in a row; null: only the time rule applies. */
  pauseAfterFailures: z.number().int().min(1).max(100_000).nullable().default(null),
  /** Pause after failing this many hours without a single success. */
  pauseAfterHours: z.number().int().min(1).max(720).default(24),
}).meta({ examples: [{ name: 'CRM sync', url: 'https://crm.example.com/hooks/leadflow', events: ['lead.captured', 'lead.won'], pauseAfterFailures: null, pauseAfterHours: 24 }] });
export type WebhookCreate = z.infer<typeof webhookCreateSchema>;

export const webhookUpdateSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters').optional(),
  url: urlSchema.optional(),
  events: z.array(webhookEventSchema).min(1, 'pick at least one event').max(webhookEvents.length).refine((e) => new Set(e).size === e.length, 'lists an event twice').optional(),
  pauseAfterFailures: z.number().int().min(1).max(100_000).nullable().optional(),
  pauseAfterHours: z.number().int().min(1).max(720).optional(),
}).meta({ examples: [{ events: ['lead.captured', 'lead.assigned', 'lead.won', 'lead.lost'], pauseAfterFailures: 50 }] });

export const webhookSubscriptionSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  status: z.enum(['active', 'paused']),
  pausedAt: z.string().nullable(),
  pausedReason: z.string().nullable(),
  pauseAfterFailures: z.number().nullable(),
  pauseAfterHours: z.number(),
  consecutiveFailures: z.number(),
  failingSince: z.string().nullable(),
  ownerId: z.string().nullable(),
  createdAt: z.string(),
  secretRotatedAt: z.string().nullable(),
  pending: z.number(),
  delivered: z.number(),
});
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const webhookDeliverySchema = z.object({
  id: z.string(),
  event: z.string(),
  leadId: z.string().nullable(),
  /** pending (never tried), retrying (tried and failed so far), delivered, failed (a ping the receiver refused). */
  status: z.enum(['pending', 'retrying', 'delivered', 'failed']),
  attempts: z.number(),
  responseCode: z.number().nullable(),
  lastError: z.string().nullable(),
  durationMs: z.number().nullable(),
  redeliveryOf: z.string().nullable(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  payload: z.unknown(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** What the dispatcher's delivery activity reports back to its workflow. */
export interface DeliverResult {
  state: 'idle' | 'paused' | 'gone';
  delivered: number;
}

import { z } from 'zod';

/** Names of e-mail templates (`assignment`, `offer_followup`): what pipeline mail steps refer to. */
export const templateNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _ only');

/** An edited template: liquid subject and plain-text body, optionally an HTML body. */
export const templateBodySchema = z.object({
  subject: z.string().trim().min(1, 'is required').max(300),
  text: z.string().min(1, 'is required').max(50_000),
  html: z.string().max(100_000).nullish(),
}).strict();

export const templatePreviewSchema = z.object({
  leadId: z.string().min(1, 'choose a lead'),
  subject: z.string().max(300).optional(),
  text: z.string().max(50_000).optional(),
  html: z.string().max(100_000).nullish(),
}).strict();

export const templateTestSendSchema = z.object({
  leadId: z.string().min(1, 'choose a lead'),
  /** Chosen by the client once per click; a retried request with the same id does not send again. */
  requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'letters, digits and - (8 to 64)'),
}).strict();

import { z } from 'zod';

/** True for an IANA time zone name the runtime knows (e.g. Europe/Berlin, UTC). */
export function isIanaTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A user's daily digest setting, shared by the API (`PUT /api/me/digest`), the workers and the settings page.
 * @example digestSettingsSchema.parse({ enabled: true, hour: 7, timeZone: 'Europe/Berlin' })
 */
export const digestSettingsSchema = z.object({
  enabled: z.boolean(),
  hour: z.number().int().min(0, 'must be an hour from 0 to 23').max(23, 'must be an hour from 0 to 23'),
  timeZone: z.string().min(1).max(64).refine(isIanaTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin'),
});
export type DigestSettings = z.infer<typeof digestSettingsSchema>;

const taskItem = z.object({ taskId: z.string(), title: z.string(), kind: z.string(), dueAt: z.string().nullable(), leadId: z.string().nullable(), leadName: z.string().nullable(), company: z.string().nullable() });
const leadItem = z.object({ leadId: z.string(), leadName: z.string(), company: z.string().nullable(), stage: z.string(), lastContactAt: z.string().nullable() });
const offerItem = z.object({ offerId: z.string(), version: z.number(), total: z.number(), currency: z.string(), sentAt: z.string().nullable(), leadId: z.string(), leadName: z.string(), company: z.string().nullable() });
const repSummary = z.object({ userId: z.string(), name: z.string(), dueToday: z.number(), overdue: z.number(), notContacted: z.number(), offersAwaiting: z.number() });

/** What one user's digest for one local day says (the e-mail and the preview are rendered from it). */
export const digestContentSchema = z.object({
  userId: z.string(), name: z.string(), email: z.string(), role: z.string(), localDate: z.string(), timeZone: z.string(),
  /** Tasks and reminders due today. */
  today: z.array(taskItem),
  /** Open tasks that fell due yesterday. */
  overdueYesterday: z.array(taskItem),
  /** Open tasks that fell due before yesterday. */
  overdueEarlier: z.array(taskItem),
  /** Open leads the user owns without a contact for a week (or never contacted and assigned before today). */
  notContacted: z.array(leadItem),
  /** Sent offers the customer has not confirmed yet. */
  offersAwaiting: z.array(offerItem),
  /** Managers: one line per rep of the teams they manage, and the leads waiting for an owner there. */
  team: z.object({ reps: z.array(repSummary), unassigned: z.number() }).nullable(),
});
export type DigestContent = z.infer<typeof digestContentSchema>;

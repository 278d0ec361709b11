import { z } from 'zod';

/**
 * Discount approval settings: the highest discount an offer may carry without a manager's approval — for everyone,
 * per role, per team (the most specific applies: team, then role, then default) — and the approver's SLA.
 */
export const thresholdSchema = z.object({
  scope: z.enum(['default', 'role', 'team']),
  scopeId: z.string().max(80).default(''),
  maxDiscountPct: z.number().min(0).max(100),
}).strict();

const approvalSettingsFields = {
  thresholds: z.array(thresholdSchema).min(1).max(200).superRefine((list, ctx) => {
    if (!list.some((t) => t.scope === 'default')) ctx.addIssue({ code: 'custom', message: 'needs one threshold with scope "default"' });
    const seen = new Set<string>();
    list.forEach((t, i) => {
      const k = `${t.scope}:${t.scope === 'default' ? '' : t.scopeId}`;
      if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `${t.scope} "${t.scopeId}" is listed twice`, path: [i] });
      if (t.scope !== 'default' && !t.scopeId) ctx.addIssue({ code: 'custom', message: `a ${t.scope} threshold names its ${t.scope}`, path: [i, 'scopeId'] });
      seen.add(k);
    });
  }),
  /** Hours before the approver is reminded, and before the request goes to the next level (their manager, else ops). */
  reminderHours: z.number().positive().max(24 * 30),
  escalationHours: z.number().positive().max(24 * 60),
};
/** As the API answers it (with the time of the last change). */
export const approvalSettingsView = z.object({ ...approvalSettingsFields, updatedAt: z.string().nullable() });
export const approvalSettingsSchema = z.object(approvalSettingsFields).strict().refine((s) => s.escalationHours > s.reminderHours, { message: 'must be longer than reminderHours', path: ['escalationHours'] });
export type ApprovalSettings = z.infer<typeof approvalSettingsSchema>;

export const defaultApprovalSla = { reminderHours: 24, escalationHours: 48 };

/** What the workflow needs to know about an offer's discount; the durations are in ms for its timers. */
export interface DiscountCheck {
  discountPct: number;
  thresholdPct: number;
  /** The discount is above the threshold. */
  needed: boolean;
  /** The offer's approval so far. */
  approval: 'pending' | 'approved' | 'rejected' | null;
  reminderMs: number;
  escalationMs: number;
}

/** A pending approval the lead workflow waits for (carried over continue-as-new). */
export interface PendingApproval {
  offerId: string;
  approvalId: string;
  level: number;
  reminderMs: number;
  escalationMs: number;
}

export const decideApprovalSchema = z.object({
  approve: z.boolean(),
  comment: z.string().trim().max(2000).default(''),
}).strict().refine((d) => d.approve || d.comment.length > 0, { message: 'a rejection needs a comment for the rep', path: ['comment'] });

import { z } from 'zod';

// The manager dashboard's shared schemas (API querystring and answers, the editor's dashboard page). Plain zod only,
// so the editor can import them.

/** Periods the dashboard offers; `custom` takes `from` and `to`. The previous period is as long and ends where this one starts. */
export const dashboardPeriods = ['30d', '90d', '12m', 'custom'] as const;
export type DashboardPeriod = (typeof dashboardPeriods)[number];

const day = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, e.g. 2026-01-31')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'must be a real date');

export const dashboardFilterSchema = z.object({
  period: z.enum(dashboardPeriods, `must be one of ${dashboardPeriods.join(', ')}`).optional(),
  from: day.optional(),
  to: day.optional(),
  team: z.string().trim().min(1).max(80).optional(),
  rep: z.string().trim().min(1).max(80).optional(),
}).strict();
export type DashboardFilterInput = z.output<typeof dashboardFilterSchema>;

/** Offer stages a weighted forecast counts, with the default probability (percent) of each becoming an order. */
export const forecastStages = ['draft', 'sent', 'confirmed', 'in_follow_up', 'postponed'] as const;
const percent = z.number().int('must be a whole percent').min(0, 'must be 0 to 100').max(100, 'must be 0 to 100');
export const forecastProbabilitiesSchema = z.object(Object.fromEntries(forecastStages.map((s) => [s, percent])) as Record<(typeof forecastStages)[number], typeof percent>).strict();
export type ForecastProbabilities = z.infer<typeof forecastProbabilitiesSchema>;

const drill = z.string();
const velocitySchema = z.object({
  openOpportunities: z.number(), won: z.number(), lost: z.number(), winRate: z.number().nullable(),
  averageDealValue: z.number().nullable(), cycleDays: z.number().nullable(), velocity: z.number().nullable(),
  drillOpen: drill, drillWon: drill,
});
const winRateRow = z.object({ key: z.string(), label: z.string(), won: z.number(), lost: z.number(), rate: z.number().nullable(), drill });

export const dashboardSchema = z.object({
  filters: z.object({ period: z.enum(dashboardPeriods), from: z.string(), to: z.string(), previousFrom: z.string(), previousTo: z.string(), team: z.string().nullable(), rep: z.string().nullable() }),
  /** Nothing was captured, closed or offered in the period and nothing is open: the page says so instead of drawing empty charts. */
  empty: z.boolean(),
  funnel: z.array(z.object({ stage: z.string(), label: z.string(), count: z.number(), conversion: z.number().nullable(), drill })),
  lossReasons: z.array(z.object({ reason: z.string(), label: z.string(), count: z.number(), drill })),
  cycle: z.object({
    averageDays: z.number().nullable(), won: z.number(), drill,
    trend: z.array(z.object({ month: z.string(), averageDays: z.number().nullable(), won: z.number(), drill })),
  }),
  velocity: z.object({ current: velocitySchema, previous: velocitySchema, changePct: z.number().nullable() }),
  forecast: z.object({
    probabilities: forecastProbabilitiesSchema,
    typicalDaysToClose: z.number(),
    months: z.array(z.object({ month: z.string(), offers: z.number(), total: z.number(), weighted: z.number(), drill })),
  }),
  stalled: z.object({
    total: z.number(), drill,
    items: z.array(z.object({ leadId: z.string(), name: z.string(), ownerName: z.string().nullable(), stage: z.string(), daysInStage: z.number(), p75Days: z.number(), sample: z.number() })),
  }),
  timeToClose: z.object({
    total: z.number(),
    items: z.array(z.object({
      leadId: z.string(), name: z.string(), ownerName: z.string().nullable(), stage: z.string(), segment: z.string(), daysInStage: z.number(),
      /** Median days from entering this stage to closing, in the team's history; null without any history. */
      typicalDays: z.number().nullable(), remainingDays: z.number().nullable(), sample: z.number(),
      /** `segment`: same team, stage and segment; `team`: the segment had fewer than the minimum closed deals, so the whole team's are used. */
      basis: z.enum(['segment', 'team', 'none']),
    })),
  }),
  winRates: z.object({ bySource: z.array(winRateRow), byRep: z.array(winRateRow) }),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const dashboardItemsSchema = z.object({
  title: z.string(), total: z.number(),
  items: z.array(z.object({
    leadId: z.string(), name: z.string(), company: z.string().nullable(), ownerName: z.string().nullable(), stage: z.string(), status: z.string(),
    at: z.string().nullable(), detail: z.string().nullable(), value: z.number().nullable(),
  })),
});
export type DashboardItems = z.infer<typeof dashboardItemsSchema>;

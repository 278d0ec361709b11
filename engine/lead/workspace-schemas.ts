import { z } from 'zod';

// The rep workspace's shared schemas: the lead finder's filters (API querystring, saved views, editor forms), saved
// views and task snoozing. Query strings arrive as strings, so numbers and booleans are coerced here.

const isoDate = z.string().trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'must be an ISO date, e.g. 2026-01-31')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a real date');
const flag = z.enum(['true', 'false']);
const count = (max: number) => z.coerce.number().int().min(0).max(max);

/** A comma-separated (or repeated) query parameter, e.g. `grade=A,B` or `grade=A&grade=B`. */
const listOf = <T extends string>(item: z.ZodEnum<{ [K in T]: K }>) => z.union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(item).min(1, 'name at least one value').max(10));

export const leadSortKeys = ['createdAt', 'updatedAt', 'name', 'company', 'score', 'grade', 'stage', 'lastContactAt', 'owner'] as const;
export const leadStatuses = ['open', 'nurturing', 'qualified', 'disqualified', 'won', 'lost', 'failed'] as const;

/** Every filter of the lead finder (all optional, combinable). Used for the API querystring, saved views and the CSV export. */
export const leadFilterSchema = z.object({
  scope: z.enum(['mine', 'team', 'all']).optional(),
  stage: z.string().trim().min(1).max(60).optional(),
  status: listOf(z.enum(leadStatuses)).optional(),
  /** A user id, or `unassigned` for leads without an owner. */
  owner: z.string().trim().min(1).max(80).optional(),
  grade: listOf(z.enum(['A', 'B', 'C'])).optional(),
  scoreMin: z.coerce.number().int().min(-100_000).max(100_000).optional(),
  scoreMax: z.coerce.number().int().min(-100_000).max(100_000).optional(),
  source: listOf(z.enum(['web', 'partner', 'import', 'manual'])).optional(),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code, e.g. DE').optional(),
  industry: z.string().trim().min(1).max(80).optional(),
  companySizeMin: count(10_000_000).optional(),
  companySizeMax: count(10_000_000).optional(),
  productInterest: z.string().trim().toLowerCase().min(1).max(60).optional(),
  createdFrom: isoDate.optional(),
  createdTo: isoDate.optional(),
  lastContactBefore: isoDate.optional(),
  lastContactAfter: isoDate.optional(),
  neverContacted: flag.optional(),
  overdueTask: flag.optional(),
  accountId: z.string().trim().min(1).max(80).optional(),
  /** Text in name, company or e-mail. */
  q: z.string().trim().min(1).max(100).optional(),
  /** The pipeline node the lead waits at (live view). */
  nodeId: z.string().trim().min(1).max(64).optional(),
  sort: z.enum(leadSortKeys).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export const leadFinderQuerySchema = leadFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type LeadFinderQuery = z.output<typeof leadFinderQuerySchema>;
export type LeadFilters = z.output<typeof leadFilterSchema>;

/** The names of the finder's query parameters; anything else is refused with `unknown filter "<name>"`. */
export const leadFinderParams: ReadonlySet<string> = new Set(Object.keys(leadFinderQuerySchema.shape));

/** A saved view: a name and the finder's query parameters as strings (exactly what goes into the URL). */
export const savedViewBodySchema = z.object({
  name: z.string().trim().min(1, 'give the view a name').max(80),
  filters: z.record(z.string(), z.string().max(200)).refine((f) => Object.keys(f).length <= 40, 'at most 40 filters'),
}).strict();

/** A new due date for a task: in the future and within a year. */
export const snoozeBodySchema = z.object({ dueAt: z.iso.datetime({ offset: true, message: 'must be an ISO date-time, e.g. 2026-05-01T09:00:00Z' }) }).strict();

/** The CSV export takes the finder's filters and sort, without pagination. */
export const leadExportParams: ReadonlySet<string> = new Set(Object.keys(leadFilterSchema.shape));

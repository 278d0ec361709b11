import { z } from 'zod';

// The reports' shared schemas (API querystring and answers, the editor's report pages). Plain zod, nothing else, so the
// editor can import them.

/**
 * "Important" customers are the accounts of these classes (accounts.importance). A report may narrow or widen it
 * with `classes=A,B,C`; this is the default when it does not.
 */
export const IMPORTANT_ACCOUNT_CLASSES = ['A', 'B'] as const;
export const accountClasses = ['A', 'B', 'C'] as const;

/** The reports, by the name in their URL. */
export const reportNames = ['never-contacted', 'important-customers', 'conversion', 'visits', 'offers', 'overview'] as const;
export type ReportName = (typeof reportNames)[number];

const day = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, e.g. 2026-01-31')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'must be a real date');

/** The filters every report takes: a period (dates, both inclusive), a team, a rep, and N days where a report asks "older than N days". */
export const reportFilterSchema = z.object({
  from: day.optional(),
  to: day.optional(),
  team: z.string().trim().min(1).max(80).optional(),
  rep: z.string().trim().min(1).max(80).optional(),
  days: z.coerce.number().int().min(1, 'must be at least 1').max(3650, 'must be at most 3650 (ten years)').optional(),
  classes: z.union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean))
    .pipe(z.array(z.enum(accountClasses, 'must be A, B or C')).min(1, 'name at least one class'))
    .optional(),
}).strict();
export type ReportFilterInput = z.output<typeof reportFilterSchema>;

/** A number of a report: its value, the key of the list behind it, and a finder link when the finder can show that list. */
export const cellSchema = z.object({ value: z.number().nullable(), drill: z.string().nullable(), finder: z.string().nullable() });
export const reportTableSchema = z.object({
  id: z.string(), title: z.string(), rowLabel: z.string(),
  columns: z.array(z.object({ key: z.string(), label: z.string(), kind: z.enum(['count', 'sum', 'rate']) })),
  rows: z.array(z.object({ key: z.string(), label: z.string(), cells: z.record(z.string(), cellSchema) })),
});
export const reportResultSchema = z.object({
  report: z.string(), title: z.string(), description: z.string(), empty: z.boolean(),
  filters: z.object({ from: z.string(), to: z.string(), team: z.string().nullable(), rep: z.string().nullable(), days: z.number(), classes: z.array(z.string()) }),
  tables: z.array(reportTableSchema),
});
export type ReportTable = z.infer<typeof reportTableSchema>;
export type ReportResult = z.infer<typeof reportResultSchema>;

/** One lead, account, visit, offer or order behind a number. */
export const reportItemSchema = z.object({
  kind: z.string(), id: z.string(), leadId: z.string().nullable(), accountId: z.string().nullable(), label: z.string(),
  repName: z.string().nullable(), at: z.string().nullable(), detail: z.string().nullable(), value: z.number().nullable(),
});
export const reportItemsSchema = z.object({ title: z.string(), total: z.number(), items: z.array(reportItemSchema) });
export type ReportItems = z.infer<typeof reportItemsSchema>;

import { z } from 'zod';

/** Lead fields a CSV column can fill; `firstName` + `lastName` are joined into the name. */
export const importFields = ['name', 'firstName', 'lastName', 'email', 'phone', 'company', 'country', 'productInterest', 'message', 'jobTitle', 'companySize', 'industry'] as const;
export const importFieldSchema = z.enum(importFields);
export type ImportField = z.infer<typeof importFieldSchema>;

/** Column header (as written in the file) -> lead field; columns left out are not imported. */
export const columnMappingSchema = z.record(z.string().max(200), importFieldSchema)
  .superRefine((m, ctx) => {
    const fields = Object.values(m);
    const seen = new Set<string>();
    for (const f of fields) {
      if (seen.has(f)) ctx.addIssue({ code: 'custom', message: `two columns are mapped to ${f}; map each field once` });
      seen.add(f);
    }
    if (!seen.has('name') && !seen.has('firstName') && !seen.has('lastName')) ctx.addIssue({ code: 'custom', message: 'map a column to name (or first and last name)' });
    if (!seen.has('email') && !seen.has('phone')) ctx.addIssue({ code: 'custom', message: 'map a column to email or phone' });
  });
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** What to do with a row whose person is already a lead (or earlier in the same file). */
export const dedupeChoiceSchema = z.enum(['skip', 'merge', 'create']);
export type DedupeChoice = z.infer<typeof dedupeChoiceSchema>;

export const importStatusSchema = z.enum(['draft', 'running', 'paused', 'completed', 'cancelled', 'failed']);
export type ImportStatus = z.infer<typeof importStatusSchema>;

const mappingName = z.string().trim().min(1, 'must not be empty').max(80);

export const startImportBodySchema = z.object({
  mapping: columnMappingSchema,
  dedupe: dedupeChoiceSchema,
  listName: z.string().trim().min(1, 'name the list the leads are tagged with').max(80),
  /** Rows fed per second (at most); the default comes from IMPORT_ROWS_PER_SECOND. */
  rowsPerSecond: z.number().int().min(1).max(100_000).optional(),
  /** Also save the mapping under this name for the next file. */
  saveMappingAs: mappingName.optional(),
}).strict();
export type StartImportBody = z.infer<typeof startImportBodySchema>;

export const previewBodySchema = z.object({ mapping: z.record(z.string().max(200), importFieldSchema) }).strict();
export const saveMappingBodySchema = z.object({ mapping: z.record(z.string().max(200), importFieldSchema) }).strict();
export const mappingNameSchema = mappingName;

export const rowProblemSchema = z.object({ field: z.string(), reason: z.string() });
export type RowProblem = z.infer<typeof rowProblemSchema>;

export const previewRowSchema = z.object({
  row: z.number().int(),
  values: z.array(z.string()),
  problems: z.array(rowProblemSchema),
});
export type PreviewRow = z.infer<typeof previewRowSchema>;

export const importProgressSchema = z.object({
  rowsDone: z.number().int(), created: z.number().int(), merged: z.number().int(), skipped: z.number().int(), failed: z.number().int(),
  /** 0…1, by the bytes of the file read. */
  fraction: z.number(),
  /** Rows per second while running. */
  rate: z.number().nullable(),
  secondsLeft: z.number().nullable(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

export const importViewSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  status: importStatusSchema,
  encoding: z.string(),
  delimiter: z.string(),
  headers: z.array(z.string()),
  totalBytes: z.number(),
  mapping: z.record(z.string(), importFieldSchema).nullable(),
  dedupe: dedupeChoiceSchema.nullable(),
  listName: z.string().nullable(),
  rowsPerSecond: z.number().nullable(),
  progress: importProgressSchema,
  error: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type ImportView = z.infer<typeof importViewSchema>;

export const importDraftSchema = importViewSchema.extend({
  suggestedMapping: z.record(z.string(), importFieldSchema),
  preview: z.array(previewRowSchema),
});
export type ImportDraft = z.infer<typeof importDraftSchema>;

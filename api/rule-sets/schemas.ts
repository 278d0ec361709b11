/** Request and response schemas of the rule-set API (zod; the OpenAPI document at /docs is built from them). */
import { z } from 'zod';
import { configurationFactsSchema, leadFactsSchema, packJson, ruleSetDocumentSchema, ruleSetKindSchema } from '../../rules';

export const problemSchema = z.object({ path: z.string(), message: z.string() });
export const errorSchema = z.object({ error: z.string(), message: z.string(), problems: z.array(problemSchema).optional() });

/** Rule-set ids are slugs: they appear in URLs, pipeline documents and the event log. */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a lower-case slug: letters, digits and dashes, at most 63 characters');
export const idParams = z.object({ id: slugSchema });

/**
 * A rule-set document as sent by the editor. Only "is it a JSON object" is checked by the schema: the
 * catalog validation (`validateRuleSet`) answers 422 with every problem and its JSON path, which a zod union
 * error could not do.
 */
export const documentInput = z.record(z.string(), z.unknown()).meta({
  description: 'A rule-set document (json-rules-engine rules over catalog facts). Checked against the fact catalog: 422 lists every problem with its path.',
  examples: [packJson.scoring],
});

export const documentOutput = ruleSetDocumentSchema;

export const summarySchema = z.object({
  id: z.string(), name: z.string(), kind: ruleSetKindSchema,
  latestVersion: z.number().int().nullable(), publishedAt: z.string().nullable(), draftUpdatedAt: z.string(),
});

export const versionInfoSchema = z.object({ version: z.number().int(), note: z.string(), publishedBy: z.string().nullable(), publishedAt: z.string() });

export const ruleSetDetailSchema = z.object({
  id: z.string(), name: z.string(), kind: ruleSetKindSchema,
  draft: documentOutput, draftUpdatedAt: z.string(), createdAt: z.string(),
  versions: z.array(versionInfoSchema),
});

export const publishedSchema = z.object({ id: z.string(), version: z.number().int(), publishedAt: z.string(), note: z.string(), publishedBy: z.string().nullable(), document: documentOutput });

export const validateResponse = z.object({ ok: z.boolean(), problems: z.array(problemSchema) });

const fieldChange = z.object({ field: z.string(), before: z.unknown(), after: z.unknown() });
export const diffResponse = z.object({
  from: z.union([z.number().int(), z.literal('draft')]),
  to: z.union([z.number().int(), z.literal('draft')]),
  added: z.array(z.string()), removed: z.array(z.string()),
  changed: z.array(z.object({ rule: z.string(), fields: z.array(fieldChange) })),
  document: z.array(fieldChange), reordered: z.boolean(),
});
/** `draft` or a version number. */
export const versionRef = z.union([z.literal('draft'), z.coerce.number().int().min(1).max(2_147_483_647)]);

export const simulateBody = z.object({
  /** Facts of a lead as the workers would build them (LeadFacts). */
  lead: leadFactsSchema.optional(),
  /** A stored lead: its facts are built from the database. */
  leadId: z.string().min(1).max(200).optional(),
  /** Facts of a product configuration, for configurator rule sets. */
  configuration: configurationFactsSchema.optional(),
  /** Evaluate the draft instead of the newest published version. */
  useDraft: z.boolean().default(false),
  /** Clock for date operators (default: now). */
  now: z.iso.datetime({ offset: true }).optional(),
}).strict().refine((b) => [b.lead, b.leadId, b.configuration].filter((x) => x !== undefined).length === 1, {
  message: 'give exactly one of "lead" (facts), "leadId" (a stored lead) or "configuration"',
  path: ['lead'],
});

export const simulateResponse = z.object({
  ruleSet: z.object({ id: z.string(), name: z.string(), kind: ruleSetKindSchema, version: z.number().int().nullable(), draft: z.boolean() }),
  facts: z.record(z.string(), z.unknown()),
  decision: z.record(z.string(), z.unknown()).meta({ description: 'scoring: score, grade, matched, unmatched; routing: rule, strategy; reminder: reminders; configurator: valid, violations, adjustments' }),
  explanation: z.record(z.string(), z.unknown()),
});

export const backtestBody = z.object({
  /** How many of the newest stored leads (default 1,000), or 'all'. */
  limit: z.union([z.number().int().min(1).max(10_000_000), z.literal('all')]).default(1000),
  now: z.iso.datetime({ offset: true }).optional(),
}).strict();

export const backtestResponse = z.object({
  kind: ruleSetKindSchema,
  published: z.object({ version: z.number().int() }),
  leads: z.number().int(),
  changed: z.number().int(),
  counts: z.record(z.string(), z.number()).meta({ description: 'scoring: score, grade, scoreUp, scoreDown; routing: rule, strategy; reminder: reminders' }),
  sample: z.array(z.object({ leadId: z.string(), before: z.record(z.string(), z.unknown()), after: z.record(z.string(), z.unknown()) })),
  seconds: z.object({ facts: z.number(), evaluate: z.number(), total: z.number() }),
});

export const factsQuery = z.object({ kind: ruleSetKindSchema.default('scoring') });
export const factCatalogResponse = z.object({
  kind: ruleSetKindSchema,
  entities: z.array(z.object({
    entity: z.string(),
    facts: z.array(z.object({
      name: z.string(), type: z.string(), label: z.string(), values: z.array(z.string()).optional(),
      operators: z.array(z.object({ name: z.string(), label: z.string(), valueType: z.string(), custom: z.boolean() })),
    })),
  })),
});

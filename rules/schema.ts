/**
 * Zod schemas for rule-set documents, shared by api (save), workers (evaluate) and editor (forms).
 *
 * The shapes follow json-rules-engine's rule JSON so a document can be handed to `engine.addRule` after
 * validation; see `validate.ts` for the checks that need the fact catalog (unknown facts, operator fit…).
 *
 * @example
 * ```ts
 * const doc = ruleSetDocumentSchema.parse(json); // throws ZodError on a malformed document
 * if (doc.kind === 'scoring') console.log(doc.settings.grades.A);
 * ```
 */
import { z } from 'zod';

/** A literal on the right-hand side of a condition. JSON only: no objects except `{ fact }` references. */
export type ConditionLiteral = string | number | boolean | null | Array<string | number | boolean>;
/** `{ fact: name }`: compare against another fact of the same lead instead of a literal. */
export interface FactReference { fact: string }
export type ConditionValue = ConditionLiteral | FactReference;

/** A leaf comparison, json-rules-engine shape. `path` is accepted for fidelity but rejected by validation (flat facts). */
export interface LeafCondition { fact: string; operator: string; value: ConditionValue; path?: string }
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;
/** json-rules-engine requires the root of `conditions` to be a boolean group. */
export type GroupCondition = Exclude<Condition, LeafCondition>;

const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);
export const factReferenceSchema = z.object({ fact: z.string().min(1) }).strict();
export const conditionValueSchema: z.ZodType<ConditionValue> = z.union([
  scalarSchema,
  z.null(),
  z.array(scalarSchema),
  factReferenceSchema,
]);

export const leafConditionSchema = z.object({
  fact: z.string().min(1),
  operator: z.string().min(1),
  value: conditionValueSchema,
  path: z.string().optional(),
});

// Getters give zod v4 a lazy recursive schema while keeping the inferred type precise.
export const groupConditionSchema: z.ZodType<GroupCondition> = z.union([
  z.object({ get all() { return z.array(conditionSchema).min(1, 'an "all" group needs at least one condition'); } }).strict(),
  z.object({ get any() { return z.array(conditionSchema).min(1, 'an "any" group needs at least one condition'); } }).strict(),
  z.object({ get not() { return conditionSchema; } }).strict(),
]);
export const conditionSchema: z.ZodType<Condition> = z.union([groupConditionSchema, leafConditionSchema]);

export const ruleSetKindSchema = z.enum(['scoring', 'routing', 'reminder', 'configurator']);
export type RuleSetKind = z.infer<typeof ruleSetKindSchema>;

// ---- routing strategies -------------------------------------------------------------------------------
const baseRoutingStrategies = [
  z.object({ type: z.literal('named'), userId: z.string().min(1) }),
  z.object({ type: z.literal('round_robin'), team: z.string().min(1) }),
  z.object({
    type: z.literal('weighted'),
    weights: z.array(z.object({ userId: z.string().min(1), weight: z.number().positive() })).min(1),
  }),
  /** Pick the team whose territory contains the lead's country, then round robin inside it. */
  z.object({ type: z.literal('territory') }),
  /** Skip reps at their max open leads; candidates come from a team or an explicit list. */
  z.object({ type: z.literal('capacity'), team: z.string().min(1).optional(), userIds: z.array(z.string().min(1)).min(1).optional() }),
] as const;
export const routingStrategySchema = z.discriminatedUnion('type', [
  ...baseRoutingStrategies,
  /** A lead of an account that already has an active owner (an active rep with an open lead there) goes to that rep; else `then`. */
  z.object({ type: z.literal('account_affinity'), then: z.discriminatedUnion('type', [...baseRoutingStrategies]).optional() }),
]);
export type RoutingStrategy = z.infer<typeof routingStrategySchema>;

// ---- events per kind ----------------------------------------------------------------------------------
export const scoringEventSchema = z.object({
  type: z.literal('score').default('score'),
  params: z.object({ points: z.number().finite() }),
});
export const routingEventSchema = z.object({
  type: z.literal('route').default('route'),
  params: z.object({ strategy: routingStrategySchema }),
});
export const reminderEventSchema = z.object({
  type: z.literal('remind').default('remind'),
  params: z.object({
    delayHours: z.number().positive(),
    recipient: z.enum(['owner', 'manager']),
    template: z.string().min(1),
    kind: z.string().min(1).optional(),
  }),
});
export const priceAdjustmentSchema = z
  .object({ amount: z.number().finite().optional(), percent: z.number().finite().optional(), label: z.string().min(1) })
  .refine((p) => p.amount !== undefined || p.percent !== undefined, { message: 'a price adjustment needs an amount or a percent' });
export const configuratorEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('violation'), params: z.object({ violation: z.string().min(1) }) }),
  z.object({ type: z.literal('priceAdjustment'), params: z.object({ priceAdjustment: priceAdjustmentSchema }) }),
]);

function ruleSchema<E extends z.ZodType, C extends z.ZodType>(event: E, conditions: C) {
  return z.object({
    name: z.string().min(1),
    priority: z.number().int().min(1).default(1),
    conditions,
    event,
  });
}
export const scoringRuleSchema = ruleSchema(scoringEventSchema, groupConditionSchema);
export const routingRuleSchema = ruleSchema(routingEventSchema, groupConditionSchema);
export const reminderRuleSchema = ruleSchema(reminderEventSchema, groupConditionSchema);
export const configuratorRuleSchema = ruleSchema(configuratorEventSchema, groupConditionSchema);

// ---- settings -----------------------------------------------------------------------------------------
export const scoringSettingsSchema = z
  .object({
    /** Upper bound on the score; the raw sum is still reported. */
    cap: z.number().finite().optional(),
    /** score ≥ A → 'A', ≥ B → 'B', else 'C'. */
    grades: z.object({ A: z.number().finite(), B: z.number().finite() }),
  })
  .refine((s) => s.grades.A >= s.grades.B, { message: 'grade A threshold must be ≥ grade B threshold', path: ['grades', 'A'] });
export const defaultScoringSettings: ScoringSettings = { grades: { A: 60, B: 30 } };

// ---- documents ----------------------------------------------------------------------------------------
function documentSchema<C extends z.ZodType>(conditions: C) {
  const base = { id: z.string().min(1).optional(), name: z.string().min(1), description: z.string().optional() };
  const noSettings = z.object({}).optional();
  return z.discriminatedUnion('kind', [
    z.object({
      ...base,
      kind: z.literal('scoring'),
      rules: z.array(ruleSchema(scoringEventSchema, conditions)),
      settings: scoringSettingsSchema.default({ grades: { A: 60, B: 30 } }),
    }),
    z.object({ ...base, kind: z.literal('routing'), rules: z.array(ruleSchema(routingEventSchema, conditions)), settings: noSettings }),
    z.object({ ...base, kind: z.literal('reminder'), rules: z.array(ruleSchema(reminderEventSchema, conditions)), settings: noSettings }),
    z.object({ ...base, kind: z.literal('configurator'), rules: z.array(ruleSchema(configuratorEventSchema, conditions)), settings: noSettings }),
  ]);
}

/** The full document schema. Prefer `validateRuleSet` for user input: it also checks the fact catalog. */
export const ruleSetDocumentSchema = documentSchema(groupConditionSchema);
/**
 * Same document with `conditions` left unchecked: `validateRuleSet` walks conditions itself so that every
 * problem gets a precise path instead of a zod union error.
 */
export const ruleSetShapeSchema = documentSchema(z.unknown());

export type RuleSetDocument = z.infer<typeof ruleSetDocumentSchema>;
/** What authors write (defaults not yet applied), e.g. the JSON packs. */
export type RuleSetDocumentInput = z.input<typeof ruleSetDocumentSchema>;
export type ScoringRuleSet = Extract<RuleSetDocument, { kind: 'scoring' }>;
export type RoutingRuleSet = Extract<RuleSetDocument, { kind: 'routing' }>;
export type ReminderRuleSet = Extract<RuleSetDocument, { kind: 'reminder' }>;
export type ConfiguratorRuleSet = Extract<RuleSetDocument, { kind: 'configurator' }>;
export type ScoringRule = z.infer<typeof scoringRuleSchema>;
export type RoutingRule = z.infer<typeof routingRuleSchema>;
export type ReminderRule = z.infer<typeof reminderRuleSchema>;
export type ConfiguratorRule = z.infer<typeof configuratorRuleSchema>;
export type AnyRule = RuleSetDocument['rules'][number];
export type ScoringSettings = z.output<typeof scoringSettingsSchema>;
export type PriceAdjustment = z.infer<typeof priceAdjustmentSchema>;

/** Narrowing helper: true when `c` is a leaf comparison rather than a boolean group. */
export function isLeaf(c: Condition): c is LeafCondition {
  return !('all' in c) && !('any' in c) && !('not' in c);
}
/** True when a condition value is a `{ fact }` reference rather than a literal. */
export function isFactReference(v: ConditionValue): v is FactReference {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, 'fact');
}

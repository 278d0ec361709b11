import { z } from 'zod';
import { isCents, MAX_AMOUNT } from '../lead/bounds';

/**
 * Catalog, configuration and quote shapes, shared by the API (validation), the pricing code and the editor (forms).
 *
 * @example
 * ```ts
 * configurationSchema.parse({ items: [{ productId: 'crm-suite', options: ['cloud'], quantity: 25 }], contractMonths: 24 });
 * ```
 */
const code = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'must be lower case letters, digits and -, up to 60 characters');
const price = z.number().min(0).max(100_000_000).refine(isCents, 'must have at most two decimals (cents)');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const productOptionSchema = z.object({
  code,
  name: z.string().trim().min(1).max(120),
  group: z.string().trim().max(60).nullable().default(null),
  archived: z.boolean().default(false),
}).strict();

export const productBodySchema = z.object({
  id: code,
  name: z.string().trim().min(1).max(160),
  description: z.string().max(2000).default(''),
  unit: z.string().trim().min(1).max(30).default('seat'),
  attributes: z.record(z.string().max(60), z.union([z.string().max(200), z.number(), z.boolean()])).default({}),
  options: z.array(productOptionSchema).max(50).default([]),
  archived: z.boolean().default(false),
}).strict().superRefine((p, ctx) => {
  const seen = new Set<string>();
  p.options.forEach((o, i) => {
    if (seen.has(o.code)) ctx.addIssue({ code: 'custom', path: ['options', i, 'code'], message: `option "${o.code}" is listed twice` });
    seen.add(o.code);
  });
});
export type ProductBody = z.infer<typeof productBodySchema>;
export const productSchema = z.object({
  id: z.string(), name: z.string(), description: z.string(), unit: z.string(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  options: z.array(z.object({ code: z.string(), name: z.string(), group: z.string().nullable(), archived: z.boolean() })),
  archived: z.boolean(), updatedAt: z.string(),
});
export type Product = z.infer<typeof productSchema>;

export const priceListItemSchema = z.object({
  productId: code,
  /** Empty: the product's own price; else the option's code. */
  optionCode: z.union([code, z.literal('')]).default(''),
  unitPrice: price,
}).strict();

export const priceListBodySchema = z.object({
  id: code,
  name: z.string().trim().min(1).max(160),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code, e.g. EUR').default('EUR'),
  validFrom: day.nullable().default(null),
  validTo: day.nullable().default(null),
  maxDiscountPct: z.number().min(0).max(100).default(25),
  ruleSetId: z.string().trim().min(1).max(80).nullable().default(null),
  archived: z.boolean().default(false),
  items: z.array(priceListItemSchema).max(2000).default([]),
}).strict().refine((p) => !p.validFrom || !p.validTo || p.validTo >= p.validFrom, { message: 'must not be before validFrom', path: ['validTo'] });
export type PriceListBody = z.infer<typeof priceListBodySchema>;
export const priceListSchema = z.object({
  id: z.string(), name: z.string(), currency: z.string(), validFrom: z.string().nullable(), validTo: z.string().nullable(),
  maxDiscountPct: z.number(), ruleSetId: z.string().nullable(), archived: z.boolean(),
  items: z.array(z.object({ productId: z.string(), optionCode: z.string(), unitPrice: z.number() })),
});
export type PriceList = z.infer<typeof priceListSchema>;

/** One product of a configuration: catalog prices, or a manual unit price / extra discount the rep asks for. */
export const configurationItemSchema = z.object({
  productId: code,
  options: z.array(code).max(50).default([]),
  quantity: z.number().int().min(1).max(1_000_000),
  /** An extra discount on this line, in percent of the list price (never below the price list's floor). */
  discountPct: z.number().min(0).max(100).optional(),
  /** A manual unit price instead of the computed one (needs the pricing permission; marked on the line). */
  unitPrice: price.optional(),
}).strict();
/** A line outside the catalog (needs the pricing permission; marked as free on the line). */
export const freeLineSchema = z.object({
  name: z.string().trim().min(1).max(80),
  quantity: z.number().int().min(1).max(1_000_000),
  unitPrice: price,
}).strict();

export const configurationSchema = z.object({
  /** Default: the valid, non-archived price list (the newest valid one). */
  priceListId: code.optional(),
  contractMonths: z.number().int().min(1).max(120).optional(),
  items: z.array(configurationItemSchema).max(200).default([]),
  freeLines: z.array(freeLineSchema).max(50).default([]),
}).strict().refine((c) => c.items.length + c.freeLines.length > 0, { message: 'a configuration needs at least one product', path: ['items'] });
export type Configuration = z.infer<typeof configurationSchema>;
export type ConfigurationInput = z.input<typeof configurationSchema>;

export const quoteBodySchema = z.object({ leadId: z.string().min(1).max(80), configuration: configurationSchema }).strict();

export const adjustmentSchema = z.object({
  /** The rule behind the adjustment (a configurator rule name, or `manual` / `discount`). */
  rule: z.string(),
  label: z.string(),
  percent: z.number().optional(),
  /** Effect on the line total (negative: a discount). */
  amount: z.number(),
});
export type Adjustment = z.infer<typeof adjustmentSchema>;

export const pricedLineSchema = z.object({
  /** Index into `items` (catalog lines and their fees) or null for a free line. */
  item: z.number().nullable(),
  source: z.enum(['catalog', 'manual', 'free', 'fee']),
  product: z.string(),
  productId: z.string().nullable(),
  productName: z.string(),
  options: z.array(z.string()),
  optionNames: z.array(z.string()),
  quantity: z.number(),
  listUnitPrice: z.number(),
  unitPrice: z.number(),
  listTotal: z.number(),
  total: z.number(),
  adjustments: z.array(adjustmentSchema),
});
export type PricedLine = z.infer<typeof pricedLineSchema>;

export const violationSchema = z.object({
  /** Index of the configuration item the violation is about. */
  item: z.number(),
  productId: z.string(),
  rule: z.string(),
  description: z.string(),
});
export type Violation = z.infer<typeof violationSchema>;

export const quoteSchema = z.object({
  valid: z.boolean(),
  violations: z.array(violationSchema),
  lines: z.array(pricedLineSchema),
  currency: z.string(),
  listTotal: z.number(),
  total: z.number(),
  /** (listTotal − total) / listTotal × 100, two decimals. */
  discountPct: z.number(),
  priceList: z.object({ id: z.string(), name: z.string(), maxDiscountPct: z.number() }),
  ruleSet: z.object({ id: z.string(), name: z.string(), version: z.number() }).nullable(),
});
export type Quote = z.infer<typeof quoteSchema>;

export const orderStatusSchema = z.enum(['confirmed', 'fulfilled', 'cancelled']);
export type OrderStatus = z.infer<typeof orderStatusSchema>;
export const orderPatchSchema = z.object({ status: orderStatusSchema, note: z.string().max(500).optional() }).strict();

export { MAX_AMOUNT };

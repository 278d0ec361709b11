/**
 * Zod schemas of the fact objects (`LeadFacts`, `ConfigurationFacts`) for callers that receive facts from
 * outside, e.g. the simulator: a field of the wrong type or a field outside the catalog is refused with its
 * name. Kept in step with the catalog by a test (every catalog fact has a field, and vice versa).
 *
 * @example
 * ```ts
 * leadFactsSchema.parse({ country: 'DE', companySize: 250 }); // ok
 * leadFactsSchema.safeParse({ companySize: 'big' }).success;   // false, issue path ['companySize']
 * ```
 */
import { z } from 'zod';
import { importanceClasses, leadSources, type ConfigurationFacts, type LeadFacts } from './facts';

const count = z.number().int().min(0);
const days = z.number().min(0);

export const leadFactsSchema = z.object({
  source: z.enum(leadSources).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO-3166 alpha-2 code in upper case').optional(),
  region: z.string().optional(),
  companySize: count.optional(),
  industry: z.string().optional(),
  productInterest: z.string().optional(),
  jobTitle: z.string().optional(),
  emailDomain: z.string().optional(),
  hasPhone: z.boolean().optional(),
  importance: z.enum(importanceClasses).optional(),
  stage: z.string().optional(),
  score: z.number().finite().optional(),
  grade: z.enum(importanceClasses).optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  tags: z.array(z.string()).optional(),
  daysSinceLastVisit: days.optional(),
  daysSinceCreated: days.optional(),
  visitsLast30Days: count.optional(),
  openOffers: count.optional(),
  emailOpensLast14Days: count.optional(),
  formSubmissions: count.optional(),
  lastOfferStatus: z.string().optional(),
  'behaviour.email_opens_30d': count.optional(),
  'behaviour.clicks_30d': count.optional(),
  'behaviour.page_visits_30d': count.optional(),
  'behaviour.downloads_30d': count.optional(),
  'behaviour.webinars_30d': count.optional(),
}).strict() satisfies z.ZodType<LeadFacts>;

export const configurationFactsSchema = z.object({
  product: z.string().optional(),
  options: z.array(z.string()).optional(),
  quantity: count.optional(),
  contractMonths: count.optional(),
  storageGb: z.number().min(0).optional(),
  listPrice: z.number().finite().optional(),
  products: z.array(z.string()).optional(),
  totalQuantity: count.optional(),
  segment: z.enum(['enterprise', 'mid-market', 'smb']).optional(),
  companySize: count.optional(),
  industry: z.string().optional(),
}).strict() satisfies z.ZodType<ConfigurationFacts>;

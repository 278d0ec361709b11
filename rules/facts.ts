/**
 * The fact catalog: which facts each rule-set kind may use, with their types. Validation rejects anything
 * else, the editor builds its pickers from it, and workers build `LeadFacts` / `ConfigurationFacts` objects.
 *
 * @example
 * ```ts
 * const country = findFact('scoring', 'country'); // { name: 'country', type: 'string', entity: 'lead', … }
 * ```
 */
import type { RuleSetKind } from './schema';

export type FactType = 'number' | 'string' | 'boolean' | 'date' | 'string[]';
export type FactEntity = 'lead' | 'account' | 'activity' | 'offer' | 'configuration';

export interface FactDefinition {
  name: string;
  type: FactType;
  entity: FactEntity;
  label: string;
  /** Closed list of values, when the domain has one (the editor shows a select). */
  values?: readonly string[];
}

/**
 * Facts the workers build for a lead from the database. Every field is optional: a missing fact evaluates as
 * `undefined` (the engine runs with `allowUndefinedFacts: true`), so e.g. `daysSinceLastVisit` is absent when
 * the lead was never visited and any numeric comparison on it is false.
 */
export interface LeadFacts {
  source?: 'web' | 'partner' | 'import' | 'manual';
  /** ISO-3166 alpha-2, upper case. */
  country?: string;
  region?: string;
  /** Number of employees. */
  companySize?: number;
  industry?: string;
  productInterest?: string;
  jobTitle?: string;
  emailDomain?: string;
  hasPhone?: boolean;
  importance?: 'A' | 'B' | 'C';
  stage?: string;
  score?: number;
  grade?: 'A' | 'B' | 'C';
  /** ISO-8601 timestamp. */
  createdAt?: string;
  /** Labels attached by ops or imports. */
  tags?: string[];
  daysSinceLastVisit?: number;
  daysSinceCreated?: number;
  visitsLast30Days?: number;
  openOffers?: number;
  emailOpensLast14Days?: number;
  formSubmissions?: number;
  lastOfferStatus?: string;
  /** Behavioural events of the last 30 days (POST /api/events and the tracking of the mail the product sends). */
  'behaviour.email_opens_30d'?: number;
  'behaviour.clicks_30d'?: number;
  'behaviour.page_visits_30d'?: number;
  'behaviour.downloads_30d'?: number;
  'behaviour.webinars_30d'?: number;
}

/** Facts of one product configuration checked by configurator rules. */
export interface ConfigurationFacts {
  product?: string;
  options?: string[];
  /** Seats / units ordered. */
  quantity?: number;
  contractMonths?: number;
  storageGb?: number;
  /** Configured list price before adjustments. */
  listPrice?: number;
  /** Every product of the offer the line belongs to. */
  products?: string[];
  totalQuantity?: number;
  segment?: 'enterprise' | 'mid-market' | 'smb';
  companySize?: number;
  industry?: string;
}

export const leadSources = ['web', 'partner', 'import', 'manual'] as const;
export const importanceClasses = ['A', 'B', 'C'] as const;
export const leadStages = ['captured', 'new', 'qualification', 'contacted', 'qualified', 'nurturing', 'offer', 'won', 'lost'] as const;
export const offerStatuses = ['draft', 'sent', 'confirmed', 'in_follow_up', 'renegotiated', 'accepted', 'rejected', 'postponed'] as const;

const leadFacts: readonly FactDefinition[] = [
  { name: 'source', type: 'string', entity: 'lead', label: 'Source', values: leadSources },
  { name: 'country', type: 'string', entity: 'lead', label: 'Country (ISO-2)' },
  { name: 'region', type: 'string', entity: 'lead', label: 'Region' },
  { name: 'companySize', type: 'number', entity: 'account', label: 'Company size (employees)' },
  { name: 'industry', type: 'string', entity: 'account', label: 'Industry' },
  { name: 'productInterest', type: 'string', entity: 'lead', label: 'Product interest' },
  { name: 'jobTitle', type: 'string', entity: 'lead', label: 'Job title' },
  { name: 'emailDomain', type: 'string', entity: 'lead', label: 'E-mail domain' },
  { name: 'hasPhone', type: 'boolean', entity: 'lead', label: 'Has phone number' },
  { name: 'importance', type: 'string', entity: 'account', label: 'Importance class', values: importanceClasses },
  { name: 'stage', type: 'string', entity: 'lead', label: 'Stage', values: leadStages },
  { name: 'score', type: 'number', entity: 'lead', label: 'Score' },
  { name: 'grade', type: 'string', entity: 'lead', label: 'Grade', values: importanceClasses },
  { name: 'createdAt', type: 'date', entity: 'lead', label: 'Created at' },
  { name: 'tags', type: 'string[]', entity: 'lead', label: 'Tags' },
  { name: 'daysSinceLastVisit', type: 'number', entity: 'activity', label: 'Days since last visit (missing if never)' },
  { name: 'daysSinceCreated', type: 'number', entity: 'lead', label: 'Days since created' },
  { name: 'visitsLast30Days', type: 'number', entity: 'activity', label: 'Visits in the last 30 days' },
  { name: 'openOffers', type: 'number', entity: 'offer', label: 'Open offers' },
  { name: 'emailOpensLast14Days', type: 'number', entity: 'activity', label: 'E-mail opens in the last 14 days' },
  { name: 'formSubmissions', type: 'number', entity: 'activity', label: 'Form submissions' },
  { name: 'lastOfferStatus', type: 'string', entity: 'offer', label: 'Last offer status', values: offerStatuses },
  { name: 'behaviour.email_opens_30d', type: 'number', entity: 'activity', label: 'E-mails opened in the last 30 days (tracked)' },
  { name: 'behaviour.clicks_30d', type: 'number', entity: 'activity', label: 'Links clicked in e-mails in the last 30 days' },
  { name: 'behaviour.page_visits_30d', type: 'number', entity: 'activity', label: 'Web page visits in the last 30 days' },
  { name: 'behaviour.downloads_30d', type: 'number', entity: 'activity', label: 'Downloads in the last 30 days' },
  { name: 'behaviour.webinars_30d', type: 'number', entity: 'activity', label: 'Webinars attended in the last 30 days' },
];

const configurationFacts: readonly FactDefinition[] = [
  { name: 'product', type: 'string', entity: 'configuration', label: 'Product' },
  { name: 'options', type: 'string[]', entity: 'configuration', label: 'Selected options' },
  { name: 'quantity', type: 'number', entity: 'configuration', label: 'Quantity (seats)' },
  { name: 'contractMonths', type: 'number', entity: 'configuration', label: 'Contract length (months)' },
  { name: 'storageGb', type: 'number', entity: 'configuration', label: 'Storage (GB)' },
  { name: 'listPrice', type: 'number', entity: 'configuration', label: 'List price' },
  { name: 'products', type: 'string[]', entity: 'configuration', label: 'Products in the offer (bundles, requires across lines)' },
  { name: 'totalQuantity', type: 'number', entity: 'configuration', label: 'Seats over all lines of the product' },
  { name: 'segment', type: 'string', entity: 'account', label: 'Segment (enterprise ≥ 1000, mid-market ≥ 100 employees, else smb)', values: ['enterprise', 'mid-market', 'smb'] },
  { name: 'companySize', type: 'number', entity: 'account', label: 'Company size (employees)' },
  { name: 'industry', type: 'string', entity: 'account', label: 'Industry' },
];

/** The catalog per rule-set kind. */
export const factCatalog: Readonly<Record<RuleSetKind, readonly FactDefinition[]>> = {
  scoring: leadFacts,
  routing: leadFacts,
  reminder: leadFacts,
  configurator: configurationFacts,
};

const index = new Map<RuleSetKind, Map<string, FactDefinition>>(
  (Object.keys(factCatalog) as RuleSetKind[]).map((k) => [k, new Map(factCatalog[k].map((f) => [f.name, f]))]),
);

/** Looks up a fact of a kind's catalog; `undefined` when unknown. */
export function findFact(kind: RuleSetKind, name: string): FactDefinition | undefined {
  return index.get(kind)?.get(name);
}

/**
 * A small, plausible demo catalog: four products (the ones the demo history sold), a EUR price list valid this year
 * and next, and the published configurator rule set its quotes are checked and priced with (requires, excludes,
 * ranges, then volume, bundle, contract-length and segment price rules). Idempotent: it runs once per database.
 *
 * @example
 * ```ts
 * await loadDemoCatalog(sql); // { created: true } on the first call, { created: false } afterwards
 * ```
 */
import type { PriceListBody, ProductBody } from '../engine/pricing/schemas';
import { validateRuleSet } from '../rules/validate';
import { savePriceList, saveProduct } from './catalog';
import type { Sql } from './client';
import { getPublishedRuleSet, publishRuleSet } from './rule-sets';

export const demoProducts: ProductBody[] = [
  { id: 'crm-suite', name: 'CRM Suite', description: 'Leads, accounts, pipeline and forecasting.', unit: 'seat', attributes: { family: 'Sales', billing: 'monthly per seat' }, archived: false,
    options: [
      { code: 'cloud', name: 'Cloud hosting', group: 'Deployment', archived: false },
      { code: 'on-prem', name: 'On-premises', group: 'Deployment', archived: false },
      { code: 'sso', name: 'Single sign-on', group: 'Add-on', archived: false },
      { code: 'analytics', name: 'Embedded analytics', group: 'Add-on', archived: false },
      { code: 'support-premium', name: 'Premium support', group: 'Support', archived: false },
    ] },
  { id: 'analytics-cloud', name: 'Analytics Cloud', description: 'Dashboards and reports over sales data.', unit: 'seat', attributes: { family: 'Analytics', billing: 'monthly per seat' }, archived: false,
    options: [
      { code: 'data-warehouse', name: 'Data warehouse connector', group: 'Add-on', archived: false },
      { code: 'ai-insights', name: 'AI insights', group: 'Add-on', archived: false },
    ] },
  { id: 'cpq-engine', name: 'CPQ Engine', description: 'Configure, price, quote on top of the CRM.', unit: 'seat', attributes: { family: 'Sales', billing: 'monthly per seat' }, archived: false,
    options: [
      { code: 'erp-connector', name: 'ERP connector', group: 'Add-on', archived: false },
      { code: 'approval-workflows', name: 'Approval workflows', group: 'Add-on', archived: false },
    ] },
  { id: 'support-plan', name: 'Support Plan', description: 'Help desk and onboarding.', unit: 'seat', attributes: { family: 'Services', billing: 'monthly per seat' }, archived: false,
    options: [
      { code: '24x7', name: '24/7 hotline', group: 'Coverage', archived: false },
      { code: 'dedicated-manager', name: 'Dedicated success manager', group: 'Coverage', archived: false },
    ] },
];

const prices: [string, string, number][] = [
  ['crm-suite', '', 49], ['crm-suite', 'cloud', 0], ['crm-suite', 'on-prem', 5], ['crm-suite', 'sso', 4], ['crm-suite', 'analytics', 9], ['crm-suite', 'support-premium', 6],
  ['analytics-cloud', '', 65], ['analytics-cloud', 'data-warehouse', 12], ['analytics-cloud', 'ai-insights', 15],
  ['cpq-engine', '', 89], ['cpq-engine', 'erp-connector', 20], ['cpq-engine', 'approval-workflows', 10],
  ['support-plan', '', 27], ['support-plan', '24x7', 8], ['support-plan', 'dedicated-manager', 12],
];

const violation = (name: string, conditions: unknown, text: string) => ({ name, conditions, event: { type: 'violation', params: { violation: text } } });
const price = (name: string, conditions: unknown, label: string, p: { percent?: number; amount?: number }) =>
  ({ name, conditions, event: { type: 'priceAdjustment', params: { priceAdjustment: { label, ...p } } } });
const is = (product: string) => ({ fact: 'product', operator: 'equal', value: product });

/** The configurator rule set of the demo catalog (published as `configurator-catalog`). */
/** A demo product's name by its id (the id itself for one the demo catalog does not have). */
export const demoProductName = (id: string) => demoProducts.find((p) => p.id === id)?.name ?? id;

export const demoCatalogRules = {
  name: 'Catalog: validity and prices',
  kind: 'configurator',
  description: 'Requires, excludes and ranges of the demo catalog, then volume, bundle, contract-length and segment prices.',
  rules: [
    violation('crm-needs-deployment', { all: [is('crm-suite'), { not: { fact: 'options', operator: 'containsAny', value: ['cloud', 'on-prem'] } }] },
      'CRM Suite needs a deployment: cloud hosting or on-premises.'),
    violation('cloud-excludes-on-prem', { all: [{ fact: 'options', operator: 'containsAll', value: ['cloud', 'on-prem'] }] },
      'Cloud hosting and on-premises exclude each other.'),
    violation('crm-seat-range', { all: [is('crm-suite'), { not: { fact: 'quantity', operator: 'between', value: [5, 5000] } }] },
      'CRM Suite is sold for 5 to 5,000 seats.'),
    violation('analytics-needs-10-seats', { all: [is('crm-suite'), { fact: 'options', operator: 'contains', value: 'analytics' }, { fact: 'quantity', operator: 'lessThan', value: 10 }] },
      'Embedded analytics needs at least 10 seats.'),
    violation('sso-on-prem-needs-premium-support', { all: [{ fact: 'options', operator: 'containsAll', value: ['sso', 'on-prem'] }, { fact: 'options', operator: 'doesNotContain', value: 'support-premium' }] },
      'Single sign-on on-premises requires premium support.'),
    violation('cpq-requires-crm', { all: [is('cpq-engine'), { fact: 'products', operator: 'doesNotContain', value: 'crm-suite' }] },
      'CPQ Engine requires CRM Suite in the same offer.'),
    violation('ai-insights-requires-warehouse', { all: [is('analytics-cloud'), { fact: 'options', operator: 'contains', value: 'ai-insights' }, { fact: 'options', operator: 'doesNotContain', value: 'data-warehouse' }] },
      'AI insights requires the data warehouse connector.'),
    violation('dedicated-manager-min-seats', { all: [is('support-plan'), { fact: 'options', operator: 'contains', value: 'dedicated-manager' }, { fact: 'quantity', operator: 'lessThan', value: 50 }] },
      'A dedicated success manager comes with 50 seats or more.'),
    violation('contract-length', { all: [{ fact: 'contractMonths', operator: 'notIn', value: [12, 24, 36] }] },
      'Contracts run 12, 24 or 36 months.'),
    price('volume-100', { all: [{ fact: 'quantity', operator: 'greaterThanInclusive', value: 100 }] }, 'Volume: 100 seats or more', { percent: -10 }),
    price('volume-500', { all: [{ fact: 'quantity', operator: 'greaterThanInclusive', value: 500 }] }, 'Volume: 500 seats or more', { percent: -5 }),
    price('bundle-crm-analytics', { all: [is('analytics-cloud'), { fact: 'products', operator: 'contains', value: 'crm-suite' }] }, 'Bundle: Analytics Cloud with CRM Suite', { percent: -15 }),
    price('contract-24', { all: [{ fact: 'contractMonths', operator: 'equal', value: 24 }] }, '2-year contract', { percent: -4 }),
    price('contract-36', { all: [{ fact: 'contractMonths', operator: 'equal', value: 36 }] }, '3-year contract', { percent: -8 }),
    price('segment-smb', { all: [{ fact: 'segment', operator: 'equal', value: 'smb' }] }, 'Small-business price', { percent: -5 }),
    price('on-prem-installation', { all: [{ fact: 'options', operator: 'contains', value: 'on-prem' }] }, 'On-premises installation', { amount: 2500 }),
  ],
};

export const DEMO_PRICE_LIST_ID = 'list-eur';
export const DEMO_RULE_SET_ID = 'configurator-catalog';

/** The demo price list: valid from the start of this year to the end of next year. */
export function demoPriceList(now = new Date()): PriceListBody {
  const y = now.getUTCFullYear();
  return {
    id: DEMO_PRICE_LIST_ID, name: `List prices ${y}–${y + 1} (EUR)`, currency: 'EUR', validFrom: `${y}-01-01`, validTo: `${y + 1}-12-31`,
    maxDiscountPct: 30, ruleSetId: DEMO_RULE_SET_ID, archived: false,
    items: prices.map(([productId, optionCode, unitPrice]) => ({ productId, optionCode, unitPrice })),
  };
}

/** Seeds the demo catalog, its price list and its published rule set once. */
export async function loadDemoCatalog(sql: Sql, now = new Date()): Promise<{ created: boolean }> {
  const [done] = await sql`select 1 from settings where key = 'demo_catalog_loaded'`;
  if (done) return { created: false };
  const checked = validateRuleSet(demoCatalogRules);
  if (!checked.ok) throw new Error(`demo catalog rules: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  if (!(await getPublishedRuleSet(sql, DEMO_RULE_SET_ID))) await publishRuleSet(sql, DEMO_RULE_SET_ID, checked.doc, null, 'demo catalog');
  for (const p of demoProducts) await saveProduct(sql, p);
  await savePriceList(sql, demoPriceList(now));
  await sql`insert into settings (key, value) values ('demo_catalog_loaded', 'true'::jsonb) on conflict do nothing`;
  return { created: true };
}

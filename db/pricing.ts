/**
 * Server-side quoting: a configuration (products, options, quantities, contract length) and a lead are checked
 * against the configurator rule set of the price list (violations with the rule behind each) and priced from the
 * list prices and the rule set's price adjustments (see engine/pricing/price.ts). The API's live quote, offer
 * creation and the pipeline's configurator check all run `evaluateItems`, so they never disagree.
 *
 * @example
 * ```ts
 * const q = await quoteConfiguration(sql, { items: [{ productId: 'crm-suite', options: ['cloud'], quantity: 25 }], freeLines: [] }, { leadId });
 * q.valid; q.lines[0].adjustments; q.total;
 * ```
 */
import { priceItems, quoteTotals, segmentOf, type PricingItem, type PricingProblem } from '../engine/pricing/price';
import type { Configuration, PricedLine, Quote, Violation } from '../engine/pricing/schemas';
import { toCents } from '../engine/lead/bounds';
import { compileMatcher, type CompiledMatcher } from '../rules/compiled';
import type { ConfigurationFacts } from '../rules/facts';
import type { ConfiguratorRuleSet, RuleSetDocument } from '../rules/schema';
import type { PendingQuery, Row } from 'postgres';
import type { Sql } from './client';

/** Input the client can fix: answered 422 naming `path`. */
export class PricingError extends Error {
  constructor(readonly path: string, message: string, readonly problems: PricingProblem[] = [{ path, message }]) {
    super(message);
  }
}

export interface LeadSegment { companySize?: number; industry?: string; country?: string }
/** Contracts run a year unless the configuration says otherwise. */
export const DEFAULT_CONTRACT_MONTHS = 12;

export async function leadSegment(sql: Sql, leadId: string): Promise<LeadSegment | undefined> {
  const [l] = await sql<{ company_size: number | null; industry: string | null; country: string | null }[]>`
    select coalesce(l.company_size, a.company_size) as company_size, coalesce(l.industry, a.industry) as industry, l.country
    from leads l left join accounts a on a.id = l.account_id where l.id = ${leadId}`;
  if (!l) return undefined;
  const s: LeadSegment = {};
  if (l.company_size != null) s.companySize = l.company_size;
  if (l.industry) s.industry = l.industry;
  if (l.country) s.country = l.country;
  return s;
}

export interface CheckedItem {
  productId: string;
  options: string[];
  quantity: number;
  listUnitPrice?: number;
}

/**
 * The facts of each item (its product, options and quantity, the offer's products, the lead's segment) through the
 * configurator rules: violations per item, and the matched price adjustments per item.
 */
export async function evaluateItems(doc: ConfiguratorRuleSet | null, items: readonly CheckedItem[], ctx: { contractMonths?: number; lead?: LeadSegment }) {
  const products = [...new Set(items.map((i) => i.productId))];
  const seats = new Map<string, number>();
  for (const i of items) seats.set(i.productId, (seats.get(i.productId) ?? 0) + i.quantity);
  const segment = segmentOf(ctx.lead?.companySize);
  const violations: Violation[] = [];
  const adjustments: PricingItem['adjustments'][] = [];
  for (const [index, it] of items.entries()) {
    if (!doc) {
      adjustments.push([]);
      continue;
    }
    const facts: ConfigurationFacts = {
      product: it.productId, options: it.options, quantity: it.quantity, contractMonths: ctx.contractMonths ?? DEFAULT_CONTRACT_MONTHS,
      products, totalQuantity: seats.get(it.productId) ?? it.quantity,
    };
    if (it.listUnitPrice !== undefined) facts.listPrice = it.listUnitPrice;
    if (segment) facts.segment = segment;
    if (ctx.lead?.companySize !== undefined) facts.companySize = ctx.lead.companySize;
    if (ctx.lead?.industry) facts.industry = ctx.lead.industry;
    const matched = new Set(matcherOf(doc)(facts));
    const mine: PricingItem['adjustments'] = [];
    for (const rule of doc.rules) {
      if (!matched.has(rule.name)) continue;
      const ev = rule.event;
      if (ev.type === 'violation') violations.push({ item: index, productId: it.productId, rule: rule.name, description: ev.params.violation });
      else {
        const { label, amount, percent } = ev.params.priceAdjustment;
        mine.push({ rule: rule.name, label, ...(percent !== undefined ? { percent } : {}), ...(amount !== undefined ? { amount } : {}) });
      }
    }
    adjustments.push(mine);
  }
  return { violations, adjustments };
}

// The rule set compiled to plain JavaScript once per published document (rules/compiled, kept equal to
// json-rules-engine by the differential tests): a 20-line quote runs every rule 20 times, which the engine's
// promise-per-condition evaluation makes slow.
const matchers = new WeakMap<ConfiguratorRuleSet, CompiledMatcher>();
function matcherOf(doc: ConfiguratorRuleSet): CompiledMatcher {
  let m = matchers.get(doc);
  if (!m) {
    m = compileMatcher(doc);
    matchers.set(doc, m);
  }
  return m;
}

// ---- the catalog as quotes read it, cached per catalog version ------------------------------------------------------
// Triggers bump `catalog_version` on every change of products, options, price lists, their prices and published rule
// sets (db/migrations/00027_cpq_flow.sql), in the writing transaction. Each quote reads the version (with the lead's
// segment) in one statement and reuses the price lists, the products it names and the compiled configurator rule set
// of that version; a change made by any process, the API or SQL, is seen by the next quote.

type ListRow = { id: string; name: string; currency: string; max_discount_pct: string; rule_set_id: string | null; valid: boolean; archived: boolean; valid_from: string | null };
interface CatalogProduct { name: string; archived: boolean; price: number | null; options: Map<string, { name: string; archived: boolean; price: number | null }> }
type RuleSetEntry = { id: string; version: number; name: string; doc: ConfiguratorRuleSet };

interface CatalogSnapshot {
  key: string;
  lists?: Promise<ListRow[]>;
  ruleSets: Map<string, Promise<RuleSetEntry | undefined>>;
  /** By price list id and product id; null: the product does not exist. */
  products: Map<string, CatalogProduct | null>;
}
// Per pool (one process may talk to several databases, as tests do).
const snapshots = new WeakMap<Sql, CatalogSnapshot>();
// Published documents by rule set id (per pool): a new catalog version keeps the compiled rules of an unchanged set.
const docsByPool = new WeakMap<Sql, Map<string, RuleSetEntry>>();

/** What one quote needs to know first, in one statement: the catalog version, today, and the lead (visible to the user?). */
export interface QuoteContext { catalogVersion: number; today: string; lead?: LeadSegment; visible: boolean }

export async function quoteContext(sql: Sql, leadId?: string, scope?: PendingQuery<Row[]>): Promise<QuoteContext> {
  const [r] = await sql<{ version: number; today: string; found: boolean; visible: boolean | null; company_size: number | null; industry: string | null; country: string | null }[]>`
    select v.version, current_date::text as today, l.id is not null as found, ${scope ?? sql`true`} as visible,
           coalesce(l.company_size, a.company_size) as company_size, coalesce(l.industry, a.industry) as industry, l.country
      from catalog_version v
      left join leads l on l.id = ${leadId ?? ''}
      left join accounts a on a.id = l.account_id`;
  if (!r) throw new Error('catalog_version has no row: run the migrations');
  const ctx: QuoteContext = { catalogVersion: Number(r.version), today: r.today, visible: r.found && r.visible === true };
  if (r.found) {
    const lead: LeadSegment = {};
    if (r.company_size != null) lead.companySize = r.company_size;
    if (r.industry) lead.industry = r.industry;
    if (r.country) lead.country = r.country;
    ctx.lead = lead;
  }
  return ctx;
}

function snapshotFor(sql: Sql, ctx: QuoteContext): CatalogSnapshot {
  const key = `${ctx.catalogVersion}:${ctx.today}`;
  let snap = snapshots.get(sql);
  if (snap?.key !== key) {
    snap = { key, ruleSets: new Map(), products: new Map() };
    snapshots.set(sql, snap);
  }
  return snap;
}

async function priceListFor(sql: Sql, snap: CatalogSnapshot, id: string | undefined): Promise<ListRow> {
  snap.lists ??= sql<ListRow[]>`
    select id, name, currency, max_discount_pct, rule_set_id, archived, valid_from::text as valid_from,
           (valid_from is null or valid_from <= current_date) and (valid_to is null or valid_to >= current_date) as valid
      from price_lists`.then((rows) => [...rows]);
  const lists = await snap.lists.catch((err: unknown) => {
    snap.lists = undefined;
    throw err;
  });
  // Without an id: the newest list valid today (as `order by valid_from desc nulls last, id`).
  const row = id ? lists.find((l) => l.id === id) : lists.filter((l) => !l.archived && l.valid)
    .sort((a, b) => (a.valid_from === b.valid_from ? (a.id < b.id ? -1 : 1) : a.valid_from === null ? 1 : b.valid_from === null ? -1 : a.valid_from < b.valid_from ? 1 : -1))[0];
  if (!row) throw new PricingError('configuration.priceListId', id ? `unknown price list "${id}"` : 'no price list is valid today; ops set one up under Catalog');
  if (row.archived || !row.valid) throw new PricingError('configuration.priceListId', `price list "${row.id}" is ${row.archived ? 'archived' : 'not valid today'}`);
  return row;
}

/** The newest published version of a configurator rule set (undefined when none, or not a configurator set). */
export async function publishedConfigurator(sql: Sql, id: string): Promise<RuleSetEntry | undefined> {
  const [row] = await sql<{ version: number; document: RuleSetDocument }[]>`
    select version, document from rule_set_versions where rule_set_id = ${id} order by version desc limit 1`;
  if (!row || row.document.kind !== 'configurator') return undefined;
  let docs = docsByPool.get(sql);
  if (!docs) docsByPool.set(sql, (docs = new Map()));
  const hit = docs.get(id);
  if (hit?.version === row.version) return hit;
  const entry = { id, version: row.version, name: row.document.name, doc: row.document };
  docs.set(id, entry);
  return entry;
}

function ruleSetFor(sql: Sql, snap: CatalogSnapshot, id: string): Promise<RuleSetEntry | undefined> {
  let p = snap.ruleSets.get(id);
  if (!p) {
    p = publishedConfigurator(sql, id);
    p.catch(() => snap.ruleSets.delete(id));
    snap.ruleSets.set(id, p);
  }
  return p;
}

/** The products (with options and prices on the list) a quote names: the ones not cached yet in one statement. */
async function productsFor(sql: Sql, snap: CatalogSnapshot, listId: string, ids: string[]): Promise<Map<string, CatalogProduct>> {
  const k = (id: string) => `${listId}\u0000${id}`;
  const missing = ids.filter((id) => !snap.products.has(k(id)));
  if (missing.length) {
    const rows = await sql<{ id: string; name: string; archived: boolean; option_code: string | null; option_name: string | null; option_archived: boolean | null; price: string | null }[]>`
      select p.id, p.name, p.archived, o.code as option_code, o.name as option_name, o.archived as option_archived, i.unit_price as price
      from products p
      left join product_options o on o.product_id = p.id
      left join price_list_items i on i.price_list_id = ${listId} and i.product_id = p.id and i.option_code = coalesce(o.code, '')
      where p.id in ${sql(missing)}
      union all
      select p.id, p.name, p.archived, null, null, null, i.unit_price from products p
      left join price_list_items i on i.price_list_id = ${listId} and i.product_id = p.id and i.option_code = ''
      where p.id in ${sql(missing)}`;
    const loaded = new Map<string, CatalogProduct>();
    for (const r of rows) {
      const p = loaded.get(r.id) ?? { name: r.name, archived: r.archived, price: null, options: new Map() };
      if (r.option_code === null) p.price = r.price === null ? null : Number(r.price);
      else p.options.set(r.option_code, { name: r.option_name!, archived: Boolean(r.option_archived), price: r.price === null ? null : Number(r.price) });
      loaded.set(r.id, p);
    }
    for (const id of missing) snap.products.set(k(id), loaded.get(id) ?? null);
  }
  const out = new Map<string, CatalogProduct>();
  for (const id of ids) {
    const p = snap.products.get(k(id));
    if (p) out.set(id, p);
  }
  return out;
}

/**
 * Checks and prices a configuration for a lead. Unknown products or options, archived ones and missing list prices
 * throw `PricingError` naming the field; rule violations come back in `violations` (the quote is then not valid);
 * a rep's discount or manual price below the price list's floor comes back in `problems`. `context` is the result of
 * `quoteContext` when the caller already read it (the API reads it with the lead's visibility).
 */
export async function quoteConfiguration(sql: Sql, conf: Configuration, opts: { leadId?: string; lead?: LeadSegment; context?: QuoteContext }): Promise<Quote & { problems: PricingProblem[] }> {
  const ctx = opts.context ?? await quoteContext(sql, opts.leadId);
  const lead = opts.lead ?? ctx.lead;
  const snap = snapshotFor(sql, ctx);
  const list = await priceListFor(sql, snap, conf.priceListId);
  const ids = [...new Set(conf.items.map((i) => i.productId))];
  // The products and the rule set do not depend on each other: ask for what is not cached at once.
  const [catalog, rs] = await Promise.all([
    ids.length ? productsFor(sql, snap, list.id, ids) : new Map<string, CatalogProduct>(),
    list.rule_set_id ? ruleSetFor(sql, snap, list.rule_set_id) : undefined,
  ]);
  const problems: PricingProblem[] = [];
  const items: PricingItem[] = conf.items.map((it, i) => {
    const p = catalog.get(it.productId);
    const at = `configuration.items.${i}`;
    if (!p) throw new PricingError(`${at}.productId`, `unknown product "${it.productId}"`);
    if (p.archived) throw new PricingError(`${at}.productId`, `product "${it.productId}" is archived and can no longer be offered`);
    if (p.price === null) throw new PricingError(`${at}.productId`, `product "${it.productId}" has no price on the price list "${list.id}"`);
    let unit = p.price;
    const options = it.options.map((code, j) => {
      const o = p.options.get(code);
      if (!o) throw new PricingError(`${at}.options.${j}`, `product "${it.productId}" has no option "${code}"`);
      if (o.archived) throw new PricingError(`${at}.options.${j}`, `option "${code}" of "${it.productId}" is archived`);
      if (o.price === null) throw new PricingError(`${at}.options.${j}`, `option "${code}" of "${it.productId}" has no price on the price list "${list.id}"`);
      unit += o.price;
      return { code, name: o.name };
    });
    const item: PricingItem = { productId: it.productId, productName: p.name, options, quantity: it.quantity, listUnitPrice: toCents(unit), adjustments: [] };
    if (it.discountPct !== undefined) item.discountPct = it.discountPct;
    if (it.unitPrice !== undefined) item.unitPrice = it.unitPrice;
    return item;
  });
  const evaluated = await evaluateItems(rs?.doc ?? null, items.map((i) => ({ productId: i.productId, options: i.options.map((o) => o.code), quantity: i.quantity, listUnitPrice: i.listUnitPrice })),
    { contractMonths: conf.contractMonths, lead });
  items.forEach((it, i) => { it.adjustments = evaluated.adjustments[i]!; });
  const priced = priceItems(items, { maxDiscountPct: Number(list.max_discount_pct) });
  problems.push(...priced.problems);
  const free: PricedLine[] = conf.freeLines.map((f) => {
    const total = toCents(f.quantity * f.unitPrice);
    return { item: null, source: 'free', product: f.name, productId: null, productName: f.name, options: [], optionNames: [], quantity: f.quantity, listUnitPrice: f.unitPrice, unitPrice: f.unitPrice, listTotal: total, total, adjustments: [] };
  });
  const lines = [...priced.lines, ...free];
  return {
    valid: evaluated.violations.length === 0, violations: evaluated.violations, lines, currency: list.currency, ...quoteTotals(lines),
    priceList: { id: list.id, name: list.name, maxDiscountPct: Number(list.max_discount_pct) },
    ruleSet: rs ? { id: rs.id, name: rs.name, version: rs.version } : null,
    problems,
  };
}

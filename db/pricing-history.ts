/**
 * Quote from history: what similar won deals paid. Similar = an order (not cancelled) whose offer had one of the
 * products, of a company in the same segment (enterprise / mid-market / smb), ranked by product overlap and then
 * by how close the company size is. The suggestion is the median discount of those deals, and the median unit price
 * per product; every deal it is based on is listed (names only for leads the user may see).
 *
 * @example
 * ```ts
 * const s = await suggestFromHistory(sql, leadScope(sql, user, 'l'), { leadId, products: ['crm-suite'] });
 * s.suggestedDiscountPct; s.deals.length;
 * ```
 */
import { segmentOf } from '../engine/pricing/price';
import type { PendingQuery, Row } from 'postgres';
import type { Sql } from './client';
import { leadSegment } from './pricing';

/** A lead-visibility condition over alias `l` (api/auth/scope.ts leadScope). */
type Fragment = PendingQuery<Row[]>;

export interface HistoryDeal {
  orderId: string; leadId: string | null; leadName: string | null; company: string | null; visible: boolean;
  companySize: number | null; segment: string | null; closedAt: string; products: string[]; quantity: number; total: number; currency: string; discountPct: number;
}
export interface Suggestion {
  segment: string | null;
  /** 'segment': deals of the lead's segment; 'all': too few there, so every segment. */
  basis: 'segment' | 'all' | 'none';
  suggestedDiscountPct: number | null;
  products: { productId: string; name: string; listUnitPrice: number | null; medianUnitPrice: number | null; deals: number }[];
  deals: HistoryDeal[];
  explanation: string;
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : Math.round(((s[m - 1]! + s[m]!) / 2) * 100) / 100;
};

const MAX_DEALS = 8;
const MIN_SEGMENT_DEALS = 3;

export async function suggestFromHistory(sql: Sql, scope: Fragment, q: { leadId: string; products: string[] }): Promise<Suggestion> {
  const lead = await leadSegment(sql, q.leadId);
  const segment = segmentOf(lead?.companySize) ?? null;
  // Current base list prices: deals made before the catalog had no list total, so their discount is measured against these.
  const list = await sql<{ product_id: string; name: string; unit_price: string | null }[]>`
    select p.id as product_id, p.name, i.unit_price from products p
    left join price_list_items i on i.product_id = p.id and i.option_code = '' and i.price_list_id = (
      select id from price_lists where not archived and (valid_from is null or valid_from <= current_date) and (valid_to is null or valid_to >= current_date)
      order by valid_from desc nulls last, id limit 1)
    where p.id in ${sql(q.products.length ? q.products : [''])}`;
  const listPrice = new Map(list.map((p) => [p.product_id, p.unit_price === null ? null : Number(p.unit_price)]));
  const rows = await sql<{ order_id: string; lead_id: string; lead_name: string; company: string | null; size: number | null; closed_at: Date; currency: string;
    list_total: string | null; discount_pct: string; total: string; visible: boolean; lines: { product: string; quantity: number; unitPrice: number; options: string[] }[] }[]>`
    select r.id as order_id, l.id as lead_id, l.name as lead_name, l.company, coalesce(l.company_size, a.company_size) as size, r.created_at as closed_at, r.currency,
           o.list_total, o.discount_pct, o.total, (${scope}) as visible,
           json_agg(json_build_object('product', coalesce(ol.product_id, ol.product), 'quantity', ol.quantity, 'unitPrice', ol.unit_price::float8, 'options', ol.options)) as lines
    from orders r join leads l on l.id = r.lead_id left join accounts a on a.id = l.account_id
    join offers o on o.id = r.offer_id join offer_lines ol on ol.offer_id = o.id and coalesce(ol.price_source, 'catalog') <> 'fee'
    where r.status <> 'cancelled' and l.id <> ${q.leadId}
    group by r.id, l.id, a.company_size, o.id
    having bool_or(coalesce(ol.product_id, ol.product) in ${sql(q.products.length ? q.products : [''])})
    order by r.created_at desc limit 2000`;
  const wanted = new Set(q.products);
  const scored = rows.map((r) => {
    const products = [...new Set(r.lines.map((l) => l.product))];
    const shared = products.filter((p) => wanted.has(p)).length;
    const overlap = shared / new Set([...products, ...wanted]).size;
    const closeness = lead?.companySize && r.size ? Math.abs(Math.log(r.size / lead.companySize)) : 10;
    let discount = Number(r.discount_pct);
    if (r.list_total === null || Number(r.list_total) === 0) {
      // A deal from before the catalog: compare what was paid for plain products with today's list price.
      let paid = 0; let atList = 0;
      for (const l of r.lines) {
        const lp = listPrice.get(l.product);
        if (lp && !l.options.length) { paid += l.quantity * l.unitPrice; atList += l.quantity * lp; }
      }
      discount = atList > 0 ? Math.max(0, Math.round(((atList - paid) / atList) * 10_000) / 100) : 0;
    }
    return { r, products, overlap, closeness, discount, segment: segmentOf(r.size) ?? null };
  });
  let pool = segment ? scored.filter((s) => s.segment === segment) : scored;
  let basis: Suggestion['basis'] = segment ? 'segment' : 'all';
  if (pool.length < MIN_SEGMENT_DEALS) { pool = scored; basis = 'all'; }
  pool.sort((a, b) => b.overlap - a.overlap || a.closeness - b.closeness || b.r.closed_at.getTime() - a.r.closed_at.getTime());
  const picked = pool.slice(0, MAX_DEALS);
  if (!picked.length) basis = 'none';
  const deals: HistoryDeal[] = picked.map((s) => ({
    orderId: s.r.order_id, leadId: s.r.visible ? s.r.lead_id : null, leadName: s.r.visible ? s.r.lead_name : null, company: s.r.visible ? s.r.company : null, visible: s.r.visible,
    companySize: s.r.size, segment: s.segment, closedAt: s.r.closed_at.toISOString(), products: s.products,
    quantity: s.r.lines.filter((l) => wanted.has(l.product)).reduce((n, l) => n + l.quantity, 0), total: Number(s.r.total), currency: s.r.currency, discountPct: s.discount,
  }));
  const suggestedDiscountPct = median(picked.map((s) => s.discount));
  const products = q.products.map((id) => {
    const prices = picked.flatMap((s) => s.r.lines.filter((l) => l.product === id && !l.options.length).map((l) => l.unitPrice));
    return { productId: id, name: list.find((p) => p.product_id === id)?.name ?? id, listUnitPrice: listPrice.get(id) ?? null, medianUnitPrice: median(prices), deals: prices.length };
  });
  const where = basis === 'segment' ? `${segment} companies` : 'companies of every size';
  const explanation = picked.length
    ? `Median of ${picked.length} won deal${picked.length === 1 ? '' : 's'} with ${q.products.join(', ')} at ${where}${lead?.companySize ? `, closest in size to ${lead.companySize} employees` : ''}.`
    : `No won deal with ${q.products.join(', ')} yet.`;
  return { segment, basis, suggestedDiscountPct, products, deals, explanation };
}

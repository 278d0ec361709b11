/**
 * Orders as the back office reads them: the order, its lead and account, and the lines copied from the accepted
 * offer. Visibility follows the lead: callers pass the lead scope (`leadScope(sql, user, 'l')`).
 *
 * @example
 * ```ts
 * const { items } = await listOrders(sql, leadScope(sql, user, 'l'), { status: 'confirmed', limit: 50, offset: 0 });
 * ```
 */
import type { OrderStatus } from '../engine/pricing/schemas';
import type { PendingQuery, Row as PgRow } from 'postgres';
import type { Sql } from './client';

/** A lead-visibility condition over alias `l` (api/auth/scope.ts leadScope). */
type Fragment = PendingQuery<PgRow[]>;

export interface OrderSummary {
  id: string; leadId: string; leadName: string; company: string | null; accountId: string | null; ownerName: string | null;
  offerId: string | null; offerVersion: number | null; status: OrderStatus; total: number; currency: string; lineCount: number; createdAt: string; updatedAt: string;
}
export interface OrderLine { product: string; productId: string | null; productName: string; options: string[]; optionNames: string[]; quantity: number; unitPrice: number; total: number; source: string | null }

type Row = { id: string; lead_id: string; lead_name: string; company: string | null; account_id: string | null; owner_name: string | null; offer_id: string | null;
  offer_version: number | null; status: OrderStatus; total: number; currency: string; line_count: number; created_at: Date; updated_at: Date };

const columns = (sql: Sql) => sql`
  r.id, r.lead_id, l.name as lead_name, l.company, l.account_id, u.name as owner_name, r.offer_id, o.version as offer_version, r.status,
  r.total::float8 as total, r.currency, (select count(*)::int from order_lines x where x.order_id = r.id) as line_count, r.created_at, r.updated_at`;
const joins = (sql: Sql) => sql`from orders r join leads l on l.id = r.lead_id left join users u on u.id = l.owner_id left join offers o on o.id = r.offer_id`;

const summary = (r: Row): OrderSummary => ({
  id: r.id, leadId: r.lead_id, leadName: r.lead_name, company: r.company, accountId: r.account_id, ownerName: r.owner_name, offerId: r.offer_id,
  offerVersion: r.offer_version, status: r.status, total: r.total, currency: r.currency, lineCount: r.line_count, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

export async function listOrders(sql: Sql, scope: Fragment, q: { status?: OrderStatus; leadId?: string; accountId?: string; limit: number; offset: number }): Promise<{ total: number; items: OrderSummary[] }> {
  const where = sql`${scope} ${q.status ? sql`and r.status = ${q.status}` : sql``} ${q.leadId ? sql`and r.lead_id = ${q.leadId}` : sql``} ${q.accountId ? sql`and l.account_id = ${q.accountId}` : sql``}`;
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n ${joins(sql)} where ${where}`;
  const rows = await sql<Row[]>`select ${columns(sql)} ${joins(sql)} where ${where} order by r.created_at desc, r.id limit ${q.limit} offset ${q.offset}`;
  return { total: count!.n, items: rows.map(summary) };
}

export async function getOrder(sql: Sql, scope: Fragment, id: string): Promise<(OrderSummary & { lines: OrderLine[]; history: { at: string; actorName: string | null; from: string; to: string; note: string | null }[] }) | undefined> {
  const [row] = await sql<Row[]>`select ${columns(sql)} ${joins(sql)} where r.id = ${id} and ${scope}`;
  if (!row) return undefined;
  const lines = await sql<{ product: string; product_id: string | null; product_name: string | null; options: string[]; option_names: string[] | null; quantity: number; unit_price: number; total: number; price_source: string | null }[]>`
    select product, product_id, product_name, options, option_names, quantity, unit_price::float8 as unit_price, total::float8 as total, price_source from order_lines where order_id = ${id} order by id`;
  const history = await sql<{ at: Date; actor_name: string | null; details: { from: string; to: string; note?: string | null } }[]>`
    select a.at, u.name as actor_name, a.details from audit_log a left join users u on u.id = a.actor_id
    where a.target_type = 'order' and a.target_id = ${id} and a.action = 'order.status_changed' order by a.at, a.id`;
  return {
    ...summary(row),
    lines: lines.map((l) => ({ product: l.product, productId: l.product_id, productName: l.product_name ?? l.product, options: l.options, optionNames: l.option_names ?? l.options, quantity: l.quantity, unitPrice: l.unit_price, total: l.total, source: l.price_source })),
    history: history.map((h) => ({ at: h.at.toISOString(), actorName: h.actor_name, from: h.details.from, to: h.details.to, note: h.details.note ?? null })),
  };
}

/** Moves an order to a status; returns the status it had (undefined: not found or not visible). */
export async function setOrderStatus(sql: Sql, scope: Fragment, id: string, status: OrderStatus, onChanged: (tx: Sql, from: OrderStatus) => Promise<void>): Promise<OrderStatus | undefined> {
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Sql;
    const [row] = await tx<{ status: OrderStatus }[]>`select r.status from orders r join leads l on l.id = r.lead_id where r.id = ${id} and ${scope} for update of r`;
    if (!row) return undefined;
    if (row.status !== status) {
      await tx`update orders set status = ${status}, updated_at = now() where id = ${id}`;
      await onChanged(tx, row.status);
    }
    return row.status;
  }) as Promise<OrderStatus | undefined>;
}

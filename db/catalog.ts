/**
 * The product catalog in Postgres: products with options and attributes, price lists with list prices per product
 * and option. Products are archived, never deleted, so old offers and orders keep pointing at them (their lines also
 * keep the product id and name as they were).
 *
 * @example
 * ```ts
 * await saveProduct(sql, { id: 'crm-suite', name: 'CRM Suite', options: [{ code: 'cloud', name: 'Cloud' }] });
 * const lists = await listPriceLists(sql);
 * ```
 */
import type { PriceList, PriceListBody, Product, ProductBody } from '../engine/pricing/schemas';
import type { Sql } from './client';

type ProductRow = { id: string; name: string; description: string; unit: string; attributes: Record<string, string | number | boolean>; archived: boolean; updated_at: Date;
  options: { code: string; name: string; group: string | null; archived: boolean }[] };

export async function listProducts(sql: Sql, opts: { includeArchived?: boolean; id?: string } = {}): Promise<Product[]> {
  const rows = await sql<ProductRow[]>`
    select p.id, p.name, p.description, p.unit, p.attributes, p.archived, p.updated_at,
           coalesce((select json_agg(json_build_object('code', o.code, 'name', o.name, 'group', o.option_group, 'archived', o.archived) order by o.position, o.code)
                     from product_options o where o.product_id = p.id), '[]') as options
    from products p
    where ${opts.includeArchived ? sql`true` : sql`not p.archived`} ${opts.id ? sql`and p.id = ${opts.id}` : sql``}
    order by p.name`;
  return rows.map((r) => ({ id: r.id, name: r.name, description: r.description, unit: r.unit, attributes: r.attributes, archived: r.archived, options: r.options, updatedAt: r.updated_at.toISOString() }));
}

/** Creates or replaces a product and its options (options no longer listed are archived, not deleted). */
export async function saveProduct(sql: Sql, p: ProductBody): Promise<{ created: boolean }> {
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Sql;
    const [row] = await tx<{ created: boolean }[]>`
      insert into products (id, name, description, unit, attributes, archived)
      values (${p.id}, ${p.name}, ${p.description}, ${p.unit}, ${tx.json(p.attributes as never)}, ${p.archived})
      on conflict (id) do update set name = excluded.name, description = excluded.description, unit = excluded.unit,
        attributes = excluded.attributes, archived = excluded.archived, updated_at = now()
      returning (xmax = 0) as created`;
    await tx`update product_options set archived = true where product_id = ${p.id} and code <> all(${p.options.map((o) => o.code)})`;
    for (const [i, o] of p.options.entries()) {
      await tx`insert into product_options (product_id, code, name, option_group, archived, position)
               values (${p.id}, ${o.code}, ${o.name}, ${o.group}, ${o.archived}, ${i})
               on conflict (product_id, code) do update set name = excluded.name, option_group = excluded.option_group, archived = excluded.archived, position = excluded.position`;
    }
    return { created: row!.created };
  }) as Promise<{ created: boolean }>;
}

type PriceListRow = { id: string; name: string; currency: string; valid_from: string | null; valid_to: string | null; max_discount_pct: string; rule_set_id: string | null; archived: boolean;
  items: { productId: string; optionCode: string; unitPrice: number }[] };

const dayText = (sql: Sql, col: string) => sql.unsafe(`to_char(${col}, 'YYYY-MM-DD')`);

export async function listPriceLists(sql: Sql, opts: { id?: string } = {}): Promise<PriceList[]> {
  const rows = await sql<PriceListRow[]>`
    select l.id, l.name, l.currency, ${dayText(sql, 'l.valid_from')} as valid_from, ${dayText(sql, 'l.valid_to')} as valid_to, l.max_discount_pct, l.rule_set_id, l.archived,
           coalesce((select json_agg(json_build_object('productId', i.product_id, 'optionCode', i.option_code, 'unitPrice', i.unit_price::float8) order by i.product_id, i.option_code)
                     from price_list_items i where i.price_list_id = l.id), '[]') as items
    from price_lists l ${opts.id ? sql`where l.id = ${opts.id}` : sql``}
    order by l.archived, l.valid_from desc nulls last, l.name`;
  return rows.map((r) => ({ id: r.id, name: r.name, currency: r.currency, validFrom: r.valid_from, validTo: r.valid_to, maxDiscountPct: Number(r.max_discount_pct), ruleSetId: r.rule_set_id, archived: r.archived, items: r.items }));
}

/** Problems of a price list body against the catalog: unknown products or options, by field. */
export async function priceListProblems(sql: Sql, p: PriceListBody): Promise<{ path: string; message: string }[]> {
  const known = await sql<{ product_id: string; code: string }[]>`
    select id as product_id, '' as code from products union all select product_id, code from product_options`;
  const set = new Set(known.map((k) => `${k.product_id}/${k.code}`));
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  p.items.forEach((it, i) => {
    const key = `${it.productId}/${it.optionCode}`;
    if (!set.has(`${it.productId}/`)) problems.push({ path: `body.items.${i}.productId`, message: `unknown product "${it.productId}"` });
    else if (!set.has(key)) problems.push({ path: `body.items.${i}.optionCode`, message: `product "${it.productId}" has no option "${it.optionCode}"` });
    if (seen.has(key)) problems.push({ path: `body.items.${i}`, message: `"${key}" is priced twice` });
    seen.add(key);
  });
  if (p.ruleSetId) {
    const [rs] = await sql<{ kind: string }[]>`select kind from rule_sets where id = ${p.ruleSetId}`;
    if (!rs) problems.push({ path: 'body.ruleSetId', message: `unknown rule set "${p.ruleSetId}"` });
    else if (rs.kind !== 'configurator') problems.push({ path: 'body.ruleSetId', message: `rule set "${p.ruleSetId}" is a ${rs.kind} set, not configurator` });
  }
  return problems;
}

/** Creates or replaces a price list with all its prices. */
export async function savePriceList(sql: Sql, p: PriceListBody): Promise<{ created: boolean }> {
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Sql;
    const [row] = await tx<{ created: boolean }[]>`
      insert into price_lists (id, name, currency, valid_from, valid_to, max_discount_pct, rule_set_id, archived)
      values (${p.id}, ${p.name}, ${p.currency}, ${p.validFrom}, ${p.validTo}, ${p.maxDiscountPct}, ${p.ruleSetId}, ${p.archived})
      on conflict (id) do update set name = excluded.name, currency = excluded.currency, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
        max_discount_pct = excluded.max_discount_pct, rule_set_id = excluded.rule_set_id, archived = excluded.archived, updated_at = now()
      returning (xmax = 0) as created`;
    await tx`delete from price_list_items where price_list_id = ${p.id}`;
    if (p.items.length) {
      await tx`insert into price_list_items (price_list_id, product_id, option_code, unit_price)
               select ${p.id}, * from unnest(${p.items.map((i) => i.productId)}::text[], ${p.items.map((i) => i.optionCode)}::text[], ${p.items.map((i) => i.unitPrice)}::numeric[])`;
    }
    return { created: row!.created };
  }) as Promise<{ created: boolean }>;
}

/** True when the catalog has an active product: then offers come from it and free lines need the pricing permission. */
export async function catalogInUse(sql: Sql): Promise<boolean> {
  const [row] = await sql`select 1 from products where not archived limit 1`;
  return Boolean(row);
}

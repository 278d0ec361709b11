-- Offer and order lines keep the names of their options as priced (the catalog may rename or archive them later),
-- so lead pages, order pages and proposals show names, not option codes.
alter table offer_lines add column if not exists option_names text[];
alter table order_lines add column if not exists option_names text[];

-- Lines priced before: the names the catalog has for their options (a code it no longer knows stays as it is).
update offer_lines l set option_names = (
  select array_agg(coalesce(o.name, c.code) order by c.ord)
    from unnest(l.options) with ordinality as c(code, ord)
    left join product_options o on o.product_id = l.product_id and o.code = c.code)
 where l.product_id is not null and cardinality(l.options) > 0 and l.option_names is null;
update order_lines l set option_names = (
  select array_agg(coalesce(o.name, c.code) order by c.ord)
    from unnest(l.options) with ordinality as c(code, ord)
    left join product_options o on o.product_id = l.product_id and o.code = c.code)
 where l.product_id is not null and cardinality(l.options) > 0 and l.option_names is null;

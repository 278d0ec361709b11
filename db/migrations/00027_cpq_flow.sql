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

-- The catalog's version: every change of products, options, price lists, their prices or published rule sets bumps
-- it in the writing transaction, so quotes cache the catalog per version and see a change at once (db/pricing.ts).
create table if not exists catalog_version (
  id boolean primary key default true check (id),
  version bigint not null default 1
);
insert into catalog_version (id, version) values (true, 1) on conflict (id) do nothing;

create or replace function bump_catalog_version() returns trigger language plpgsql as $$
begin
  update catalog_version set version = version + 1;
  return null;
end
$$;

drop trigger if exists products_catalog_version on products;
create trigger products_catalog_version after insert or update or delete or truncate on products
  for each statement execute function bump_catalog_version();
drop trigger if exists product_options_catalog_version on product_options;
create trigger product_options_catalog_version after insert or update or delete or truncate on product_options
  for each statement execute function bump_catalog_version();
drop trigger if exists price_lists_catalog_version on price_lists;
create trigger price_lists_catalog_version after insert or update or delete or truncate on price_lists
  for each statement execute function bump_catalog_version();
drop trigger if exists price_list_items_catalog_version on price_list_items;
create trigger price_list_items_catalog_version after insert or update or delete or truncate on price_list_items
  for each statement execute function bump_catalog_version();
drop trigger if exists rule_set_versions_catalog_version on rule_set_versions;
create trigger rule_set_versions_catalog_version after insert or update or delete or truncate on rule_set_versions
  for each statement execute function bump_catalog_version();

-- Offers priced from the catalog: the list total before discounts and the overall discount in percent
-- (what discount approval compares with its threshold).
alter table offers add column if not exists list_total numeric(14, 2);
alter table offers add column if not exists discount_pct numeric(6, 2) not null default 0;

-- The product catalog: products with options and attributes; archiving keeps old offers and orders readable
-- (their lines keep the product id and name as they were).
create table if not exists products (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
  name text not null,
  description text not null default '',
  unit text not null default 'seat',
  attributes jsonb not null default '{}',
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create table if not exists product_options (
  product_id text not null references products(id) on delete cascade,
  code text not null check (code ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
  name text not null,
  option_group text,
  archived boolean not null default false,
  position integer not null default 0,
  primary key (product_id, code)
);

-- Price lists: a currency, a validity window, the largest discount a rep may give below list, and the configurator
-- rule set (validity and price rules) quotes on this list are checked against.
create table if not exists price_lists (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
  name text not null,
  currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
  valid_from date,
  valid_to date,
  max_discount_pct numeric(5, 2) not null default 25 check (max_discount_pct between 0 and 100),
  rule_set_id text,
  archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (valid_to is null or valid_from is null or valid_to >= valid_from)
);
-- A list price per product (option_code '') and per option.
create table if not exists price_list_items (
  price_list_id text not null references price_lists(id) on delete cascade,
  product_id text not null references products(id),
  option_code text not null default '',
  unit_price numeric(14, 2) not null check (unit_price >= 0),
  primary key (price_list_id, product_id, option_code)
);

-- Offer lines priced from the catalog: where the price came from (catalog, manual price, free line, rule fee),
-- the list price and every adjustment with the rule behind it.
alter table offer_lines add column if not exists product_id text;
alter table offer_lines add column if not exists product_name text;
alter table offer_lines add column if not exists list_unit_price numeric(14, 2);
alter table offer_lines add column if not exists price_source text check (price_source in ('catalog', 'manual', 'free', 'fee'));
alter table offer_lines add column if not exists adjustments jsonb not null default '[]';
alter table offers add column if not exists price_list_id text;
alter table offers add column if not exists contract_months integer;

-- Orders: a status the back office moves (confirmed → fulfilled, or cancelled) and the lines of the accepted offer.
alter table orders add column if not exists status text not null default 'confirmed' check (status in ('confirmed', 'fulfilled', 'cancelled'));
alter table orders add column if not exists updated_at timestamptz not null default now();
create table if not exists order_lines (
  id bigint generated always as identity primary key,
  order_id text not null references orders(id) on delete cascade,
  product text not null,
  product_id text,
  product_name text,
  options text[] not null default '{}',
  quantity integer not null check (quantity > 0),
  unit_price numeric(14, 2) not null,
  total numeric(14, 2) not null,
  price_source text
);
create index if not exists order_lines_order_idx on order_lines (order_id);
create index if not exists orders_status_idx on orders (status, created_at desc);
create index if not exists offer_lines_product_idx on offer_lines (product);

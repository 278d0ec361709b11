-- Offers priced from the catalog: the list total before discounts and the overall discount in percent
-- (what discount approval compares with its threshold).
alter table offers add column if not exists list_total numeric(14, 2);
alter table offers add column if not exists discount_pct numeric(6, 2) not null default 0;

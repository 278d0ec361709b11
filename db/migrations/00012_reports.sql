-- Reports read the records by period: offers by creation and by sending, orders, visits and closings by date, and
-- accounts by class (accounts.importance, A/B/C, already there since the foundation). Sent offers still waiting for
-- a confirmation get a partial index of their own (the "unconfirmed after N days" list).
create index if not exists offers_created_idx on offers (created_at);
create index if not exists offers_sent_idx on offers (sent_at) where sent_at is not null;
create index if not exists offers_unconfirmed_idx on offers (sent_at) where status = 'sent' and confirmed_at is null;
create index if not exists orders_created_idx on orders (created_at);
create index if not exists visits_occurred_idx on visits (occurred_at);
create index if not exists leads_closed_idx on leads (closed_at) where closed_at is not null;
create index if not exists accounts_importance_idx on accounts (importance);

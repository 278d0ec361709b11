-- Report rollups, kept fresh in the same transaction as the write that changes them.
--
-- report_lead_state holds, per lead, everything the reports and the dashboard group or filter leads by (owner, team,
-- source, status, class of its account, whether it was visited / got an offer / an order, the stages it reached …),
-- derived from leads, accounts, offers, orders and lead_events by one definition (report_lead_state_of). Triggers on
-- those tables recompute a lead's state row; a trigger on the state row moves the lead's counts in the rollups from its
-- old key to its new one (and its visits', offers' and orders' counts when the lead's owner, team, account class or
-- newest offer changed). Triggers on visits, offers and orders add or remove that one record. Each rollup keeps a row
-- per day ('d') and per month ('m'): a period reads whole months from the month rows and the days at its edges from
-- the day rows.
--
-- Bulk loads (demo history, benchmark) may set `leadflow.rollups = 'off'` for their transaction and then call
-- report_rollups_rebuild(), which recounts everything from the records; the migration calls it once for the rows
-- already there.

create table if not exists report_lead_state (
  lead_id text primary key,
  owner_id text, team_id text, source text not null, pipeline_id text not null, status text not null, stage text not null,
  account_id text, class text not null,
  created_at timestamptz not null, closed_at timestamptz, lost_reason text, last_visit_at timestamptz,
  offered boolean not null, last_offer_at timestamptz, first_offer_at timestamptz, first_offer_sent_at timestamptz,
  ordered boolean not null, order_total numeric(14, 2),
  stages text[] not null,
  latest_offer_status text, latest_offer_total numeric(14, 2), latest_offer_since timestamptz
);
-- Open opportunities at an instant (sales velocity): the leads with an offer, by when they closed (never: infinity).
create index if not exists report_lead_state_opp_idx on report_lead_state ((coalesce(closed_at, 'infinity'::timestamptz)))
  include (first_offer_at, created_at, owner_id, team_id) where first_offer_at is not null;
-- Won deals by close (typical days from the first offer to the order, for the forecast).
create index if not exists report_lead_state_won_idx on report_lead_state (closed_at)
  include (first_offer_sent_at, owner_id, team_id) where status = 'won' and first_offer_sent_at is not null;
-- Open leads' newest offer (the weighted forecast).
create index if not exists report_lead_state_forecast_idx on report_lead_state (latest_offer_status)
  include (owner_id, team_id, latest_offer_total, latest_offer_since) where status in ('open', 'nurturing', 'qualified') and latest_offer_status is not null;
create index if not exists report_lead_state_account_idx on report_lead_state (account_id, last_visit_at desc nulls last) include (owner_id, team_id) where account_id is not null;

-- Leads by the day (and month) they were created.
create table if not exists rollup_leads (
  grain text not null, bucket date not null,
  owner_id text, team_id text, source text not null, pipeline_id text not null, status text not null,
  visited boolean not null, offered boolean not null, ordered boolean not null,
  n integer not null default 0
);
create unique index if not exists rollup_leads_key on rollup_leads (grain, bucket, owner_id, team_id, source, pipeline_id, status, visited, offered, ordered) nulls not distinct;

-- Closed leads (won, lost, disqualified) by the day they closed: days from capture and the order's value.
create table if not exists rollup_closed (
  grain text not null, bucket date not null,
  owner_id text, team_id text, source text not null, status text not null, lost_reason text,
  n integer not null default 0, cycle_secs float8 not null default 0, order_n integer not null default 0, order_value numeric(16, 2) not null default 0
);
create unique index if not exists rollup_closed_key on rollup_closed (grain, bucket, owner_id, team_id, source, status, lost_reason) nulls not distinct;

-- The stages each lead created that day reached (its current stage and every staged event): the funnel.
create table if not exists rollup_stages (
  grain text not null, bucket date not null,
  owner_id text, team_id text, pipeline_id text not null, stage text not null,
  n integer not null default 0
);
create unique index if not exists rollup_stages_key on rollup_stages (grain, bucket, owner_id, team_id, pipeline_id, stage) nulls not distinct;

-- Visits by the day they happened, with who made them and the lead's owner, team and account class.
create table if not exists rollup_visits (
  grain text not null, bucket date not null,
  rep_id text, owner_id text, team_id text, type text not null, class text not null, became_offer boolean not null,
  n integer not null default 0
);
create unique index if not exists rollup_visits_key on rollup_visits (grain, bucket, rep_id, owner_id, team_id, type, class, became_offer) nulls not distinct;

-- Offers by the day they were made (drafts too), by the day they were sent, and sent ones still unconfirmed.
create table if not exists rollup_offers (
  grain text not null, bucket date not null,
  owner_id text, team_id text, status text not null, rejection_reason text,
  n integer not null default 0, value numeric(16, 2) not null default 0
);
create unique index if not exists rollup_offers_key on rollup_offers (grain, bucket, owner_id, team_id, status, rejection_reason) nulls not distinct;

create table if not exists rollup_offers_sent (
  grain text not null, bucket date not null, owner_id text, team_id text,
  n integer not null default 0
);
create unique index if not exists rollup_offers_sent_key on rollup_offers_sent (grain, bucket, owner_id, team_id) nulls not distinct;

create table if not exists rollup_unconfirmed (
  bucket date not null, owner_id text, team_id text,
  n integer not null default 0, value numeric(16, 2) not null default 0
);
create unique index if not exists rollup_unconfirmed_key on rollup_unconfirmed (bucket, owner_id, team_id) nulls not distinct;

create table if not exists rollup_orders (
  grain text not null, bucket date not null, owner_id text, team_id text,
  n integer not null default 0, value numeric(16, 2) not null default 0
);
create unique index if not exists rollup_orders_key on rollup_orders (grain, bucket, owner_id, team_id) nulls not distinct;

-- Accounts by class with their newest visit (over all their leads), for "important customers not visited".
create table if not exists report_accounts (
  account_id text primary key, importance text, owner_id text, last_visit_at timestamptz
);
create index if not exists report_accounts_class_idx on report_accounts (importance) include (owner_id, last_visit_at);

-- The one definition of a lead's state (also what the rebuild counts from).
create or replace view report_lead_state_of as
  select l.id as lead_id, l.owner_id, l.team_id, l.source, l.pipeline_id, l.status, l.stage, l.account_id, coalesce(a.importance, 'none') as class,
         l.created_at, l.closed_at, l.lost_reason, l.last_visit_at,
         coalesce(o.offered, false) as offered, o.last_offer_at, o.first_offer_at, o.first_offer_sent_at,
         r.lead_id is not null as ordered, r.total as order_total,
         array(select distinct s.stage from (select l.stage union all select e.stage from lead_events e where e.lead_id = l.id and e.stage is not null) s order by 1) as stages,
         lo.status as latest_offer_status, lo.total as latest_offer_total, lo.since as latest_offer_since
    from leads l
    left join accounts a on a.id = l.account_id
    left join lateral (select bool_or(x.status <> 'draft') as offered, max(x.created_at) filter (where x.status <> 'draft') as last_offer_at,
                              min(x.created_at) as first_offer_at, min(coalesce(x.sent_at, x.created_at)) as first_offer_sent_at
                         from offers x where x.lead_id = l.id) o on true
    left join orders r on r.lead_id = l.id
    left join lateral (select x.status, x.total, coalesce(x.sent_at, x.created_at) as since from offers x where x.lead_id = l.id order by x.version desc limit 1) lo on true;

create or replace function report_day(t timestamptz) returns date language sql immutable as $$ select (t at time zone 'UTC')::date $$;
create or replace function report_month(d date) returns date language sql immutable as $$ select date_trunc('month', d)::date $$;

create or replace function report_rollups_on() returns boolean language sql stable as $$
  select coalesce(current_setting('leadflow.rollups', true), '') <> 'off'
$$;

-- One visit of a lead in the state `s`, counted `d` (+1 or -1) times.
create or replace function report_bump_visit(s report_lead_state, p_at timestamptz, p_rep text, p_type text, p_offer text, d integer) returns void language sql as $$
  insert into rollup_visits as r (grain, bucket, rep_id, owner_id, team_id, type, class, became_offer, n)
  select g.grain, g.bucket, p_rep, s.owner_id, s.team_id, p_type, s.class, (p_offer is not null or coalesce(s.last_offer_at >= p_at, false)), d
    from (values ('d', report_day(p_at)), ('m', report_month(report_day(p_at)))) g(grain, bucket)
  on conflict (grain, bucket, rep_id, owner_id, team_id, type, class, became_offer) do update set n = r.n + excluded.n
$$;

create or replace function report_bump_offer(s report_lead_state, o offers, d integer) returns void language plpgsql as $$
begin
  insert into rollup_offers as r (grain, bucket, owner_id, team_id, status, rejection_reason, n, value)
  select g.grain, g.bucket, s.owner_id, s.team_id, o.status, o.rejection_reason, d, d * o.total
    from (values ('d', report_day(o.created_at)), ('m', report_month(report_day(o.created_at)))) g(grain, bucket)
  on conflict (grain, bucket, owner_id, team_id, status, rejection_reason) do update set n = r.n + excluded.n, value = r.value + excluded.value;
  if o.sent_at is not null then
    insert into rollup_offers_sent as r (grain, bucket, owner_id, team_id, n)
    select g.grain, g.bucket, s.owner_id, s.team_id, d
      from (values ('d', report_day(o.sent_at)), ('m', report_month(report_day(o.sent_at)))) g(grain, bucket)
    on conflict (grain, bucket, owner_id, team_id) do update set n = r.n + excluded.n;
    if o.status = 'sent' and o.confirmed_at is null then
      insert into rollup_unconfirmed as r (bucket, owner_id, team_id, n, value) values (report_day(o.sent_at), s.owner_id, s.team_id, d, d * o.total)
      on conflict (bucket, owner_id, team_id) do update set n = r.n + excluded.n, value = r.value + excluded.value;
    end if;
  end if;
end $$;

create or replace function report_bump_order(s report_lead_state, o orders, d integer) returns void language sql as $$
  insert into rollup_orders as r (grain, bucket, owner_id, team_id, n, value)
  select g.grain, g.bucket, s.owner_id, s.team_id, d, d * o.total
    from (values ('d', report_day(o.created_at)), ('m', report_month(report_day(o.created_at)))) g(grain, bucket)
  on conflict (grain, bucket, owner_id, team_id) do update set n = r.n + excluded.n, value = r.value + excluded.value
$$;

-- A lead's own counts (created, closed, stages reached).
create or replace function report_bump_lead(s report_lead_state, d integer) returns void language plpgsql as $$
declare
  cday date := report_day(s.created_at);
begin
  insert into rollup_leads as r (grain, bucket, owner_id, team_id, source, pipeline_id, status, visited, offered, ordered, n)
  select g.grain, g.bucket, s.owner_id, s.team_id, s.source, s.pipeline_id, s.status, s.last_visit_at is not null, s.offered, s.ordered, d
    from (values ('d', cday), ('m', report_month(cday))) g(grain, bucket)
  on conflict (grain, bucket, owner_id, team_id, source, pipeline_id, status, visited, offered, ordered) do update set n = r.n + excluded.n;
  insert into rollup_stages as r (grain, bucket, owner_id, team_id, pipeline_id, stage, n)
  select g.grain, g.bucket, s.owner_id, s.team_id, s.pipeline_id, st, d
    from (values ('d', cday), ('m', report_month(cday))) g(grain, bucket), unnest(s.stages) st
  on conflict (grain, bucket, owner_id, team_id, pipeline_id, stage) do update set n = r.n + excluded.n;
  if s.closed_at is not null and s.status in ('won', 'lost', 'disqualified') then
    insert into rollup_closed as r (grain, bucket, owner_id, team_id, source, status, lost_reason, n, cycle_secs, order_n, order_value)
    select g.grain, g.bucket, s.owner_id, s.team_id, s.source, s.status, s.lost_reason, d, d * extract(epoch from s.closed_at - s.created_at)::float8,
           case when s.ordered then d else 0 end, case when s.ordered then d * s.order_total else 0 end
      from (values ('d', report_day(s.closed_at)), ('m', report_month(report_day(s.closed_at)))) g(grain, bucket)
    on conflict (grain, bucket, owner_id, team_id, source, status, lost_reason) do update
      set n = r.n + excluded.n, cycle_secs = r.cycle_secs + excluded.cycle_secs, order_n = r.order_n + excluded.order_n, order_value = r.order_value + excluded.order_value;
  end if;
end $$;

create or replace function report_refresh_account(p_account text) returns void language sql as $$
  insert into report_accounts as r (account_id, importance, owner_id, last_visit_at)
  select a.id, a.importance, a.owner_id, (select max(s.last_visit_at) from report_lead_state s where s.account_id = a.id)
    from accounts a where a.id = p_account
  on conflict (account_id) do update set importance = excluded.importance, owner_id = excluded.owner_id, last_visit_at = excluded.last_visit_at
    where (r.importance, r.owner_id, r.last_visit_at) is distinct from (excluded.importance, excluded.owner_id, excluded.last_visit_at);
  delete from report_accounts r where r.account_id = p_account and not exists (select 1 from accounts a where a.id = p_account);
$$;

-- Recomputes one lead's state and moves its counts (and its records' counts) from the old key to the new one.
create or replace function report_refresh_lead(p_lead text) returns void language plpgsql as $$
declare
  was report_lead_state;
  now_s report_lead_state;
  had boolean;
  has boolean;
  v record;
  x offers;
  y orders;
  moved_owner boolean;
begin
  if p_lead is null then return; end if;
  select * into was from report_lead_state where lead_id = p_lead for update;
  had := found;
  select * into now_s from report_lead_state_of where lead_id = p_lead;
  has := found;
  if not had and not has then return; end if;
  if had and has and was is not distinct from now_s then return; end if;
  if had then perform report_bump_lead(was, -1); end if;
  if has then perform report_bump_lead(now_s, 1); end if;
  if had and has then
    moved_owner := (was.owner_id, was.team_id) is distinct from (now_s.owner_id, now_s.team_id);
    if moved_owner then
      for x in select * from offers where lead_id = p_lead loop
        perform report_bump_offer(was, x, -1);
        perform report_bump_offer(now_s, x, 1);
      end loop;
      for y in select * from orders where lead_id = p_lead loop
        perform report_bump_order(was, y, -1);
        perform report_bump_order(now_s, y, 1);
      end loop;
    end if;
    if moved_owner or was.class is distinct from now_s.class or was.last_offer_at is distinct from now_s.last_offer_at then
      for v in select occurred_at, rep_id, type, offer_id from visits where lead_id = p_lead loop
        perform report_bump_visit(was, v.occurred_at, v.rep_id, v.type, v.offer_id, -1);
        perform report_bump_visit(now_s, v.occurred_at, v.rep_id, v.type, v.offer_id, 1);
      end loop;
    end if;
  end if;
  if not has then
    delete from report_lead_state where lead_id = p_lead;
  else
    insert into report_lead_state values (now_s.*) on conflict (lead_id) do update set
      owner_id = excluded.owner_id, team_id = excluded.team_id, source = excluded.source, pipeline_id = excluded.pipeline_id, status = excluded.status,
      stage = excluded.stage, account_id = excluded.account_id, class = excluded.class, created_at = excluded.created_at, closed_at = excluded.closed_at,
      lost_reason = excluded.lost_reason, last_visit_at = excluded.last_visit_at, offered = excluded.offered, last_offer_at = excluded.last_offer_at,
      first_offer_at = excluded.first_offer_at, first_offer_sent_at = excluded.first_offer_sent_at, ordered = excluded.ordered,
      order_total = excluded.order_total, stages = excluded.stages, latest_offer_status = excluded.latest_offer_status,
      latest_offer_total = excluded.latest_offer_total, latest_offer_since = excluded.latest_offer_since;
  end if;
  if had and was.account_id is not null and (not has or was.account_id is distinct from now_s.account_id or was.last_visit_at is distinct from now_s.last_visit_at) then
    perform report_refresh_account(was.account_id);
  end if;
  if has and now_s.account_id is not null and (not had or was.account_id is distinct from now_s.account_id or was.last_visit_at is distinct from now_s.last_visit_at) then
    perform report_refresh_account(now_s.account_id);
  end if;
end $$;

-- Triggers ---------------------------------------------------------------------------------------------------------

create or replace function report_leads_trg() returns trigger language plpgsql as $$
begin
  if not report_rollups_on() then return null; end if;
  if tg_op <> 'INSERT' then perform report_refresh_lead(old.id); end if;
  if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.id is distinct from old.id) then perform report_refresh_lead(new.id); end if;
  return null;
end $$;
drop trigger if exists report_leads on leads;
create trigger report_leads after insert or delete or update of id, owner_id, team_id, source, pipeline_id, status, stage, account_id, created_at, closed_at, lost_reason, last_visit_at on leads for each row execute function report_leads_trg();

create or replace function report_events_trg() returns trigger language plpgsql as $$
begin
  if not report_rollups_on() then return null; end if;
  if tg_op <> 'INSERT' and old.stage is not null then perform report_refresh_lead(old.lead_id); end if;
  if tg_op <> 'DELETE' and new.stage is not null and (tg_op = 'INSERT' or new.lead_id is distinct from old.lead_id or old.stage is null) then
    perform report_refresh_lead(new.lead_id);
  end if;
  return null;
end $$;
drop trigger if exists report_events on lead_events;
create trigger report_events after insert or update or delete on lead_events for each row execute function report_events_trg();

create or replace function report_visits_trg() returns trigger language plpgsql as $$
declare
  s report_lead_state;
begin
  if not report_rollups_on() then return null; end if;
  if tg_op <> 'INSERT' then
    select * into s from report_lead_state where lead_id = old.lead_id;
    if found then perform report_bump_visit(s, old.occurred_at, old.rep_id, old.type, old.offer_id, -1); end if;
  end if;
  if tg_op <> 'DELETE' then
    select * into s from report_lead_state where lead_id = new.lead_id;
    if found then perform report_bump_visit(s, new.occurred_at, new.rep_id, new.type, new.offer_id, 1); end if;
  end if;
  return null;
end $$;
drop trigger if exists report_visits on visits;
create trigger report_visits after insert or update or delete on visits for each row execute function report_visits_trg();

-- An offer: its own counts under the lead's current state first, then the lead's state (offered, newest offer), which
-- moves the lead's visits when "became an offer" changes for them.
create or replace function report_offers_trg() returns trigger language plpgsql as $$
declare
  s report_lead_state;
begin
  if not report_rollups_on() then return null; end if;
  if tg_op <> 'INSERT' then
    select * into s from report_lead_state where lead_id = old.lead_id;
    if found then perform report_bump_offer(s, old, -1); end if;
  end if;
  if tg_op <> 'DELETE' then
    select * into s from report_lead_state where lead_id = new.lead_id;
    if found then perform report_bump_offer(s, new, 1); end if;
  end if;
  if tg_op <> 'INSERT' then perform report_refresh_lead(old.lead_id); end if;
  if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.lead_id is distinct from old.lead_id) then perform report_refresh_lead(new.lead_id); end if;
  return null;
end $$;
drop trigger if exists report_offers on offers;
create trigger report_offers after insert or update or delete on offers for each row execute function report_offers_trg();

create or replace function report_orders_trg() returns trigger language plpgsql as $$
declare
  s report_lead_state;
begin
  if not report_rollups_on() then return null; end if;
  if tg_op <> 'INSERT' then
    select * into s from report_lead_state where lead_id = old.lead_id;
    if found then perform report_bump_order(s, old, -1); end if;
  end if;
  if tg_op <> 'DELETE' then
    select * into s from report_lead_state where lead_id = new.lead_id;
    if found then perform report_bump_order(s, new, 1); end if;
  end if;
  if tg_op <> 'INSERT' then perform report_refresh_lead(old.lead_id); end if;
  if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.lead_id is distinct from old.lead_id) then perform report_refresh_lead(new.lead_id); end if;
  return null;
end $$;
drop trigger if exists report_orders on orders;
create trigger report_orders after insert or update or delete on orders for each row execute function report_orders_trg();

create or replace function report_accounts_trg() returns trigger language plpgsql as $$
declare
  l text;
begin
  if not report_rollups_on() then return null; end if;
  if tg_op = 'UPDATE' and new.importance is distinct from old.importance then
    for l in select s.lead_id from report_lead_state s where s.account_id = new.id loop
      perform report_refresh_lead(l);
    end loop;
  end if;
  perform report_refresh_account(coalesce(new.id, old.id));
  return null;
end $$;
drop trigger if exists report_accounts on accounts;
create trigger report_accounts after insert or delete or update of id, importance, owner_id on accounts for each row execute function report_accounts_trg();

-- Recount from the records (migration, bulk loads). Takes the state table's lock so no writer counts meanwhile.
create or replace function report_rollups_rebuild() returns void language plpgsql as $$
begin
  lock table report_lead_state in exclusive mode;
  truncate report_lead_state, rollup_leads, rollup_closed, rollup_stages, rollup_visits, rollup_offers, rollup_offers_sent, rollup_unconfirmed, rollup_orders, report_accounts;
  -- The same state as report_lead_state_of, computed in bulk (hash aggregates instead of one probe per lead); the
  -- rollup tests check that the two agree.
  insert into report_lead_state
  select l.id, l.owner_id, l.team_id, l.source, l.pipeline_id, l.status, l.stage, l.account_id, coalesce(a.importance, 'none'),
         l.created_at, l.closed_at, l.lost_reason, l.last_visit_at,
         coalesce(o.offered, false), o.last_offer_at, o.first_offer_at, o.first_offer_sent_at,
         r.lead_id is not null, r.total, st.stages, lo.status, lo.total, lo.since
    from leads l
    left join accounts a on a.id = l.account_id
    left join (select x.lead_id, bool_or(x.status <> 'draft') as offered, max(x.created_at) filter (where x.status <> 'draft') as last_offer_at,
                      min(x.created_at) as first_offer_at, min(coalesce(x.sent_at, x.created_at)) as first_offer_sent_at
                 from offers x group by x.lead_id) o on o.lead_id = l.id
    left join orders r on r.lead_id = l.id
    left join (select distinct on (x.lead_id) x.lead_id, x.status, x.total, coalesce(x.sent_at, x.created_at) as since
                 from offers x order by x.lead_id, x.version desc) lo on lo.lead_id = l.id
    join (select y.lead_id, array_agg(distinct y.stage order by y.stage) as stages
            from (select l2.id as lead_id, l2.stage from leads l2 union all select e.lead_id, e.stage from lead_events e where e.stage is not null) y
           group by y.lead_id) st on st.lead_id = l.id;
  insert into rollup_leads (grain, bucket, owner_id, team_id, source, pipeline_id, status, visited, offered, ordered, n)
  select g.grain, g.bucket, s.owner_id, s.team_id, s.source, s.pipeline_id, s.status, s.last_visit_at is not null, s.offered, s.ordered, count(*)
    from report_lead_state s, lateral (values ('d', report_day(s.created_at)), ('m', report_month(report_day(s.created_at)))) g(grain, bucket)
   group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
  insert into rollup_stages (grain, bucket, owner_id, team_id, pipeline_id, stage, n)
  select g.grain, g.bucket, s.owner_id, s.team_id, s.pipeline_id, st, count(*)
    from report_lead_state s, unnest(s.stages) st, lateral (values ('d', report_day(s.created_at)), ('m', report_month(report_day(s.created_at)))) g(grain, bucket)
   group by 1, 2, 3, 4, 5, 6;
  insert into rollup_closed (grain, bucket, owner_id, team_id, source, status, lost_reason, n, cycle_secs, order_n, order_value)
  select g.grain, g.bucket, s.owner_id, s.team_id, s.source, s.status, s.lost_reason, count(*), sum(extract(epoch from s.closed_at - s.created_at)::float8),
         count(*) filter (where s.ordered), coalesce(sum(s.order_total) filter (where s.ordered), 0)
    from report_lead_state s, lateral (values ('d', report_day(s.closed_at)), ('m', report_month(report_day(s.closed_at)))) g(grain, bucket)
   where s.closed_at is not null and s.status in ('won', 'lost', 'disqualified')
   group by 1, 2, 3, 4, 5, 6, 7;
  insert into rollup_visits (grain, bucket, rep_id, owner_id, team_id, type, class, became_offer, n)
  select g.grain, g.bucket, v.rep_id, s.owner_id, s.team_id, v.type, s.class, (v.offer_id is not null or coalesce(s.last_offer_at >= v.occurred_at, false)), count(*)
    from visits v join report_lead_state s on s.lead_id = v.lead_id,
         lateral (values ('d', report_day(v.occurred_at)), ('m', report_month(report_day(v.occurred_at)))) g(grain, bucket)
   group by 1, 2, 3, 4, 5, 6, 7, 8;
  insert into rollup_offers (grain, bucket, owner_id, team_id, status, rejection_reason, n, value)
  select g.grain, g.bucket, s.owner_id, s.team_id, o.status, o.rejection_reason, count(*), sum(o.total)
    from offers o join report_lead_state s on s.lead_id = o.lead_id,
         lateral (values ('d', report_day(o.created_at)), ('m', report_month(report_day(o.created_at)))) g(grain, bucket)
   group by 1, 2, 3, 4, 5, 6;
  insert into rollup_offers_sent (grain, bucket, owner_id, team_id, n)
  select g.grain, g.bucket, s.owner_id, s.team_id, count(*)
    from offers o join report_lead_state s on s.lead_id = o.lead_id,
         lateral (values ('d', report_day(o.sent_at)), ('m', report_month(report_day(o.sent_at)))) g(grain, bucket)
   where o.sent_at is not null
   group by 1, 2, 3, 4;
  insert into rollup_unconfirmed (bucket, owner_id, team_id, n, value)
  select report_day(o.sent_at), s.owner_id, s.team_id, count(*), sum(o.total)
    from offers o join report_lead_state s on s.lead_id = o.lead_id
   where o.sent_at is not null and o.status = 'sent' and o.confirmed_at is null
   group by 1, 2, 3;
  insert into rollup_orders (grain, bucket, owner_id, team_id, n, value)
  select g.grain, g.bucket, s.owner_id, s.team_id, count(*), sum(r.total)
    from orders r join report_lead_state s on s.lead_id = r.lead_id,
         lateral (values ('d', report_day(r.created_at)), ('m', report_month(report_day(r.created_at)))) g(grain, bucket)
   group by 1, 2, 3, 4;
  insert into report_accounts (account_id, importance, owner_id, last_visit_at)
  select a.id, a.importance, a.owner_id, v.last_visit_at
    from accounts a left join (select s.account_id, max(s.last_visit_at) as last_visit_at from report_lead_state s where s.account_id is not null group by 1) v on v.account_id = a.id;
  analyze report_lead_state;
end $$;

select report_rollups_rebuild();

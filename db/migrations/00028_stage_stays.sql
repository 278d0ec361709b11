-- Stage stays: each stay of a lead in a stage, kept as a table so the dashboard's "stalled deals" and "time to close"
-- read it instead of rebuilding every stay from the lead_events timeline on each request.
--
-- A staged event whose stage differs from the one before it (by time, then id) enters a stage; the next entry leaves
-- it (left_at null: the lead is still there). Each row carries what the widgets group and filter by from the lead
-- (team, owner, segment by company size, status, close time). A trigger on lead_events' stage rows recomputes that
-- lead's stays; a trigger on leads copies the lead's columns onto its stays; both run in the writing transaction and
-- skip work when a bulk loader set `leadflow.rollups = 'off'` (report_rollups_rebuild() then refills the table).

create table if not exists stage_stays (
  lead_id text not null,
  team_id text, owner_id text,
  stage text not null, segment text not null, status text not null, closed_at timestamptz,
  entered_at timestamptz not null, left_at timestamptz
);
create index if not exists stage_stays_lead_idx on stage_stays (lead_id);
-- Completed stays per team and stage (the p75 yardstick of stalled deals).
create index if not exists stage_stays_done_idx on stage_stays (team_id, stage) include (entered_at, left_at, closed_at) where left_at is not null;
-- Stays of closed (won or lost) leads per team, stage and segment (time to close).
create index if not exists stage_stays_closed_idx on stage_stays (team_id, stage, segment) include (entered_at, closed_at)
  where status in ('won', 'lost') and closed_at is not null;

-- Company size as the time-to-close estimates compare (db/dashboard.ts uses the same bands).
create or replace function lead_segment(size integer) returns text language sql immutable as $$
  select case when size is null then 'unknown' when size < 50 then 'small' when size < 1000 then 'mid' else 'large' end
$$;

-- One lead's stays, recomputed from its timeline.
create or replace function stage_stays_refresh(p_lead text) returns void language sql as $$
  delete from stage_stays where lead_id = p_lead;
  insert into stage_stays (lead_id, team_id, owner_id, stage, segment, status, closed_at, entered_at, left_at)
  select l.id, l.team_id, l.owner_id, x.stage, lead_segment(l.company_size), l.status, l.closed_at, x.at,
         lead(x.at) over (order by x.at, x.id)
    from (select e.stage, e.at, e.id, lag(e.stage) over (order by e.at, e.id) as prev
            from lead_events e where e.lead_id = p_lead and e.stage is not null) x
    join leads l on l.id = p_lead
   where x.prev is distinct from x.stage;
$$;

-- Every lead's stays, in bulk (the rebuild; the rollup tests check it equals the per-lead refresh).
create or replace function stage_stays_fill() returns void language sql as $$
  insert into stage_stays (lead_id, team_id, owner_id, stage, segment, status, closed_at, entered_at, left_at)
  select l.id, l.team_id, l.owner_id, x.stage, lead_segment(l.company_size), l.status, l.closed_at, x.at,
         lead(x.at) over (partition by x.lead_id order by x.at, x.id)
    from (select e.lead_id, e.stage, e.at, e.id, lag(e.stage) over (partition by e.lead_id order by e.at, e.id) as prev
            from lead_events e where e.stage is not null) x
    join leads l on l.id = x.lead_id
   where x.prev is distinct from x.stage;
$$;

create or replace function stage_stays_events_trg() returns trigger language plpgsql as $$
begin
  if not report_rollups_on() then return null; end if;
  if tg_op <> 'INSERT' and old.stage is not null then perform stage_stays_refresh(old.lead_id); end if;
  if tg_op <> 'DELETE' and new.stage is not null and (tg_op = 'INSERT' or old.stage is null or new.lead_id is distinct from old.lead_id) then
    perform stage_stays_refresh(new.lead_id);
  end if;
  return null;
end $$;
drop trigger if exists stage_stays_events on lead_events;
create trigger stage_stays_events after insert or update or delete on lead_events for each row execute function stage_stays_events_trg();

create or replace function stage_stays_leads_trg() returns trigger language plpgsql as $$
begin
  if not report_rollups_on() then return null; end if;
  if tg_op = 'UPDATE' and new.id = old.id then
    update stage_stays set team_id = new.team_id, owner_id = new.owner_id, segment = lead_segment(new.company_size), status = new.status, closed_at = new.closed_at
     where lead_id = new.id;
    return null;
  end if;
  if tg_op <> 'INSERT' then perform stage_stays_refresh(old.id); end if;
  if tg_op <> 'DELETE' then perform stage_stays_refresh(new.id); end if;
  return null;
end $$;
drop trigger if exists stage_stays_leads on leads;
create trigger stage_stays_leads after insert or delete or update of id, team_id, owner_id, company_size, status, closed_at on leads
  for each row execute function stage_stays_leads_trg();

-- The rebuild (00021) also refills the stays.
create or replace function report_rollups_rebuild() returns void language plpgsql as $$
begin
  lock table report_lead_state in exclusive mode;
  truncate report_lead_state, rollup_leads, rollup_closed, rollup_stages, rollup_visits, rollup_offers, rollup_offers_sent, rollup_unconfirmed, rollup_orders, report_accounts, stage_stays;
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
  perform stage_stays_fill();
  analyze report_lead_state;
  analyze stage_stays;
end $$;

-- The stays of the timeline already there (the other rollups are current).
truncate stage_stays;
select stage_stays_fill();
analyze stage_stays;

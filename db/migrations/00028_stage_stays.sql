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

-- The rebuild also refills the stays: 00021's recount keeps its body under another name, and the rebuild every
-- caller uses runs it and then the stays.
alter function report_rollups_rebuild() rename to report_rollups_recount;
create function report_rollups_rebuild() returns void language plpgsql as $$
begin
  perform report_rollups_recount();
  truncate stage_stays;
  perform stage_stays_fill();
  analyze stage_stays;
end $$;

-- The stays of the timeline already there (the other rollups are current).
truncate stage_stays;
select stage_stays_fill();
analyze stage_stays;

-- The three dashboard widgets that still read hundreds of thousands of rows per request at a million leads.
--
-- Sales velocity counts the opportunities open at an instant. rollup_opportunities keeps, per day (and month) and
-- the lead's owner and team, how many opportunities opened (+1 on the day of the lead's first offer, or its capture
-- if later) and closed (-1 on the day it closed); the ones open at a midnight are the sum of every bucket before it.
-- A lead that closed before its first offer was never open and counts nowhere. A trigger on report_lead_state (which
-- 00021's triggers keep current in the writing transaction) moves a lead's two counts when its owner, team, capture,
-- first offer or close changes.
--
-- Stalled deals and time to close compare open deals with the team's history (percentiles over stage_stays). Those
-- statistics are computed by the API and kept in memory until the stays change: stage_stays_changes moves on every
-- statement that writes stays (a sequence: no row lock between writers), and the API reads it to know.
--
-- The open deals themselves are read from leads_open_stage_idx, an index of the open leads by team, stage and entry
-- into the stage that holds every column the two widgets filter and sort by (an index-only scan).

create table if not exists rollup_opportunities (
  grain text not null, bucket date not null, owner_id text, team_id text,
  n integer not null default 0
);
create unique index if not exists rollup_opportunities_key on rollup_opportunities (grain, bucket, owner_id, team_id) nulls not distinct;

-- One lead's opportunity (if it is one), counted `d` (+1 or -1) times.
create or replace function report_bump_opportunity(s report_lead_state, d integer) returns void language plpgsql as $$
declare
  opened timestamptz;
begin
  if s.first_offer_at is null then return; end if;
  opened := greatest(s.first_offer_at, s.created_at);
  if s.closed_at is not null and s.closed_at <= opened then return; end if;
  insert into rollup_opportunities as r (grain, bucket, owner_id, team_id, n)
  select g.grain, g.bucket, s.owner_id, s.team_id, d
    from (values ('d', report_day(opened)), ('m', report_month(report_day(opened)))) g(grain, bucket)
  on conflict (grain, bucket, owner_id, team_id) do update set n = r.n + excluded.n;
  if s.closed_at is not null then
    insert into rollup_opportunities as r (grain, bucket, owner_id, team_id, n)
    select g.grain, g.bucket, s.owner_id, s.team_id, -d
      from (values ('d', report_day(s.closed_at)), ('m', report_month(report_day(s.closed_at)))) g(grain, bucket)
    on conflict (grain, bucket, owner_id, team_id) do update set n = r.n + excluded.n;
  end if;
end $$;

create or replace function report_opportunities_trg() returns trigger language plpgsql as $$
begin
  -- The recount fills report_lead_state in bulk and then counts the opportunities itself.
  if coalesce(current_setting('leadflow.recounting', true), '') = 'on' then return null; end if;
  if tg_op = 'UPDATE' and (old.owner_id, old.team_id, old.created_at, old.first_offer_at, old.closed_at)
                          is not distinct from (new.owner_id, new.team_id, new.created_at, new.first_offer_at, new.closed_at) then
    return null;
  end if;
  if tg_op <> 'INSERT' then perform report_bump_opportunity(old, -1); end if;
  if tg_op <> 'DELETE' then perform report_bump_opportunity(new, 1); end if;
  return null;
end $$;
drop trigger if exists report_opportunities on report_lead_state;
create trigger report_opportunities after insert or update or delete on report_lead_state for each row execute function report_opportunities_trg();

-- Every opportunity counted from the lead states, in bulk (the rollup tests check it equals the trigger's counts).
create or replace function report_opportunities_fill() returns void language sql as $$
  insert into rollup_opportunities (grain, bucket, owner_id, team_id, n)
  select g.grain, g.bucket, x.owner_id, x.team_id, sum(x.d)
    from (select s.owner_id, s.team_id, greatest(s.first_offer_at, s.created_at) as at, 1 as d from report_lead_state s
           where s.first_offer_at is not null and (s.closed_at is null or s.closed_at > greatest(s.first_offer_at, s.created_at))
          union all
          select s.owner_id, s.team_id, s.closed_at, -1 from report_lead_state s
           where s.first_offer_at is not null and s.closed_at > greatest(s.first_offer_at, s.created_at)) x,
         lateral (values ('d', report_day(x.at)), ('m', report_month(report_day(x.at)))) g(grain, bucket)
   group by 1, 2, 3, 4;
$$;

-- The rebuild every caller uses becomes 00028's (the recount and the stays) under another name, with the triggers of
-- this file held off while the lead states are written, then their counts made once (at the end of this file).
alter function report_rollups_rebuild() rename to report_rollups_rebuild_stays;

truncate rollup_opportunities;
select report_opportunities_fill();

-- Writes to the stays move this sequence, so a cached statistic knows it is out of date.
create sequence if not exists stage_stays_changes;
create or replace function stage_stays_touch() returns trigger language plpgsql as $$
begin
  perform nextval('stage_stays_changes');
  return null;
end $$;
drop trigger if exists stage_stays_touch on stage_stays;
create trigger stage_stays_touch after insert or update or delete or truncate on stage_stays for each statement execute function stage_stays_touch();

create index if not exists leads_open_stage_idx on leads (team_id, stage, stage_entered_at) include (id, owner_id, company_size)
  where status in ('open', 'nurturing', 'qualified');
-- The teams of the open leads a set of owners holds (which teams' ranges of the index above a manager's view reads).
create index if not exists leads_open_owner_team_idx on leads (owner_id, team_id) where status in ('open', 'nurturing', 'qualified');

-- Important customers: which accounts a manager sees through their leads. report_accounts keeps, per account, the
-- teams and the owners of its leads (sorted, distinct), so "one of its leads is in my view" is an array overlap on the
-- account's row instead of a probe into its leads. A trigger on report_lead_state keeps them when a lead's account,
-- owner or team changes; the rebuild fills them in bulk.
alter table report_accounts add column if not exists lead_teams text[] not null default '{}';
alter table report_accounts add column if not exists lead_owners text[] not null default '{}';

create or replace function report_account_viewers(p_account text) returns void language sql as $$
  update report_accounts r set lead_teams = v.teams, lead_owners = v.owners
    from (select coalesce(array_agg(distinct s.team_id order by s.team_id) filter (where s.team_id is not null), '{}') as teams,
                 coalesce(array_agg(distinct s.owner_id order by s.owner_id) filter (where s.owner_id is not null), '{}') as owners
            from report_lead_state s where s.account_id = p_account) v
   where r.account_id = p_account and (r.lead_teams, r.lead_owners) is distinct from (v.teams, v.owners);
$$;

create or replace function report_account_viewers_trg() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('leadflow.recounting', true), '') = 'on' then return null; end if;
  if tg_op = 'UPDATE' and (old.account_id, old.owner_id, old.team_id) is not distinct from (new.account_id, new.owner_id, new.team_id) then return null; end if;
  if tg_op <> 'INSERT' and old.account_id is not null then perform report_account_viewers(old.account_id); end if;
  if tg_op <> 'DELETE' and new.account_id is not null and (tg_op = 'INSERT' or new.account_id is distinct from old.account_id) then
    perform report_account_viewers(new.account_id);
  end if;
  return null;
end $$;
drop trigger if exists report_account_viewers on report_lead_state;
create trigger report_account_viewers after insert or update or delete on report_lead_state for each row execute function report_account_viewers_trg();

-- An account row written by 00021's refresh (a new account) starts with no leads; one written again keeps its arrays.
create or replace function report_account_viewers_fill() returns void language sql as $$
  update report_accounts r set lead_teams = v.teams, lead_owners = v.owners
    from (select s.account_id,
                 coalesce(array_agg(distinct s.team_id order by s.team_id) filter (where s.team_id is not null), '{}') as teams,
                 coalesce(array_agg(distinct s.owner_id order by s.owner_id) filter (where s.owner_id is not null), '{}') as owners
            from report_lead_state s where s.account_id is not null group by s.account_id) v
   where r.account_id = v.account_id;
$$;

create or replace function report_rollups_rebuild() returns void language plpgsql as $$
begin
  perform set_config('leadflow.recounting', 'on', true);
  perform report_rollups_rebuild_stays();
  perform set_config('leadflow.recounting', '', true);
  truncate rollup_opportunities;
  perform report_opportunities_fill();
  perform report_account_viewers_fill();
end $$;

select report_account_viewers_fill();

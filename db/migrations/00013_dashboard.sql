-- Manager dashboard. The weighted forecast counts each open offer with the probability (percent) of its stage
-- becoming an order; ops and admins change them on the dashboard. Time in stage is read from the timeline: the
-- partial index keeps each lead's staged events in time order.
insert into settings (key, value)
values ('forecast_probabilities', '{"draft": 10, "sent": 25, "confirmed": 40, "in_follow_up": 60, "postponed": 15}'::jsonb)
on conflict (key) do nothing;

create index if not exists lead_events_staged_idx on lead_events (lead_id, at, id) include (stage) where stage is not null;
create index if not exists leads_open_team_stage_idx on leads (team_id, stage) where status in ('open', 'nurturing', 'qualified');
create index if not exists offers_lead_created_idx on offers (lead_id, created_at);

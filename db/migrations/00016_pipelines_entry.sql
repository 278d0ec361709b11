-- Several pipelines in use: archived pipelines receive no new leads; ordered entry rules choose the pipeline a
-- captured lead enters (the default pipeline takes the rest). Failed leads: a lead whose process failed keeps the
-- reason and the state it stopped in, so an operator can retry it after a fix.

alter table pipelines
  add column archived_at timestamptz,
  add column archived_by text;

create table pipeline_entry_rules (
  id text primary key,
  position integer not null check (position >= 0),
  name text not null check (length(name) between 1 and 80),
  pipeline_id text not null references pipelines(id),
  conditions jsonb not null,
  updated_by text,
  updated_at timestamptz not null default now()
);
create index pipeline_entry_rules_position_idx on pipeline_entry_rules (position);

alter table leads drop constraint if exists leads_status_check;
alter table leads add constraint leads_status_check
  check (status in ('open', 'nurturing', 'qualified', 'disqualified', 'won', 'lost', 'failed'));
alter table leads
  add column failure_reason text,
  add column failed_at timestamptz,
  -- What a retry needs to resume the lead where it stopped: the workflow input (without the pipeline) and its state.
  add column failure_state jsonb;
create index leads_failed_idx on leads (pipeline_id) where status = 'failed';

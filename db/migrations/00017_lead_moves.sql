-- Moving live leads to another published version of their pipeline: one job per request, one row per chosen lead.
create table lead_moves (
  id text primary key,
  pipeline_id text not null,
  from_version integer,
  to_version integer not null,
  -- the filter the leads were chosen by (fromVersion, stage, nodeId, leadIds) and the source node → target node mapping
  filter jsonb not null default '{}',
  mapping jsonb not null default '{}',
  created_by text references users(id),
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  foreign key (pipeline_id, to_version) references pipeline_versions (pipeline_id, version)
);
create index lead_moves_pipeline on lead_moves (pipeline_id, created_at desc);

create table lead_move_items (
  move_id text not null references lead_moves(id) on delete cascade,
  lead_id text not null references leads(id) on delete cascade,
  from_version integer not null,
  from_node_id text,
  to_node_id text,
  -- pending: sent to the lead, applied at its next node boundary; moved / refused (with the reason)
  status text not null check (status in ('pending', 'moved', 'refused')),
  reason text,
  updated_at timestamptz not null default now(),
  primary key (move_id, lead_id)
);
create index lead_move_items_lead on lead_move_items (lead_id) where status = 'pending';

create table rule_sets (
  id text primary key,
  name text not null,
  kind text not null check (kind in ('scoring', 'routing', 'reminder', 'configurator')),
  draft jsonb not null,
  draft_updated_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);

create table rule_set_versions (
  rule_set_id text not null references rule_sets(id),
  version integer not null check (version > 0),
  document jsonb not null,
  note text not null default '',
  published_by text,
  published_at timestamptz not null default now(),
  primary key (rule_set_id, version)
);

-- Round-robin pointers, advanced atomically (update ... returning) so several workers never pick the same slot.
create table routing_pointers (
  scope text primary key,
  position bigint not null default 0
);

-- Newest-first pages of leads for bulk fact building (backtests, re-scoring): db/lead-facts.ts pages by
-- (created_at, id) so that batches are exact ranges even when leads share a timestamp.
create index leads_created_id_idx on leads (created_at desc, id desc);

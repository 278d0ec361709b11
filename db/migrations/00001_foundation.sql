-- Smoke runs prove the whole stack end to end: api -> Temporal -> worker activity -> Postgres -> api.
create table smoke_runs (
  workflow_id text primary key,
  note text not null default '',
  created_at timestamptz not null default now()
);

-- Small key/value settings changed by admins at run time (e.g. the global e-mail switch).
create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

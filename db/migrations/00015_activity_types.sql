-- Activity types as data: every activity a custom pipeline node can call, registered by the worker that serves it
-- (developer workers over the API with a developer key, the built-in ones by the main worker at start).

-- Who a developer key registers activity types for (a team or vendor); any key of the same owner may register
-- the same types again (key rotation), a key of another owner may not take a name over.
alter table api_keys add column owner text;

create table activity_types (
  name text not null,
  version integer not null check (version > 0),
  label text not null,
  description text,
  input_schema jsonb not null,
  output_schema jsonb not null,
  task_queue text not null,
  start_to_close_ms integer not null check (start_to_close_ms > 0),
  -- {initialIntervalMs, backoffCoefficient, maximumIntervalMs, maximumAttempts (0 = unlimited)}
  retry jsonb not null,
  source text not null check (source in ('builtin', 'developer')),
  owner text not null,
  registered_by text references api_keys(id),
  registered_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- the worker's last heartbeat, and when it said it was stopping (online = seen lately and not stopped since)
  last_seen_at timestamptz,
  stopped_at timestamptz,
  retired_at timestamptz,
  retired_by text references users(id),
  primary key (name, version)
);

create index activity_types_queue on activity_types (task_queue);

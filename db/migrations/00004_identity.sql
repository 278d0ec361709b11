create table sessions (
  id text primary key,             -- sha256 of the token; the token itself is never stored
  user_id text not null references users(id),
  kind text not null check (kind in ('cookie', 'bearer')),
  csrf_token text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now()
);
create index sessions_user_idx on sessions (user_id);

create table api_keys (
  id text primary key,
  name text not null,
  prefix text not null,
  key_hash text not null unique,
  scopes text[] not null default '{lead:capture}',
  created_by text references users(id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_id text,
  action text not null,
  target_type text,
  target_id text,
  details jsonb not null default '{}'
);
create index audit_log_at_idx on audit_log (at desc);

create table login_failures (
  key text primary key,
  failures integer not null default 0,
  last_failed_at timestamptz not null default now()
);

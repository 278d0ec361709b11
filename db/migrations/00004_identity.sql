-- Identity and access: sessions (cookie or bearer), partner API keys, the audit log and sign-in throttling.
-- Secrets are never stored: sessions and API keys keep only the sha256 of the token.

create table sessions (
  id text primary key,             -- sha256 of the token; the token itself is never stored
  user_id text not null references users(id),
  kind text not null check (kind in ('cookie', 'bearer')),
  csrf_token text,                 -- double-submit token of cookie sessions (sent back as x-csrf-token)
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now()
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table api_keys (
  id text primary key,
  name text not null,
  prefix text not null,            -- first characters of the key, shown in lists so a partner's key can be recognised
  key_hash text not null unique,   -- sha256 of the key
  scopes text[] not null default '{lead:capture}',
  created_by text references users(id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by text references users(id),
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
create index audit_log_action_idx on audit_log (action, id desc);
create index audit_log_actor_idx on audit_log (actor_id, id desc);

-- One row per sha256(lower(email) | client address): failed sign-ins in the current 15-minute window.
create table login_failures (
  key text primary key,
  failures integer not null default 0,
  last_failed_at timestamptz not null default now()
);

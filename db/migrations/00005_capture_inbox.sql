-- Accepted captures waiting to be handed to Temporal. The API answers 202 once the row is committed (nothing is
-- lost if Temporal is slow or down); a dispatcher in every API replica claims rows (skip locked) and signals-with-start
-- the lead's workflow. A re-dispatch after a crash is harmless: the workflow ignores a submission id it has seen.
create table capture_inbox (
  submission_id text primary key,
  lead_id text not null,
  dedupe_key text not null,
  input jsonb not null,
  created_at timestamptz not null default now(),
  claimed_until timestamptz,
  attempts integer not null default 0,
  last_error text,
  dispatched_at timestamptz
);
create index capture_inbox_pending_idx on capture_inbox (created_at) where dispatched_at is null;
create index capture_inbox_dedupe_idx on capture_inbox (dedupe_key) where dispatched_at is null;

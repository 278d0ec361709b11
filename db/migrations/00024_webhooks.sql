-- Outbound webhooks: subscriptions, a delivery outbox filled in the same transaction as the lead event it reports,
-- and the answers partners get back for a retried request with an Idempotency-Key.

create table webhook_subscriptions (
  id text primary key,
  name text not null,
  url text not null,
  events text[] not null,
  -- Signs every delivery (HMAC-SHA256); shown once at creation or rotation, never returned by a read.
  secret text not null,
  status text not null default 'active' check (status in ('active', 'paused')),
  paused_at timestamptz,
  paused_reason text,
  -- Pause after this many failed attempts in a row (null: only the time rule applies) …
  pause_after_failures integer check (pause_after_failures between 1 and 100000),
  -- … or after failing without a single success for this many hours.
  pause_after_hours integer not null default 24 check (pause_after_hours between 1 and 720),
  consecutive_failures integer not null default 0,
  failing_since timestamptz,
  owner_id text references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  secret_rotated_at timestamptz
);

create table webhook_deliveries (
  id text primary key default gen_random_uuid()::text,
  -- Delivery order within a subscription (events of one lead are written in order, so they go out in order).
  seq bigint generated always as identity,
  subscription_id text not null references webhook_subscriptions(id) on delete cascade,
  event_id bigint,
  event text not null,
  lead_id text,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  response_code integer,
  last_error text,
  duration_ms integer,
  redelivery_of text,
  created_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  delivered_at timestamptz
);
-- One delivery per event and subscription (a redelivery from the log is a row of its own).
create unique index webhook_deliveries_once_idx on webhook_deliveries (subscription_id, event_id) where event_id is not null and redelivery_of is null;
create index webhook_deliveries_pending_idx on webhook_deliveries (subscription_id, seq) where status = 'pending';
create index webhook_deliveries_log_idx on webhook_deliveries (subscription_id, seq desc);

-- The public name of a timeline event type, or null when no webhook reports it.
create function webhook_event_name(t text) returns text language sql immutable as $$
  select case t
    when 'captured' then 'lead.captured'
    when 'assigned' then 'lead.assigned'
    when 'reassigned' then 'lead.assigned'
    when 'stage_changed' then 'lead.stage_changed'
    when 'scored' then 'lead.scored'
    when 'offer_status' then 'offer.status_changed'
    when 'won' then 'lead.won'
    when 'lost' then 'lead.lost'
  end
$$;

-- Statement level with the inserted rows as a table: a bulk insert of events costs one join, not one per row.
create function webhook_enqueue() returns trigger language plpgsql as $$
begin
  -- Bulk loads (demo data, imports) pay nothing while no one subscribes.
  if not exists (select 1 from webhook_subscriptions) then
    return null;
  end if;
  insert into webhook_deliveries (subscription_id, event_id, event, lead_id, payload)
  select s.id, e.id, webhook_event_name(e.type), e.lead_id,
         jsonb_build_object(
           'event', webhook_event_name(e.type), 'eventId', e.id, 'occurredAt', e.at, 'leadId', e.lead_id,
           'actor', e.actor, 'stage', e.stage, 'data', e.context,
           'lead', (select jsonb_build_object('id', l.id, 'name', l.name, 'email', l.email, 'company', l.company, 'country', l.country,
                                              'stage', l.stage, 'status', l.status, 'score', l.score, 'grade', l.grade, 'ownerId', l.owner_id)
                    from leads l where l.id = e.lead_id))
  from inserted e
  join webhook_subscriptions s on webhook_event_name(e.type) = any (s.events)
  where webhook_event_name(e.type) is not null
  order by e.id, s.id;
  return null;
end
$$;

create trigger lead_events_webhooks after insert on lead_events
  referencing new table as inserted for each statement execute function webhook_enqueue();

-- The first answer to a request sent with an Idempotency-Key, replayed for a retry with the same key.
create table idempotency_requests (
  scope text not null,
  key text not null,
  route text not null,
  request_hash text not null,
  state text not null default 'running' check (state in ('running', 'done')),
  status_code integer,
  response text,
  content_type text,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
create index idempotency_requests_created_idx on idempotency_requests (created_at);

-- One claim per e-mail address and per normalised phone number: the lead that person is. Capture takes the claims in
-- the same transaction as its inbox row, so two captures of one person (same phone, different e-mails, sent at the
-- same moment) are serialised by the primary key and land on one lead, even while that lead is still in the inbox.
create table person_claims (
  kind text not null check (kind in ('email', 'phone')),
  value text not null,
  lead_id text not null,
  created_at timestamptz not null default now(),
  primary key (kind, value)
);
create index person_claims_lead_idx on person_claims (lead_id);

-- Existing people: the oldest lead keeps a value that several leads share. Then captures not yet dispatched.
insert into person_claims (kind, value, lead_id, created_at)
select kind, value, lead_id, created_at from (
  select 'email' as kind, email as value, id as lead_id, created_at from leads where email is not null and email <> ''
  union all
  select 'phone', phone, id, created_at from leads where phone is not null and phone <> ''
  union all
  select split_part(dedupe_key, ':', 1), substr(dedupe_key, strpos(dedupe_key, ':') + 1), id, created_at from leads
  where split_part(dedupe_key, ':', 1) in ('email', 'phone')
  union all
  select 'email', input->'capture'->>'email', lead_id, created_at from capture_inbox
  where dispatched_at is null and coalesce(input->'capture'->>'email', '') <> ''
  union all
  select 'phone', input->'capture'->>'phone', lead_id, created_at from capture_inbox
  where dispatched_at is null and coalesce(input->'capture'->>'phone', '') <> ''
) c
order by created_at, lead_id
on conflict (kind, value) do nothing;

-- Leads written by any other path (imports, fixtures, a submission that adds a phone) claim their e-mail and phone
-- too, unless someone already holds them, so later captures find them.
create function claim_lead_person() returns trigger language plpgsql as $$
begin
  if new.email is not null and new.email <> '' then
    insert into person_claims (kind, value, lead_id) values ('email', new.email, new.id) on conflict do nothing;
  end if;
  if new.phone is not null and new.phone <> '' then
    insert into person_claims (kind, value, lead_id) values ('phone', new.phone, new.id) on conflict do nothing;
  end if;
  return null;
end $$;
create trigger leads_claim_person after insert or update of email, phone on leads
  for each row execute function claim_lead_person();

-- Idempotent captures: a client's Idempotency-Key, scoped by who sent it (web form, a partner key, a user). The same
-- key again answers the first answer; `request_hash` tells a retry from a different body under a reused key.
alter table capture_inbox
  add column idempotency_scope text,
  add column idempotency_key text,
  add column request_hash text,
  add column duplicate boolean not null default false,
  add column accept_by timestamptz;
create unique index capture_inbox_idempotency_idx on capture_inbox (idempotency_scope, idempotency_key)
  where idempotency_key is not null;

-- A capture is answered 503 once its deadline has passed; this check runs at COMMIT, on the server's clock, so a
-- transaction that reaches its commit late (the server was frozen, the network slow) is rolled back instead of
-- being kept after its client was told it failed.
create function capture_inbox_check_deadline() returns trigger language plpgsql as $$
begin
  if new.accept_by is not null and clock_timestamp() > new.accept_by then
    raise exception 'capture % missed its deadline (%); rolled back', new.submission_id, new.accept_by
      using errcode = '57014';
  end if;
  return null;
end $$;
create constraint trigger capture_inbox_deadline after insert on capture_inbox
  deferrable initially deferred
  for each row execute function capture_inbox_check_deadline();

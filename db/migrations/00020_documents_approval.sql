-- Documents attached to accounts, contacts, leads and offers (uploads and rendered proposals). The bytes live in
-- `content` (bytea) by default; with another store `content` is null and `storage_key` names the object there.
create table documents (
  id text primary key default gen_random_uuid()::text,
  owner_type text not null check (owner_type in ('account', 'contact', 'lead', 'offer')),
  owner_id text not null,
  kind text not null default 'upload' check (kind in ('upload', 'proposal')),
  name text not null check (length(name) between 1 and 200),
  content_type text not null,
  size_bytes integer not null check (size_bytes >= 0),
  sha256 text not null,
  store text not null default 'postgres' check (store in ('postgres', 's3')),
  storage_key text,
  content bytea,
  -- A proposal is one version per offer: rendering it again for the same offer and version finds the first one.
  version integer,
  created_by text references users(id),
  created_at timestamptz not null default now(),
  check (store <> 'postgres' or content is not null)
);
create index documents_owner_idx on documents (owner_type, owner_id, created_at desc);
create unique index documents_proposal_version_idx on documents (owner_id, version) where kind = 'proposal';

-- The proposal template ops edit (one row; merge fields are checked against a fixed catalogue on save).
create table proposal_templates (
  id text primary key,
  title text not null,
  intro text not null,
  closing text not null,
  validity_days integer not null default 30 check (validity_days between 1 and 365),
  updated_by text references users(id),
  updated_at timestamptz not null default now()
);

-- Offers above the discount threshold wait for a manager's approval before they may be sent.
alter table offers drop constraint if exists offers_status_check;
alter table offers add constraint offers_status_check check (status in
  ('draft', 'awaiting_approval', 'sent', 'confirmed', 'in_follow_up', 'renegotiated', 'accepted', 'rejected', 'postponed'));
alter table offers add column if not exists approval_status text check (approval_status in ('pending', 'approved', 'rejected'));

-- Thresholds: the highest discount (percent) an offer may carry without approval, for everyone (scope 'default'),
-- a role or a team. The most specific one applies: team, then role, then default.
create table discount_thresholds (
  scope text not null check (scope in ('default', 'role', 'team')),
  scope_id text not null default '',
  max_discount_pct numeric(6, 2) not null check (max_discount_pct >= 0 and max_discount_pct <= 100),
  updated_by text references users(id),
  updated_at timestamptz not null default now(),
  primary key (scope, scope_id)
);
insert into discount_thresholds (scope, scope_id, max_discount_pct) values ('default', '', 15) on conflict do nothing;

create table discount_approvals (
  id text primary key,
  offer_id text not null references offers(id),
  lead_id text not null references leads(id),
  discount_pct numeric(6, 2) not null,
  threshold_pct numeric(6, 2) not null,
  requested_by text references users(id),
  approver_id text references users(id),
  level integer not null default 1,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  comment text,
  decided_by text references users(id),
  decided_at timestamptz,
  created_at timestamptz not null default now()
);
create index discount_approvals_approver_idx on discount_approvals (approver_id, status);
create index discount_approvals_offer_idx on discount_approvals (offer_id);

-- Mail with attachments: documents sent along (the outbox row keeps references, not the bytes).
alter table mail_outbox add column if not exists attachments jsonb not null default '[]';

-- The records of the sales process. Temporal owns process state; these tables are the read side and the
-- system of record for reports (plain SQL).

create table teams (
  id text primary key,
  name text not null,
  territory text[] not null default '{}',
  manager_id text,
  created_at timestamptz not null default now()
);

create table users (
  id text primary key default gen_random_uuid()::text,
  email text not null unique,
  name text not null,
  role text not null check (role in ('rep', 'manager', 'ops', 'admin')),
  team_id text references teams(id),
  territory text[] not null default '{}',
  capacity integer not null default 50 check (capacity >= 0),
  routing_weight integer not null default 1 check (routing_weight >= 0),
  notify_email boolean not null default true,
  active boolean not null default true,
  password_hash text,
  created_at timestamptz not null default now()
);
alter table teams add constraint teams_manager_fk foreign key (manager_id) references users(id);

create table accounts (
  id text primary key default gen_random_uuid()::text,
  name text not null,
  domain text unique,
  importance text not null default 'C' check (importance in ('A', 'B', 'C')),
  country text,
  region text,
  industry text,
  company_size integer,
  owner_id text references users(id),
  created_at timestamptz not null default now()
);

create table contacts (
  id text primary key default gen_random_uuid()::text,
  account_id text references accounts(id),
  name text not null,
  email text,
  phone text,
  job_title text,
  created_at timestamptz not null default now()
);
create index contacts_account_idx on contacts (account_id);

create table pipelines (
  id text primary key,
  name text not null,
  draft jsonb not null,
  draft_updated_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);

create table pipeline_versions (
  pipeline_id text not null references pipelines(id),
  version integer not null check (version > 0),
  document jsonb not null,
  note text not null default '',
  published_by text,
  published_at timestamptz not null default now(),
  primary key (pipeline_id, version)
);

create table leads (
  id text primary key,
  dedupe_key text not null unique,
  source text not null check (source in ('web', 'partner', 'import', 'manual')),
  status text not null default 'open' check (status in ('open', 'nurturing', 'qualified', 'disqualified', 'won', 'lost')),
  stage text not null default 'captured',
  node_id text,
  score integer not null default 0,
  grade text check (grade in ('A', 'B', 'C')),
  owner_id text references users(id),
  team_id text references teams(id),
  account_id text references accounts(id),
  contact_id text references contacts(id),
  name text not null,
  email text,
  phone text,
  company text,
  company_domain text,
  country text,
  region text,
  industry text,
  company_size integer,
  job_title text,
  product_interest text,
  message text,
  pipeline_id text not null,
  pipeline_version integer not null,
  form_submissions integer not null default 1,
  email_opens integer not null default 0,
  last_engaged_at timestamptz,
  last_visit_at timestamptz,
  lost_reason text,
  next_deadline timestamptz,
  closed_at timestamptz,
  stage_entered_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index leads_stage_idx on leads (stage);
create index leads_owner_idx on leads (owner_id, status);
create index leads_created_idx on leads (created_at desc);
create index leads_email_idx on leads (email);
create index leads_phone_idx on leads (phone);

create table opportunities (
  id text primary key,
  lead_id text not null unique references leads(id),
  name text not null,
  amount numeric(14, 2),
  created_at timestamptz not null default now()
);

create table offers (
  id text primary key,
  lead_id text not null references leads(id),
  version integer not null check (version > 0),
  supersedes_id text references offers(id),
  status text not null default 'draft' check (status in
    ('draft', 'sent', 'confirmed', 'in_follow_up', 'renegotiated', 'accepted', 'rejected', 'postponed')),
  rejection_reason text,
  total numeric(14, 2) not null default 0,
  currency text not null default 'EUR',
  sent_at timestamptz,
  confirmed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (lead_id, version)
);

create table offer_lines (
  id bigint generated always as identity primary key,
  offer_id text not null references offers(id) on delete cascade,
  product text not null,
  options text[] not null default '{}',
  quantity integer not null check (quantity > 0),
  unit_price numeric(14, 2) not null,
  total numeric(14, 2) not null
);
create index offer_lines_offer_idx on offer_lines (offer_id);

create table visits (
  id text primary key,
  lead_id text not null references leads(id),
  rep_id text references users(id),
  type text not null,
  status text not null,
  outcome text,
  notes text,
  offer_id text references offers(id),
  occurred_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index visits_lead_idx on visits (lead_id, occurred_at desc);

create table orders (
  id text primary key,
  lead_id text not null unique references leads(id),
  offer_id text references offers(id),
  total numeric(14, 2) not null,
  currency text not null default 'EUR',
  created_at timestamptz not null default now()
);

create table tasks (
  id text primary key,
  lead_id text references leads(id),
  owner_id text references users(id),
  kind text not null,
  title text not null,
  due_at timestamptz,
  done boolean not null default false,
  done_at timestamptz,
  created_at timestamptz not null default now()
);
create index tasks_owner_idx on tasks (owner_id, done, due_at);
create index tasks_lead_idx on tasks (lead_id);

-- Exactly-once mail: the id is derived from (workflow id, pipeline step, occurrence).
create table mail_outbox (
  id text primary key,
  lead_id text,
  to_address text not null,
  subject text not null,
  body_text text not null,
  body_html text,
  template text not null,
  status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'stored', 'failed', 'skipped')),
  transport text,
  error text,
  attempts integer not null default 0,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index mail_outbox_lead_idx on mail_outbox (lead_id);
create index mail_outbox_created_idx on mail_outbox (created_at desc);

create table lead_events (
  id bigint generated always as identity primary key,
  event_key text unique,
  lead_id text not null,
  type text not null,
  at timestamptz not null default now(),
  actor text,
  stage text,
  context jsonb not null default '{}',
  cause jsonb
);
create index lead_events_lead_idx on lead_events (lead_id, id);
create index lead_events_type_idx on lead_events (type, at);

create table constants (
  category text not null check (category in
    ('visit_type', 'visit_status', 'loss_reason', 'rejection_reason', 'product_interest')),
  code text not null check (code ~ '^[a-z0-9_]+$'),
  label text not null,
  sort integer not null default 0,
  active boolean not null default true,
  primary key (category, code)
);

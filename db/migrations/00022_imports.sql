-- CSV imports. The uploaded file is kept here (transcoded to UTF-8, in fixed-size chunks) so any worker can stream it
-- after a restart; an import is fed by a Temporal workflow in batches. Each batch commits its leads' inbox rows, its
-- errors, its counts and the checkpoint (the byte offset and line after its last record) in one transaction, so a
-- retried batch resumes after the last committed one and never writes a row twice.
create table imports (
  id text primary key,
  file_name text not null,
  status text not null default 'draft' check (status in ('draft', 'running', 'paused', 'completed', 'cancelled', 'failed')),
  encoding text not null,
  delimiter text not null,
  headers jsonb not null,
  chunk_size integer not null,
  total_bytes bigint not null,
  -- where the data starts (after the header record) and the line it starts on
  data_offset bigint not null,
  data_line integer not null,
  mapping jsonb,
  dedupe text check (dedupe in ('skip', 'merge', 'create')),
  list_name text,
  rows_per_second integer,
  next_offset bigint not null,
  next_line integer not null,
  rows_done integer not null default 0,
  created integer not null default 0,
  merged integer not null default 0,
  skipped integer not null default 0,
  failed integer not null default 0,
  error text,
  created_by text references users(id),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  -- seconds spent running (pauses excluded), for the rate and the time left
  running_seconds double precision not null default 0,
  -- when running time was last added to running_seconds (null while paused or not started)
  ticked_at timestamptz,
  updated_at timestamptz not null default now()
);
create index imports_created_idx on imports (created_at desc);

create table import_chunks (
  import_id text not null references imports(id) on delete cascade,
  seq integer not null,
  bytes bytea not null,
  primary key (import_id, seq)
);

-- One row per problem: the file's row (its line number; the header is row 1), the field and why.
create table import_errors (
  import_id text not null references imports(id) on delete cascade,
  row_no integer not null,
  field text not null,
  reason text not null,
  primary key (import_id, row_no, field)
);

-- Duplicates inside one file by company + name (e-mail and phone are claimed in person_claims like any capture).
create table import_seen (
  import_id text not null references imports(id) on delete cascade,
  key text not null,
  lead_id text not null,
  primary key (import_id, key)
);

-- The list (tag) every imported lead carries.
create table lead_lists (
  lead_id text not null,
  list_name text not null,
  import_id text references imports(id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (lead_id, list_name)
);
create index lead_lists_name_idx on lead_lists (list_name);

-- Column mappings saved by name: header (as written in the file) -> lead field.
create table import_mappings (
  name text primary key,
  mapping jsonb not null,
  created_by text references users(id),
  updated_at timestamptz not null default now()
);

-- Dedupe of imports by company + name against existing leads.
create index if not exists leads_company_name_idx on leads (lower(company), lower(name)) where company is not null;

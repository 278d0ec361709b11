-- The rep workspace: lead finder (filters, sorts, saved views), accounts linked by name, inbox and board.
-- The finder always filters by who may see a lead (owner or team) and sorts by a column, so the indexes pair the
-- filter columns with created_at (the default sort) and keep open leads in a partial index of their own.

-- Another migration adds team_id too; both orders work.
alter table leads add column if not exists team_id text references teams(id);

-- The last contact with the lead is its newest visit (kept up to date when a visit is logged).
update leads l set last_visit_at = v.last
  from (select lead_id, max(occurred_at) as last from visits group by lead_id) v
 where v.lead_id = l.id and (l.last_visit_at is null or l.last_visit_at < v.last);

-- Account facts a lead is filtered by: take them from the account where the capture did not carry them.
update leads l set industry = coalesce(l.industry, a.industry), company_size = coalesce(l.company_size, a.company_size)
  from accounts a
 where a.id = l.account_id and ((l.industry is null and a.industry is not null) or (l.company_size is null and a.company_size is not null));

-- Accounts are matched by a normalised company name (case and whitespace insensitive) when the e-mail domain says nothing.
create index if not exists accounts_name_key_idx on accounts ((lower(regexp_replace(btrim(name), '\s+', ' ', 'g'))));
create index if not exists accounts_owner_idx on accounts (owner_id);

create index if not exists leads_owner_created_idx on leads (owner_id, created_at desc);
create index if not exists leads_team_created_idx on leads (team_id, created_at desc);
create index if not exists leads_account_idx on leads (account_id, created_at desc);
create index if not exists leads_stage_created_idx on leads (stage, created_at desc);
create index if not exists leads_status_created_idx on leads (status, created_at desc);
create index if not exists leads_grade_created_idx on leads (grade, created_at desc);
create index if not exists leads_source_created_idx on leads (source, created_at desc);
create index if not exists leads_country_created_idx on leads (country, created_at desc);
create index if not exists leads_industry_created_idx on leads (industry, created_at desc);
create index if not exists leads_interest_created_idx on leads (product_interest, created_at desc);
create index if not exists leads_score_idx on leads (score desc, created_at desc);
create index if not exists leads_updated_idx on leads (updated_at desc);
create index if not exists leads_last_visit_idx on leads (last_visit_at desc nulls last);
create index if not exists leads_company_size_idx on leads (company_size);
create index if not exists leads_name_idx on leads (name);
create index if not exists leads_company_idx on leads (company);
create index if not exists leads_open_created_idx on leads (created_at desc) where status in ('open', 'nurturing', 'qualified');
create index if not exists leads_open_owner_idx on leads (owner_id, stage) where status in ('open', 'nurturing', 'qualified');

-- Open tasks per lead (overdue filter, counts in the list) and per owner (inbox).
create index if not exists tasks_open_lead_idx on tasks (lead_id, due_at) where not done;
create index if not exists offers_lead_version_idx on offers (lead_id, version desc);
-- Colleague activity on an account: visits and offers by time.
create index if not exists visits_rep_idx on visits (rep_id, occurred_at desc);

-- A user's named finder views.
create table if not exists saved_views (
  id text primary key default gen_random_uuid()::text,
  user_id text not null references users(id),
  name text not null,
  filters jsonb not null default '{}',
  created_at timestamptz not null default now(),
  unique (user_id, name)
);

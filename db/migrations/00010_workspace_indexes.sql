-- The finder matches industry case-insensitively (lower(industry) = …): index that expression, not the raw column.
drop index if exists leads_industry_created_idx;
create index if not exists leads_industry_lower_created_idx on leads ((lower(industry)), created_at desc);

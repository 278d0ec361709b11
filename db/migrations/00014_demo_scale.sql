-- Reports at scale. The reports count in SQL by period; these indexes let the big scans read only an index
-- (index-only scans, the columns the reports group and filter by included), and the per-account questions
-- ("when was this account last visited", "does the viewer see a lead of it") answer from one index entry.
-- Figures are computed on request from the records (no rollups), so they are always current.

-- Leads by creation in a period (conversion, never contacted, overview), with what they are grouped and scoped by.
create index if not exists leads_period_idx on leads (created_at) include (owner_id, team_id, status, source, last_visit_at);
-- An account's newest visit (the newest of its leads') and whether the viewer sees one of its leads.
create index if not exists leads_account_visit_idx on leads (account_id, last_visit_at desc nulls last) include (owner_id, team_id) where account_id is not null;
-- Visits in a period, with who made them, on which lead, of which type.
create index if not exists visits_period_idx on visits (occurred_at) include (rep_id, lead_id, type, offer_id);
-- Offers that went out (drafts aside) per lead: "became an offer" for leads and visits.
create index if not exists offers_out_lead_idx on offers (lead_id) include (created_at) where status <> 'draft';

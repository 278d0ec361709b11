-- Behavioural events (e-mail opens and clicks, page visits, downloads, webinars) recorded on a lead, from partners
-- (POST /api/events) and from the tracking of the mail the product sends (open pixel, click redirect).

create table behaviour_events (
  -- Who sent it ('key:<api key id>', or 'mail' for tracked mail) and its id there: a repeat is the same event.
  source text not null,
  event_id text not null,
  lead_id text not null,
  type text not null check (type in ('email_open', 'email_click', 'page_visit', 'download', 'webinar_attended')),
  occurred_at timestamptz not null,
  details jsonb not null default '{}',
  received_at timestamptz not null default now(),
  -- Set once the lead's workflow was told (a repeat of an event whose signal was lost tells it again).
  signalled_at timestamptz,
  primary key (source, event_id)
);
-- The scoring facts count a lead's events per type over the last 30 days.
create index behaviour_events_lead_idx on behaviour_events (lead_id, type, occurred_at desc);

-- The links of a tracked mail: a click token names the mail and the link's number, and only that URL is redirected to.
create table mail_links (
  mail_id text not null,
  idx integer not null check (idx >= 0),
  url text not null,
  primary key (mail_id, idx)
);

-- Which partner captured a lead (the leads a partner key may send events for).
create index if not exists capture_inbox_lead_idx on capture_inbox (lead_id);

-- National phone numbers of a capture without a country are read in this country (E.164 dedupe).
insert into settings (key, value) values ('default_phone_country', '"DE"') on conflict (key) do nothing;

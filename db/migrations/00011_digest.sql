-- Daily digest: each user chooses whether and at which local hour the morning e-mail comes.
alter table users add column if not exists digest_enabled boolean not null default true;
alter table users add column if not exists digest_hour smallint not null default 7 check (digest_hour between 0 and 23);
alter table users add column if not exists time_zone text not null default 'UTC';

-- E-mail templates an admin can edit. Built-in templates are inserted from the code on first use and are
-- never overwritten; the mail activity renders the stored row when there is one, the built-in otherwise.
create table if not exists mail_templates (
  name text primary key check (name ~ '^[a-z][a-z0-9_]{0,62}$'),
  subject text not null,
  body_text text not null,
  body_html text,
  updated_by text references users(id),
  updated_at timestamptz not null default now()
);

-- Account classes (the A/B/C importance of an account; code = lower-case importance) become a configured constant list like product interests.
-- The check is extended rather than rewritten, so categories an earlier migration added stay allowed.
do $$
declare def text;
begin
  select pg_get_constraintdef(oid) into def from pg_constraint where conname = 'constants_category_check';
  if def is not null and position('account_class' in def) = 0 then
    execute 'alter table constants drop constraint constants_category_check';
    execute 'alter table constants add constraint constants_category_check '
      || replace(def, '''product_interest''::text', '''product_interest''::text, ''account_class''::text');
  end if;
end $$;

insert into constants (category, code, label, sort) values
  ('account_class', 'a', 'A — key account', 0),
  ('account_class', 'b', 'B — growth account', 1),
  ('account_class', 'c', 'C — standard account', 2)
on conflict do nothing;

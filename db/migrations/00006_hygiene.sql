-- Disqualification reasons become configured constants like loss and rejection reasons, so the API can check them.
alter table constants drop constraint if exists constants_category_check;
alter table constants add constraint constants_category_check check (category in
  ('visit_type', 'visit_status', 'loss_reason', 'rejection_reason', 'product_interest', 'disqualify_reason'));

insert into constants (category, code, label, sort) values
  ('disqualify_reason', 'no_need', 'No need', 0),
  ('disqualify_reason', 'no_budget', 'No budget', 1),
  ('disqualify_reason', 'no_authority', 'Not a decision maker', 2),
  ('disqualify_reason', 'wrong_contact', 'Wrong or invalid contact', 3),
  ('disqualify_reason', 'competitor', 'Competitor or partner', 4),
  ('disqualify_reason', 'spam', 'Spam', 5),
  ('disqualify_reason', 'other', 'Other', 6)
on conflict do nothing;

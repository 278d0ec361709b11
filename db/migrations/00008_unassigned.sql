-- Unassignable leads: when routing finds no rep with capacity the lead keeps the team routing chose
-- (leads.team_id, no owner) and waits in that team's unassigned queue; its reminders go to the team's manager.
-- A task given to the manager only because the lead had no owner is marked, so it moves to the rep who finally
-- gets the lead (escalations, meant for the manager, stay with the manager).
alter table tasks add column stands_in_for_owner boolean not null default false;

-- The unassigned queue of a team (and the leads to wake when capacity frees), oldest first.
create index if not exists leads_unassigned_idx on leads (team_id, created_at) where owner_id is null;
-- Manager scope: the teams a user manages, and the members of those teams.
create index if not exists teams_manager_idx on teams (manager_id);
create index if not exists users_team_idx on users (team_id);

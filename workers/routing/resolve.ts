/**
 * Resolves a routing strategy (the event of the matched routing rule) to a rep, against `users` and `teams`.
 * Round-robin positions are taken atomically in Postgres, so any number of workers may resolve at once.
 *
 * @example
 * ```ts
 * const a = await resolveAssignee(sql, { type: 'round_robin', team: 'team-dach' }, { id: lead.id, country: 'DE' });
 * // { userId: 'u-anna', teamId: 'team-dach', how: 'round robin in team team-dach (2 reps)' } | null
 * const b = await assignLeadAtomically(sql, lead.id, { type: 'capacity', team: 'team-dach' }, lead);
 * // capacity re-checked under row locks, leads.owner_id set in the same transaction
 * ```
 */
import type { Sql } from '../../db/client';
import type { RoutingStrategy } from '../../rules/schema';
import { resolveAccountAffinity } from './account-affinity';
import { resolveCapacity } from './capacity';
import { resolveRoundRobin } from './round-robin';
import { resolveTerritory } from './territory';
import { resolveWeighted } from './weighted';

export interface RoutingLead {
  id: string;
  country?: string | null;
}

/** A chosen rep, or none (`userId: null`) with the reason in `how` (e.g. 'all reps at capacity'). */
export type Assignment =
  | { userId: string; teamId: string | null; how: string }
  | { userId: null; teamId: string | null; how: string };

async function resolveNamed(sql: Sql, userId: string): Promise<Assignment> {
  const [u] = await sql<{ id: string; team_id: string | null }[]>`select id, team_id from users where id = ${userId} and active`;
  return u ? { userId: u.id, teamId: u.team_id, how: `named rep ${u.id}` } : { userId: null, teamId: null, how: `named user ${userId} is unknown or inactive` };
}

function resolveWith(sql: Sql, strategy: RoutingStrategy, lead: RoutingLead, lock: boolean): Promise<Assignment> {
  switch (strategy.type) {
    case 'named': return resolveNamed(sql, strategy.userId);
    case 'round_robin': return resolveRoundRobin(sql, strategy.team);
    case 'weighted': return resolveWeighted(sql, strategy.weights);
    case 'territory': return resolveTerritory(sql, lead.country);
    case 'capacity': return resolveCapacity(sql, strategy, { exceptLeadId: lead.id, lock });
    case 'account_affinity': return resolveAccountAffinity(sql, lead.id).then((a) => (a.userId || !strategy.then ? a : resolveWith(sql, strategy.then, lead, lock)));
  }
}

/** Like `resolveAssignee`, but says why when nobody can take the lead. */
export function resolveAssignment(sql: Sql, strategy: RoutingStrategy, lead: RoutingLead): Promise<Assignment> {
  return resolveWith(sql, strategy, lead, false);
}

/**
 * The rep a strategy picks for a lead, or null when nobody can take it (`resolveAssignment` gives the
 * reason). Advances round-robin pointers; does not assign the lead.
 */
export async function resolveAssignee(sql: Sql, strategy: RoutingStrategy, lead: RoutingLead): Promise<ChosenRep | null> {
  const a = await resolveAssignment(sql, strategy, lead);
  return a.userId === null ? null : a;
}

/** A rep chosen for a lead. */
export type ChosenRep = Extract<Assignment, { userId: string }>;

/**
 * Nobody could take the lead: an unowned lead still records the team routing chose (`leads.team_id`), so it
 * waits in that team's unassigned queue where the team's manager sees it. A lead that has an owner keeps it.
 */
async function keepTeamOfUnassigned(tx: Sql, leadId: string, teamId: string | null): Promise<void> {
  if (teamId) await tx`update leads set team_id = ${teamId}, updated_at = now() where id = ${leadId} and owner_id is null`;
}

/**
 * Resolves and assigns in one transaction: locks the lead, resolves (capacity: candidates locked and
 * re-counted), locks the chosen rep's row, and sets `leads.owner_id` / `team_id`. Returns the choice;
 * `userId: null` (with the reason in `how`) leaves the owner as it was; an unowned lead keeps the chosen team
 * (`teamId`), if any. Throws when the lead does not exist.
 */
export async function assignLeadWithReason(sql: Sql, leadId: string, strategy: RoutingStrategy, lead: Partial<RoutingLead> = {}): Promise<Assignment> {
  return sql.begin(async (transaction) => {
    // A transaction is a Sql for every query these helpers run.
    const tx = transaction as unknown as Sql;
    const [row] = await tx<{ id: string; country: string | null }[]>`select id, country from leads where id = ${leadId} for update`;
    if (!row) throw new Error(`lead ${leadId} not found`);
    const country = lead.country !== undefined ? lead.country : row.country;
    const choice = await resolveWith(tx, strategy, { id: leadId, country }, true);
    if (choice.userId === null) {
      await keepTeamOfUnassigned(tx, leadId, choice.teamId);
      return choice;
    }
    // The chosen rep's row locked (still active) and the lead assigned in one statement.
    const [assigned] = await tx<{ id: string }[]>`
      with rep as (select id from users where id = ${choice.userId} and active for update)
      update leads set owner_id = ${choice.userId}, team_id = ${choice.teamId}, updated_at = now() where id = ${leadId} and exists (select 1 from rep)
      returning id`;
    if (!assigned) {
      await keepTeamOfUnassigned(tx, leadId, choice.teamId);
      return { userId: null, teamId: choice.teamId, how: `${choice.userId} was deactivated meanwhile` };
    }
    return choice;
  }) as Promise<Assignment>;
}

/**
 * `assignLeadWithReason`, answering null when nobody could take the lead (the lead then stays unassigned).
 * Use this from activities; concurrent calls never exceed a rep's capacity and never share a round-robin slot.
 */
export async function assignLeadAtomically(sql: Sql, leadId: string, strategy: RoutingStrategy, lead: Partial<RoutingLead> = {}): Promise<ChosenRep | null> {
  const a = await assignLeadWithReason(sql, leadId, strategy, lead);
  return a.userId === null ? null : a;
}

/**
 * Who answers for a lead: its owner, its team (the one routing chose, kept even when nobody could take the lead,
 * else the owner's team) and that team's manager. Tasks, reminders, escalations and the workflow's `managerId`
 * all resolve recipients here, so an escalation reaches the manager who can open the lead (api/auth/scope.ts
 * shows a manager the leads of every team they manage).
 */
import type { Sql } from '../../db/client';

export interface LeadResponsibles {
  ownerId: string | null;
  teamId: string | null;
  /** Active manager of the lead's team, or null. */
  managerId: string | null;
}

/** Undefined when the lead is not on the read side (yet). */
export async function responsiblesFor(sql: Sql, leadId: string): Promise<LeadResponsibles | undefined> {
  const [row] = await sql<{ owner_id: string | null; team_id: string | null; manager_id: string | null }[]>`
    select l.owner_id, coalesce(l.team_id, o.team_id) as team_id, m.id as manager_id
    from leads l
      left join users o on o.id = l.owner_id
      left join teams t on t.id = coalesce(l.team_id, o.team_id)
      left join users m on m.id = t.manager_id and m.active
    where l.id = ${leadId}`;
  return row && { ownerId: row.owner_id, teamId: row.team_id, managerId: row.manager_id };
}

/** A concrete person for a task or mail meant for the owner or the manager. */
export interface Recipient {
  userId: string;
  /** Which mail recipient (`to`) that person is for the lead. */
  role: 'owner' | 'manager';
  /** True when the manager stands in for an owner the lead does not have (yet). */
  standsInForOwner: boolean;
}

/**
 * Resolves `owner` / `manager` to a person: the owner, or the team's manager while the lead has no owner
 * (it waits in the team's unassigned queue); the manager, or the owner when the team has none. Null when the
 * lead has neither: nothing may then be created or "sent" for nobody.
 * @example recipientFor({ ownerId: null, teamId: 'team-dach', managerId: 'u-mia' }, 'owner') // { userId: 'u-mia', role: 'manager', standsInForOwner: true }
 */
export function recipientFor(r: LeadResponsibles | undefined, wanted: 'owner' | 'manager'): Recipient | null {
  if (!r) return null;
  if (wanted === 'owner') {
    if (r.ownerId) return { userId: r.ownerId, role: 'owner', standsInForOwner: false };
    return r.managerId ? { userId: r.managerId, role: 'manager', standsInForOwner: true } : null;
  }
  if (r.managerId) return { userId: r.managerId, role: 'manager', standsInForOwner: false };
  return r.ownerId ? { userId: r.ownerId, role: 'owner', standsInForOwner: false } : null;
}

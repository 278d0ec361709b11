/**
 * Who may receive leads: active reps (role `rep`, `active`), always ordered by id so that a round-robin
 * position means the same rep in every worker.
 */
import type { Sql } from '../../db/client';

export interface Rep {
  id: string;
  teamId: string | null;
  capacity: number;
  routingWeight: number;
  territory: string[];
}

interface RepRow { id: string; team_id: string | null; capacity: number; routing_weight: number; territory: string[] }
const toRep = (r: RepRow): Rep => ({ id: r.id, teamId: r.team_id, capacity: r.capacity, routingWeight: r.routing_weight, territory: r.territory });

/** Lead statuses that count against a rep's capacity. */
export const OPEN_LEAD_STATUSES = ['open', 'nurturing', 'qualified'] as const;

export async function teamReps(sql: Sql, teamId: string): Promise<Rep[]> {
  const rows = await sql<RepRow[]>`
    select id, team_id, capacity, routing_weight, territory from users
    where team_id = ${teamId} and role = 'rep' and active order by id`;
  return rows.map(toRep);
}

export async function repsByIds(sql: Sql, ids: readonly string[]): Promise<Rep[]> {
  if (ids.length === 0) return [];
  const rows = await sql<RepRow[]>`
    select id, team_id, capacity, routing_weight, territory from users
    where id in ${sql(ids as string[])} and role = 'rep' and active order by id`;
  return rows.map(toRep);
}

export async function allReps(sql: Sql): Promise<Rep[]> {
  const rows = await sql<RepRow[]>`
    select id, team_id, capacity, routing_weight, territory from users where role = 'rep' and active order by id`;
  return rows.map(toRep);
}

/** Open leads per rep (leads counting against capacity), optionally not counting `exceptLeadId`. */
export async function openLeadCounts(sql: Sql, repIds: readonly string[], exceptLeadId?: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>(repIds.map((id) => [id, 0]));
  if (repIds.length === 0) return counts;
  const rows = await sql<{ owner_id: string; n: number }[]>`
    select owner_id, count(*)::int as n from leads
    where owner_id in ${sql(repIds as string[])} and status in ${sql(OPEN_LEAD_STATUSES as unknown as string[])}
      and id <> ${exceptLeadId ?? ''}
    group by owner_id`;
  for (const r of rows) counts.set(r.owner_id, r.n);
  return counts;
}

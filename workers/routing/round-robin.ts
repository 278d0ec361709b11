/**
 * Round robin over an ordered list of reps. The pointer lives in `routing_pointers` and is advanced by one
 * atomic upsert, so concurrent leads on any number of workers each get their own position: N leads over
 * k reps give every rep exactly N/k (±1 when k does not divide N).
 */
import type { Sql } from '../../db/client';
import { teamReps, type Rep } from './candidates';

/** Takes the next position of a pointer (0 on its first use). */
export async function nextPosition(sql: Sql, scope: string): Promise<number> {
  const [row] = await sql<{ position: number }[]>`
    insert into routing_pointers (scope, position) values (${scope}, 0)
    on conflict (scope) do update set position = routing_pointers.position + 1
    returning position`;
  return Number(row!.position);
}

/** The rep at the next position of `scope` among `reps` (ordered by id); null when the list is empty. */
export async function pickRoundRobin(sql: Sql, scope: string, reps: readonly Rep[]): Promise<Rep | null> {
  if (reps.length === 0) return null;
  const position = await nextPosition(sql, scope);
  return reps[position % reps.length]!;
}

export const teamScope = (teamId: string) => `team:${teamId}`;

/** Round robin inside a team: its active reps, ordered by id. */
export async function resolveRoundRobin(sql: Sql, teamId: string) {
  const reps = await teamReps(sql, teamId);
  const rep = await pickRoundRobin(sql, teamScope(teamId), reps);
  if (!rep) return { userId: null, teamId, how: `team ${teamId} has no active reps` } as const;
  return { userId: rep.id, teamId: rep.teamId ?? teamId, how: `round robin in team ${teamId} (${reps.length} reps)` } as const;
}

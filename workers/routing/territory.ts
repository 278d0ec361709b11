/**
 * Territory routing: the team whose territory contains the lead's country (named territories such as DACH
 * are expanded), then round robin inside it. Without such a team, reps whose own territory covers the
 * country share the lead by round robin.
 */
import type { Sql } from '../../db/client';
import { expandTerritories } from '../../rules/territories';
import { allReps } from './candidates';
import { pickRoundRobin, resolveRoundRobin } from './round-robin';

export async function resolveTerritory(sql: Sql, country: string | null | undefined) {
  if (!country) return { userId: null, teamId: null, how: 'the lead has no country' } as const;
  const code = country.toUpperCase();
  const teams = await sql<{ id: string; territory: string[] }[]>`select id, territory from teams order by id`;
  const team = teams.find((t) => expandTerritories(t.territory).has(code));
  if (team) {
    const r = await resolveRoundRobin(sql, team.id);
    return { ...r, how: `territory ${code} → team ${team.id}: ${r.how}` } as const;
  }
  const reps = (await allReps(sql)).filter((r) => expandTerritories(r.territory).has(code));
  const rep = await pickRoundRobin(sql, `territory:${code}`, reps);
  if (!rep) return { userId: null, teamId: null, how: `no team or rep covers territory ${code}` } as const;
  return { userId: rep.id, teamId: rep.teamId, how: `territory ${code} → rep territory, round robin (${reps.length} reps)` } as const;
}

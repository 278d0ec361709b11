/**
 * Capacity-aware routing: reps whose open leads (status open/nurturing/qualified) reached their `capacity`
 * are skipped; among the others the lead goes round robin. When every candidate is full there is no
 * assignee ("all reps at capacity") and the caller decides (queue, escalate).
 *
 * Without `lock` the answer is advisory (a concurrent assignment may fill the rep meanwhile). With `lock`
 * (inside a transaction that then assigns the lead, see `assignLeadAtomically`) the candidates' user rows are
 * locked in id order before counting, so the count is exact and concurrent assignments can never push a rep
 * over capacity; the fixed lock order rules out deadlocks between overlapping candidate lists.
 */
import { createHash } from 'node:crypto';
import type { Sql } from '../../db/client';
import type { RoutingStrategy } from '../../rules/schema';
import { allReps, openLeadCounts, repsByIds, teamReps, type Rep } from './candidates';
import { nextPosition } from './round-robin';

type CapacityStrategy = Extract<RoutingStrategy, { type: 'capacity' }>;

async function candidates(sql: Sql, s: CapacityStrategy): Promise<{ reps: Rep[]; scope: string; label: string }> {
  if (s.userIds) {
    const reps = (await repsByIds(sql, s.userIds)).filter((r) => !s.team || r.teamId === s.team);
    const key = createHash('sha256').update([...s.userIds].sort().join(',')).digest('hex').slice(0, 16);
    return { reps, scope: `capacity:users:${key}`, label: `${s.userIds.length} listed reps` };
  }
  if (s.team) return { reps: await teamReps(sql, s.team), scope: `capacity:team:${s.team}`, label: `team ${s.team}` };
  return { reps: await allReps(sql), scope: 'capacity:all', label: 'all reps' };
}

export async function resolveCapacity(sql: Sql, s: CapacityStrategy, opts: { exceptLeadId?: string; lock?: boolean } = {}) {
  const { reps, scope, label } = await candidates(sql, s);
  if (reps.length === 0) return { userId: null, teamId: s.team ?? null, how: `no active reps in ${label}` } as const;
  if (opts.lock) {
    const ids = reps.map((r) => r.id);
    const locked = await sql<{ id: string; capacity: number }[]>`
      select id, capacity from users where id in ${sql(ids)} and role = 'rep' and active order by id for update`;
    const fresh = new Map(locked.map((r) => [r.id, r.capacity]));
    for (const r of reps) r.capacity = fresh.get(r.id) ?? -1; // -1: deactivated meanwhile, never eligible
  }
  const counts = await openLeadCounts(sql, reps.map((r) => r.id), opts.exceptLeadId);
  const open = reps.filter((r) => r.capacity >= 0 && (counts.get(r.id) ?? 0) < r.capacity);
  // The lead then waits in the team's unassigned queue: the named team, or the one all listed reps belong to.
  const teams = new Set(reps.map((r) => r.teamId));
  const waitingTeam = s.team ?? (teams.size === 1 ? [...teams][0]! : null);
  if (open.length === 0) return { userId: null, teamId: waitingTeam, how: 'all reps at capacity' } as const;
  const position = await nextPosition(sql, scope);
  // Rotate over all candidates (not only the open ones) so a rep's turn does not shift when another fills up.
  for (let k = 0; k < reps.length; k++) {
    const rep = reps[(position + k) % reps.length]!;
    if (open.includes(rep)) {
      const n = counts.get(rep.id) ?? 0;
      return { userId: rep.id, teamId: rep.teamId, how: `capacity-aware round robin in ${label}: ${n + 1}/${rep.capacity} open leads` } as const;
    }
  }
  return { userId: null, teamId: waitingTeam, how: 'all reps at capacity' } as const;
}

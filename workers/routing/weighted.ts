/**
 * Weighted random choice. Randomness is fine here: the choice is an activity result, recorded in the
 * lead's history, so a replay reads it back instead of drawing again.
 */
import { randomInt } from 'node:crypto';
import type { Sql } from '../../db/client';
import { repsByIds } from './candidates';

/** Picks an index with probability weight / sum; `draw` returns an integer in [0, total). */
export function pickWeighted(weights: readonly number[], draw: (total: number) => number = (t) => randomInt(t)): number {
  // Integer ticks (weights to 1/1000) keep randomInt exact and the choice independent of float rounding.
  const ticks = weights.map((w) => Math.max(0, Math.round(w * 1000)));
  const total = ticks.reduce((a, b) => a + b, 0);
  if (total <= 0) return -1;
  let r = draw(total);
  for (let i = 0; i < ticks.length; i++) {
    if (r < ticks[i]!) return i;
    r -= ticks[i]!;
  }
  return ticks.length - 1;
}

/** Weighted random over the listed users that are active reps; weights as given by the strategy. */
export async function resolveWeighted(sql: Sql, weights: readonly { userId: string; weight: number }[]) {
  const reps = new Map((await repsByIds(sql, weights.map((w) => w.userId))).map((r) => [r.id, r]));
  const eligible = weights.filter((w) => reps.has(w.userId));
  const i = pickWeighted(eligible.map((w) => w.weight));
  if (i < 0) return { userId: null, teamId: null, how: 'no active rep among the weighted users' } as const;
  const chosen = reps.get(eligible[i]!.userId)!;
  const total = eligible.reduce((a, w) => a + w.weight, 0);
  return { userId: chosen.id, teamId: chosen.teamId, how: `weighted random (weight ${eligible[i]!.weight} of ${total})` } as const;
}

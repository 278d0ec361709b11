// What the records can hold, as plain numbers and pure checks (no zod): the API's schemas and the workflow's update
// validators apply the same bounds, so a value the database cannot store is refused before anything runs.

/** Largest amount a `numeric(14, 2)` column holds (opportunity amounts, offer and line totals, unit prices). */
export const MAX_AMOUNT = 999_999_999_999.99;
/** Largest value of a Postgres `integer` (versions, quantities, counters). */
export const MAX_INT4 = 2_147_483_647;
/** The earliest date a visit may carry. */
export const MIN_VISIT_DATE = '2000-01-01T00:00:00.000Z';
/** How far ahead a visit may be dated (a planned appointment), in milliseconds. */
export const MAX_VISIT_AHEAD_MS = 366 * 24 * 3_600_000;

/** True when `v` has at most two decimals (cents), as written in JSON. */
export function isCents(v: number): boolean {
  return Number.isFinite(v) && /^-?\d+(\.\d{1,2})?$/.test(String(v));
}

/** Rounds to cents the way the database stores `numeric(_, 2)`. */
export function toCents(v: number): number {
  return Math.round(v * 100) / 100;
}

/** The total of an offer's lines, in cents, as stored (each line rounded, then summed). */
export function offerTotal(lines: readonly { quantity: number; unitPrice: number }[]): number {
  return toCents(lines.reduce((sum, l) => sum + toCents(l.quantity * l.unitPrice), 0));
}

/**
 * Why a visit date is refused, or undefined when it is fine: between 2000-01-01 and a year after `nowMs`.
 * @example visitDateProblem('9999-01-01T00:00:00Z', Date.UTC(2026, 0, 1)) // 'must not be more than a year ahead'
 */
export function visitDateProblem(iso: string, nowMs: number): string | undefined {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return 'must be a date-time';
  if (t < new Date(MIN_VISIT_DATE).getTime()) return 'must not be before 2000-01-01';
  if (t > nowMs + MAX_VISIT_AHEAD_MS) return 'must not be more than a year ahead';
  return undefined;
}

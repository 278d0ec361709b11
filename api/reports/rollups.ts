import type { Sql } from '../../db/client';

// Reading the report rollups (migration 00021): every rollup keeps a row per day (grain 'd') and per month (grain 'm')
// of the date it counts by, kept current by triggers in the same transaction as the write. A period [start, end) of
// whole UTC days reads the whole months inside it from the month rows and the days at its two edges from the day rows,
// so a year reads about twelve months of rows plus at most two months of days, however many records it counts.

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const monthStart = (t: number, plus = 0) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1);
};

/** The first instant of the UTC day `d` falls in. */
export const dayStart = (d: Date) => new Date(Math.floor(d.getTime() / DAY) * DAY);

/**
 * The rollup rows (alias `alias`) that cover [start, end): both must be UTC midnights (report and dashboard periods
 * are whole days). Anything else is refused rather than miscounted.
 */
export function inBuckets(sql: Sql, alias: string, start: Date, end: Date) {
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`rollup alias must be a plain identifier, got ${JSON.stringify(alias)}`);
  const s = start.getTime();
  const e = end.getTime();
  if (s % DAY !== 0 || e % DAY !== 0) throw new Error('a rollup period must start and end at midnight UTC');
  const grain = sql.unsafe(`${alias}.grain`);
  const bucket = sql.unsafe(`${alias}.bucket`);
  if (e <= s) return sql`false`;
  const m1 = monthStart(s) === s ? s : monthStart(s, 1);
  const m2 = monthStart(e);
  if (m1 >= m2) return sql`(${grain} = 'd' and ${bucket} >= ${iso(s)}::date and ${bucket} < ${iso(e)}::date)`;
  return sql`((${grain} = 'm' and ${bucket} >= ${iso(m1)}::date and ${bucket} < ${iso(m2)}::date)
    or (${grain} = 'd' and ((${bucket} >= ${iso(s)}::date and ${bucket} < ${iso(m1)}::date) or (${bucket} >= ${iso(m2)}::date and ${bucket} < ${iso(e)}::date))))`;
}

/** Counts of all time: every month row. */
export function allBuckets(sql: Sql, alias: string) {
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`rollup alias must be a plain identifier, got ${JSON.stringify(alias)}`);
  return sql`${sql.unsafe(`${alias}.grain`)} = 'm'`;
}

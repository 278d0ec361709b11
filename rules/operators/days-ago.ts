const DAY_MS = 86_400_000;

/** Age in days of a date fact (ISO string, epoch ms or Date) at `now`; NaN when the fact is not a date. */
export function daysAgo(factValue: unknown, now: Date): number {
  let t: number;
  if (typeof factValue === 'string') t = Date.parse(factValue);
  else if (factValue instanceof Date) t = factValue.getTime();
  else if (typeof factValue === 'number') t = factValue;
  else return Number.NaN;
  return (now.getTime() - t) / DAY_MS;
}

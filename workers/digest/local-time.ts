/** Calendar arithmetic in a user's time zone with the runtime's Intl data (no library needed for days and hours). */

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The local calendar date (YYYY-MM-DD) and hour of an instant in a time zone.
 * @example localParts(new Date('2026-11-30T06:00:00Z'), 'Europe/Berlin') // { date: '2026-11-30', hour: 7 }
 */
export function localParts(at: Date, timeZone: string): { date: string; hour: number } {
  const p = Object.fromEntries(partsFormatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function offsetMs(at: Date, timeZone: string): number {
  const p = Object.fromEntries(partsFormatter(timeZone).formatToParts(at).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant a local calendar day starts (its midnight, or the first hour after a DST gap), `days` after `date`.
 * @example startOfLocalDay('2026-11-30', 'Europe/Berlin') // 2026-11-29T23:00:00.000Z
 */
export function startOfLocalDay(date: string, timeZone: string, days = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d + days);
  const first = guess - offsetMs(new Date(guess), timeZone);
  return new Date(guess - offsetMs(new Date(first), timeZone));
}

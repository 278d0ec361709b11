/**
 * Named sales territories usable with the `inTerritory` operator, next to plain ISO-3166 alpha-2 codes.
 *
 * @example
 * ```ts
 * expandTerritories(['DACH', 'FR']); // Set { 'DE', 'AT', 'CH', 'FR' }
 * ```
 */
export const territories: Readonly<Record<string, readonly string[]>> = {
  DACH: ['DE', 'AT', 'CH'],
  NORDICS: ['SE', 'NO', 'DK', 'FI', 'IS'],
  BENELUX: ['BE', 'NL', 'LU'],
  UKI: ['GB', 'IE'],
  IBERIA: ['ES', 'PT'],
  FRANCE: ['FR', 'MC'],
  ITALY: ['IT', 'SM', 'VA'],
  CEE: ['PL', 'CZ', 'SK', 'HU', 'SI', 'HR', 'RO', 'BG'],
  NA: ['US', 'CA'],
};

/** ISO-2 shape check; we do not ship the full country list, the territory names cover the product's markets. */
export const isoCountryPattern = /^[A-Z]{2}$/;

/** True when `code` is a named territory or looks like an ISO-2 country code. */
export function isTerritoryOrCountry(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(territories, code) || isoCountryPattern.test(code);
}

const expansionCache = new Map<string, ReadonlySet<string>>();

/**
 * Expands a list of territory names and country codes into a set of country codes. Cached by content
 * because json-rules-engine clones condition values on every run, so identity caching would never hit.
 */
export function expandTerritories(list: readonly unknown[]): ReadonlySet<string> {
  const key = list.join('|');
  let set = expansionCache.get(key);
  if (!set) {
    const out = new Set<string>();
    for (const item of list) {
      const code = String(item).toUpperCase();
      const members = Object.prototype.hasOwnProperty.call(territories, code) ? territories[code] : undefined;
      if (members) for (const m of members) out.add(m);
      else out.add(code);
    }
    set = out;
    if (expansionCache.size > 1000) expansionCache.clear(); // bound memory for ad-hoc documents
    expansionCache.set(key, set);
  }
  return set;
}

/**
 * Prints rows as an aligned text table (numbers right-aligned). Generic; used by benchmarks.
 *
 * @example
 * ```ts
 * printTable([{ evaluator: 'compiled', 'leads/s': 1_200_000 }]);
 * ```
 */
export function formatTable(rows: readonly Record<string, string | number>[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  const cell = (v: string | number | undefined) =>
    typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 3 })) : (v ?? '');
  const text = rows.map((r) => cols.map((c) => cell(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...text.map((t) => t[i].length)));
  const numeric = cols.map((c) => rows.every((r) => typeof r[c] === 'number'));
  const line = (vals: string[]) => vals.map((v, i) => (numeric[i] ? v.padStart(width[i]) : v.padEnd(width[i]))).join('  ').trimEnd();
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

export function printTable(rows: readonly Record<string, string | number>[]): void {
  console.log(formatTable(rows));
}

import type { ReportTable } from './schemas';

/**
 * One thing a report counts: a lead, an account, a visit, an offer or an order, with what the report groups it by
 * (`tags`). Every number of a report is a count (or sum) of facts, so the list behind a number is exactly the facts
 * it counted.
 */
export interface Fact {
  kind: 'lead' | 'account' | 'visit' | 'offer' | 'order';
  id: string;
  leadId: string | null;
  accountId: string | null;
  label: string;
  repId: string | null;
  repName: string | null;
  at: Date | null;
  detail: string | null;
  value: number | null;
  tags: Record<string, string | number | boolean | null>;
  /** How many records this fact stands for: a report's figures are read as groups counted in SQL (`n` records, `value`
   * their sum); the list behind a number reads single records (n absent = 1). */
  n?: number;
}

/** A column of a report table: facts it counts (or sums), or a rate of two other columns. */
export type Measure =
  | { key: string; label: string; counts: (f: Fact) => boolean; sum?: 'value'; finder?: (row: string) => Record<string, string> | null }
  | { key: string; label: string; rate: [numerator: string, denominator: string] };

/** A table: facts grouped into rows (a fact may fall in no row), one column per measure, optionally a total row. */
export interface TableDef {
  id: string;
  title: string;
  rowLabel: string;
  group: (f: Fact) => { key: string; label: string } | null;
  /** Rows shown even without facts, in this order (others follow, sorted by label). */
  fixedRows?: { key: string; label: string }[];
  measures: Measure[];
  total?: boolean;
}

const TOTAL = '_total';

/** The drill key of a cell: which table, row and column; the items endpoint answers the facts behind it. */
export const drillKey = (table: string, row: string, column: string) => `${table}|${row}|${column}`;

/** Groups facts into the table's rows and counts each column; `finderQuery` turns finder filters into a link. */
export function buildTable(def: TableDef, facts: Fact[], finderQuery: (filters: Record<string, string>) => string | null): ReportTable {
  const rows = new Map<string, { key: string; label: string; facts: Fact[] }>();
  for (const r of def.fixedRows ?? []) rows.set(r.key, { ...r, facts: [] });
  const extra: string[] = [];
  for (const f of facts) {
    const g = def.group(f);
    if (!g) continue;
    let row = rows.get(g.key);
    if (!row) {
      row = { ...g, facts: [] };
      rows.set(g.key, row);
      extra.push(g.key);
    }
    row.facts.push(f);
  }
  const fixed = (def.fixedRows ?? []).map((r) => r.key);
  const others = extra.sort((a, b) => rows.get(a)!.label.localeCompare(rows.get(b)!.label) || a.localeCompare(b));
  const ordered = [...fixed, ...others].map((k) => rows.get(k)!);
  if (def.total) ordered.push({ key: TOTAL, label: 'Total', facts: ordered.flatMap((r) => r.facts) });
  return {
    id: def.id, title: def.title, rowLabel: def.rowLabel,
    columns: def.measures.map((m) => ({ key: m.key, label: m.label, kind: 'rate' in m ? 'rate' as const : m.sum ? 'sum' as const : 'count' as const })),
    rows: ordered.map((r) => {
      const cells: ReportTable['rows'][number]['cells'] = {};
      for (const m of def.measures) {
        if ('rate' in m) continue;
        const hit = r.facts.filter(m.counts);
        const value = m.sum ? round2(hit.reduce((s, f) => s + (f.value ?? 0), 0)) : hit.reduce((s, f) => s + (f.n ?? 1), 0);
        const finder = r.key === TOTAL ? null : m.finder?.(r.key);
        cells[m.key] = { value, drill: drillKey(def.id, r.key, m.key), finder: finder ? finderQuery(finder) : null };
      }
      for (const m of def.measures) {
        if (!('rate' in m)) continue;
        const num = cells[m.rate[0]]?.value ?? 0;
        const den = cells[m.rate[1]]?.value ?? 0;
        cells[m.key] = { value: den ? Math.round((num / den) * 1000) / 10 : null, drill: null, finder: null };
      }
      return { key: r.key, label: r.label, cells };
    }),
  };
}

/** The facts behind one cell (drill key from `drillKey`), or null when the key names no counted cell. */
export function factsBehind(defs: TableDef[], facts: Fact[], key: string): { title: string; facts: Fact[] } | null {
  const [tableId, rowKey, column] = key.split('|');
  const def = defs.find((d) => d.id === tableId);
  const m = def?.measures.find((x) => x.key === column);
  if (!def || !m || 'rate' in m || rowKey === undefined) return null;
  const inRow = (f: Fact) => {
    const g = def.group(f);
    return !!g && (rowKey === TOTAL || g.key === rowKey);
  };
  const hit = facts.filter((f) => inRow(f) && m.counts(f));
  const rowLabel = rowKey === TOTAL ? 'Total' : (def.fixedRows?.find((r) => r.key === rowKey)?.label ?? hit.map((f) => def.group(f)!.label)[0] ?? rowKey);
  return { title: `${def.title}: ${rowLabel}, ${m.label}`, facts: hit };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

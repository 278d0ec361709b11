import type { Sql } from '../../db/client';

/** A statement as the client sent it: text and parameters (postgres.js `debug` hook). */
export interface Statement { query: string; params: unknown[] }

interface PlanNode {
  'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Total Time': number; 'Actual Rows': number; 'Actual Loops': number;
  Plans?: PlanNode[];
}

/** Time a node spent itself (its total minus its children's), over all its loops. */
function selfMs(n: PlanNode): number {
  const own = n['Actual Total Time'] * n['Actual Loops'];
  const kids = (n.Plans ?? []).reduce((s, c) => s + c['Actual Total Time'] * c['Actual Loops'], 0);
  return Math.max(0, own - kids);
}

function walk(n: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(n);
  for (const c of n.Plans ?? []) walk(c, out);
  return out;
}

const describe = (n: PlanNode) =>
  `${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}${n['Index Name'] ? ` using ${n['Index Name']}` : ''} (${Math.round(n['Actual Rows'] * n['Actual Loops']).toLocaleString('en-US')} rows, ${selfMs(n).toFixed(0)} ms)`;

/**
 * EXPLAIN ANALYZE of each statement; answers the slowest one's execution time and the plan nodes that spent the most
 * time themselves (what bounds it), as one line.
 * @example await explainSlowest(sql, statements) // "412 ms: Seq Scan on visits (5,000,000 rows, 301 ms); Hash Join (…)"
 */
export async function explainSlowest(sql: Sql, statements: Statement[]): Promise<string> {
  let worst: { ms: number; text: string } | null = null;
  for (const s of statements) {
    if (!/^\s*(select|with)\b/i.test(s.query)) continue;
    const [row] = await sql.unsafe(`explain (analyze, format json) ${s.query}`, s.params as never[]);
    const plan = (row as unknown as { 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] })['QUERY PLAN'][0];
    if (worst && worst.ms >= plan['Execution Time']) continue;
    const top = walk(plan.Plan).sort((a, b) => selfMs(b) - selfMs(a)).slice(0, 2);
    worst = { ms: plan['Execution Time'], text: `${plan['Execution Time'].toFixed(0)} ms: ${top.map(describe).join('; ')}` };
  }
  return worst?.text ?? 'no statement to explain';
}

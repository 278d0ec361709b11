/**
 * The facts a rule set reads (leaf facts and `{ fact }` references), so bulk callers can fetch only those.
 *
 * @example
 * ```ts
 * factsUsed(packs.routing); // Set { 'source', 'importance', 'country', 'stage' }
 * ```
 */
import { isFactReference, isLeaf, type Condition, type RuleSetDocument } from './schema';

function walk(c: Condition, out: Set<string>): void {
  if (isLeaf(c)) {
    out.add(c.fact);
    if (isFactReference(c.value)) out.add(c.value.fact);
  } else if ('all' in c) for (const x of c.all) walk(x, out);
  else if ('any' in c) for (const x of c.any) walk(x, out);
  else walk(c.not, out);
}

export function factsUsed(...docs: RuleSetDocument[]): Set<string> {
  const out = new Set<string>();
  for (const d of docs) for (const r of d.rules) walk(r.conditions, out);
  return out;
}

import { isLeaf, type Condition, type LeafCondition } from '../../../rules/schema';
import type { FactCatalog, FactView } from './types';

/** Operators named in words, as a sales manager would read them ("score is at least 60"). */
export const operatorWords: Record<string, string> = {
  equal: 'is', notEqual: 'is not', in: 'is one of', notIn: 'is none of', contains: 'contains', doesNotContain: 'does not contain',
  lessThan: 'is less than', lessThanInclusive: 'is at most', greaterThan: 'is more than', greaterThanInclusive: 'is at least',
  between: 'is between', containsAll: 'contains all of', containsAny: 'contains any of', daysAgoLessThan: 'is less than … days ago',
  daysAgoMoreThan: 'is more than … days ago', daysAgo: 'is … days ago', inTerritory: 'is in territory', matchesPattern: 'matches the pattern',
};
export const opWords = (name: string, label?: string) => operatorWords[name] ?? label ?? name;

export const allFacts = (c: FactCatalog) => c.entities.flatMap((e) => e.facts);
export const factLabel = (catalog: FactCatalog | undefined, name: string) => (catalog ? allFacts(catalog).find((f) => f.name === name)?.label : undefined) ?? name;

export function valueWords(v: unknown): string {
  if (Array.isArray(v)) return v.length === 2 && v.every((x) => typeof x === 'number') ? `${v[0]} and ${v[1]}` : v.map(String).join(', ');
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? `"${v}"` : String(v);
}

/** One comparison in words: `Score is at least 60`. */
export function leafWords(c: LeafCondition, catalog?: FactCatalog): string {
  const fact = factLabel(catalog, c.fact);
  if (c.operator.startsWith('daysAgo')) return `${fact} ${opWords(c.operator).replace('…', String(c.value))}`;
  return `${fact} ${opWords(c.operator)} ${valueWords(c.value)}`;
}

/** A whole condition tree in one line: `Score is at least 60 and (Country is "DE" or …)`. */
export function conditionWords(c: Condition, catalog?: FactCatalog): string {
  if (isLeaf(c)) return leafWords(c, catalog);
  if ('not' in c) return `not (${conditionWords(c.not as Condition, catalog)})`;
  const key = 'all' in c ? 'all' : 'any';
  const parts = ((c as Record<string, Condition[]>)[key] ?? []).map((x) => (isLeaf(x) ? conditionWords(x, catalog) : `(${conditionWords(x, catalog)})`));
  return parts.join(key === 'all' ? ' and ' : ' or ') || (key === 'all' ? 'always' : 'never');
}

export type { FactView };

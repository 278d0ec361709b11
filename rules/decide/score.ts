import type { ConditionTrace } from '../explain';
import type { ScoringRuleSet, ScoringSettings } from '../schema';
import { evaluateRules, explain, failureOf, type DecisionOptions, type Explanation } from './evaluate';

export type Grade = 'A' | 'B' | 'C';

export interface ScoreResult {
  score: number;
  grade: Grade;
  /** Sum of matched points before the cap. */
  rawPoints: number;
  capped: boolean;
  matched: { rule: string; points: number }[];
  unmatched: { rule: string; failed: ConditionTrace | null }[];
  explanation: Explanation;
}

/** Applies the cap and grade thresholds; shared with the compiled evaluator so both agree by construction. */
export function gradeOf(rawPoints: number, settings: ScoringSettings): { score: number; grade: Grade; capped: boolean } {
  const capped = settings.cap !== undefined && rawPoints > settings.cap;
  const score = capped ? (settings.cap as number) : rawPoints;
  const grade: Grade = score >= settings.grades.A ? 'A' : score >= settings.grades.B ? 'B' : 'C';
  return { score, grade, capped };
}

/**
 * Scores a lead: sums the points of every matched rule (document order), applies the cap, grades.
 *
 * @example
 * ```ts
 * const r = await scoreLead(packs.scoring, { country: 'DE', companySize: 250 }, { now: new Date() });
 * r.score; r.grade; r.unmatched[0].failed?.path; // 'conditions.all[0]'
 * ```
 */
export async function scoreLead(doc: ScoringRuleSet, facts: object, opts?: DecisionOptions): Promise<ScoreResult> {
  const evaluated = await evaluateRules(doc, facts, opts);
  const hits = evaluated.filter((e) => e.matched);
  let rawPoints = 0;
  for (const e of hits) rawPoints += e.rule.event.params.points; // document order, as the compiled evaluator
  return {
    ...gradeOf(rawPoints, doc.settings),
    rawPoints,
    matched: hits.map((e) => ({ rule: e.rule.name, points: e.rule.event.params.points })),
    unmatched: evaluated.filter((e) => !e.matched).map((e) => ({ rule: e.rule.name, failed: failureOf(e) ?? null })),
    explanation: explain(doc, hits),
  };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRouting, compileScoring, routeLead, scoreLead } from '../../rules';
import { factsArb, NOW, routingDocArb, scoringDocArb } from './arbitraries';

// 250 rule sets × 40 lead fact sets = 10,000 (rule set, facts) cases for scoring; routing adds 2,400 more.
const SCORING_DOCS = 250;
const ROUTING_DOCS = 80;
const LEADS_PER_DOC = 40;
const leadsArb = fc.array(factsArb, { minLength: LEADS_PER_DOC, maxLength: LEADS_PER_DOC });

describe('compiled evaluator ≡ json-rules-engine (differential)', () => {
  it('scoring: same score, grade, raw points and matched rules', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(scoringDocArb, leadsArb, async (doc, leads) => {
        const compiled = compileScoring(doc);
        for (const facts of leads) {
          const ref = await scoreLead(doc, facts, { now: NOW });
          const got = compiled(facts, { now: NOW });
          expect({ score: got.score, grade: got.grade, rawPoints: got.rawPoints, matched: got.matched }).toEqual({
            score: ref.score, grade: ref.grade, rawPoints: ref.rawPoints, matched: ref.matched.map((m) => m.rule),
          });
          cases++;
        }
      }),
      { numRuns: SCORING_DOCS, seed: 20250601 },
    );
    expect(cases).toBeGreaterThanOrEqual(10_000);
  }, 60_000);

  it('routing: same rule chosen (priority, then document order) and same strategy', async () => {
    await fc.assert(
      fc.asyncProperty(routingDocArb, leadsArb, async (doc, leads) => {
        const compiled = compileRouting(doc);
        for (const facts of leads) {
          const { explanation: _e, ...ref } = await routeLead(doc, facts, { now: NOW });
          expect(compiled(facts, { now: NOW })).toEqual(ref);
        }
      }),
      { numRuns: ROUTING_DOCS, seed: 7 },
    );
  }, 60_000);
});

import { describe, expect, it } from 'vitest';
import {
  checkConfiguration, compileMatcher, compileRouting, compileScoring, createRuleEngine, packs, remindersFor, routeLead, ruleSetDocumentSchema,
  scoreLead, type LeadFacts, type ScoringRuleSet,
} from '../../rules';

const now = new Date('2025-06-01T00:00:00Z');
const hotLead: LeadFacts = {
  country: 'DE', companySize: 250, industry: 'software', jobTitle: 'Head of IT', hasPhone: true, source: 'web',
  visitsLast30Days: 4, emailOpensLast14Days: 3, formSubmissions: 1, daysSinceLastVisit: 2, daysSinceCreated: 5,
};

describe('scoreLead', () => {
  it('sums matched points, grades, and explains the matched comparisons', async () => {
    const r = await scoreLead(packs.scoring, hotLead, { now });
    expect(r.rawPoints).toBe(79);
    expect(r.score).toBe(79);
    expect(r.grade).toBe('A');
    expect(r.capped).toBe(false);
    expect(r.matched).toContainEqual({ rule: 'core-market-dach', points: 15 });
    const dach = r.explanation.matched.find((m) => m.rule === 'core-market-dach');
    expect(dach?.conditions).toEqual([{ path: 'conditions.all[0]', fact: 'country', operator: 'inTerritory', expected: ['DACH'], actual: 'DE' }]);
    expect(r.explanation.ruleSet).toEqual({ id: 'scoring-default', name: 'Default lead scoring', kind: 'scoring' });
  });

  it('reports the first failing condition of each unmatched rule', async () => {
    const r = await scoreLead(packs.scoring, hotLead, { now });
    expect(r.unmatched.find((u) => u.rule === 'company-large')?.failed).toEqual({
      path: 'conditions.all[0]', fact: 'companySize', operator: 'greaterThanInclusive', expected: 500, actual: 250,
    });
    // under "not", the failure is the comparison that held
    expect(r.unmatched.find((u) => u.rule === 'repeat-form')?.failed).toMatchObject({ path: 'conditions.all[0]', fact: 'formSubmissions', actual: 1 });
    expect((await scoreLead(packs.scoring, { formSubmissions: 5, source: 'import' }, { now })).unmatched.find((u) => u.rule === 'repeat-form')?.failed)
      .toEqual({ path: 'conditions.all[1].not', fact: 'source', operator: 'equal', expected: 'import', actual: 'import', negated: true });
  });

  it('treats missing facts as undefined (a never-visited lead is not "recent") and applies the cap', async () => {
    const doc = ruleSetDocumentSchema.parse({
      name: 'cap', kind: 'scoring', settings: { cap: 20, grades: { A: 20, B: 10 } },
      rules: [
        { name: 'recent', conditions: { all: [{ fact: 'daysSinceLastVisit', operator: 'lessThan', value: 7 }] }, event: { type: 'score', params: { points: 15 } } },
        { name: 'any-lead', conditions: { not: { fact: 'country', operator: 'equal', value: 'XX' } }, event: { type: 'score', params: { points: 12 } } },
      ],
    }) as ScoringRuleSet;
    const never = await scoreLead(doc, {}, { now });
    expect(never.matched.map((m) => m.rule)).toEqual(['any-lead']);
    expect(never.unmatched[0].failed).toMatchObject({ fact: 'daysSinceLastVisit', actual: undefined });
    const both = await scoreLead(doc, { daysSinceLastVisit: 1 }, { now });
    expect(both).toMatchObject({ rawPoints: 27, score: 20, capped: true, grade: 'A' });
  });

  it('uses the injected clock for date operators, even with concurrent runs on the cached engine', async () => {
    const doc = ruleSetDocumentSchema.parse({
      name: 'age', kind: 'scoring',
      rules: [{ name: 'old', conditions: { all: [{ fact: 'createdAt', operator: 'daysAgoMoreThan', value: 30 }] }, event: { type: 'score', params: { points: 1 } } }],
    }) as ScoringRuleSet;
    const facts = { createdAt: '2025-05-01T00:00:00Z' };
    const [early, late] = await Promise.all([
      scoreLead(doc, facts, { now: new Date('2025-05-15T00:00:00Z') }),
      scoreLead(doc, facts, { now: new Date('2025-07-01T00:00:00Z') }),
    ]);
    expect([early.score, late.score]).toEqual([0, 1]);
    expect(late.explanation.matched[0].conditions[0]).toMatchObject({ operator: 'daysAgoMoreThan', expected: 30 });
    expect(createRuleEngine(doc)).toBe(createRuleEngine(doc)); // one engine per document
    expect(compileScoring(doc)(facts, { now: new Date('2025-07-01T00:00:00Z') }).score).toBe(1);
  });

  it('agrees with the compiled evaluator on the default pack', async () => {
    const compiled = compileScoring(packs.scoring);
    for (const lead of [hotLead, {}, { country: 'SE', jobTitle: 'student', emailDomain: 'gmail.com', daysSinceCreated: 90, visitsLast30Days: 0 }]) {
      const ref = await scoreLead(packs.scoring, lead, { now });
      expect(compiled(lead, { now })).toEqual({ score: ref.score, grade: ref.grade, rawPoints: ref.rawPoints, matched: ref.matched.map((m) => m.rule) });
    }
  });
});

describe('routeLead', () => {
  it('picks the highest-priority matching rule and returns its strategy', async () => {
    expect(await routeLead(packs.routing, { country: 'AT', stage: 'new' })).toMatchObject({ rule: 'dach', priority: 10, strategy: { type: 'round_robin', team: 'team-dach' } });
    const partner = await routeLead(packs.routing, { country: 'AT', source: 'partner', importance: 'A' });
    expect(partner).toMatchObject({ rule: 'partner-leads', strategy: { type: 'named', userId: 'u-anna' } });
    expect(partner.explanation.matched[0].conditions.map((c) => c.fact)).toEqual(['source', 'importance']);
    expect(await routeLead(packs.routing, { country: 'US' })).toMatchObject({ rule: 'fallback-weighted', strategy: { type: 'weighted' } });
  });

  it('returns rule null when nothing matches, and compiled routing agrees', async () => {
    const r = await routeLead(packs.routing, { stage: 'won' });
    expect(r).toMatchObject({ rule: null });
    expect(compileRouting(packs.routing)({ stage: 'won' })).toEqual({ rule: null });
    expect(compileRouting(packs.routing)({ country: 'NO' })).toMatchObject({ rule: 'nordics', strategy: { team: 'team-nordics' } });
  });

  it('breaks priority ties by document order', async () => {
    const doc = ruleSetDocumentSchema.parse({ name: 't', kind: 'routing', rules: ['first', 'second'].map((name) => ({
      name, priority: 5, conditions: { all: [{ fact: 'country', operator: 'equal', value: 'DE' }] }, event: { type: 'route', params: { strategy: { type: 'territory' } } },
    })) });
    if (doc.kind !== 'routing') throw new Error('kind');
    expect((await routeLead(doc, { country: 'DE' })).rule).toBe('first');
  });
});

describe('remindersFor', () => {
  it('lists matched reminders ordered by delay', async () => {
    const { reminders, explanation } = await remindersFor(packs.reminder, { stage: 'new', lastOfferStatus: 'sent' });
    expect(reminders).toEqual([
      { rule: 'contact-sla', delayHours: 48, recipient: 'owner', template: 'reminder', kind: 'contact_sla' },
      { rule: 'offer-confirmation', delayHours: 72, recipient: 'owner', template: 'offer_followup', kind: 'offer_confirmation' },
      { rule: 'contact-escalation', delayHours: 120, recipient: 'manager', template: 'escalation', kind: 'contact_escalation' },
    ]);
    expect(explanation.matched[0].conditions[1]).toMatchObject({ fact: 'visitsLast30Days', negated: true });
    expect((await remindersFor(packs.reminder, { stage: 'contacted', visitsLast30Days: 1 })).reminders).toEqual([]);
    expect(compileMatcher(packs.reminder)({ stage: 'new' })).toEqual(['contact-sla', 'contact-escalation']);
  });
});

describe('checkConfiguration', () => {
  it('reports violations and price adjustments', async () => {
    const bad = await checkConfiguration(packs.configurator, { product: 'crm-suite', options: ['on-prem', 'cloud', 'analytics'], quantity: 5, contractMonths: 12 });
    expect(bad.valid).toBe(false);
    expect(bad.violations.map((v) => v.rule)).toEqual(['on-prem-excludes-cloud', 'analytics-needs-10-seats']);
    expect(bad.adjustments).toEqual([{ rule: 'on-prem-setup-fee', label: 'On-prem installation', amount: 2500 }]);

    const good = await checkConfiguration(packs.configurator, { product: 'crm-suite', options: ['cloud', 'analytics'], quantity: 150, contractMonths: 36 });
    expect(good).toMatchObject({ valid: true, violations: [] });
    expect(good.adjustments.map((a) => a.percent)).toEqual([-10, -5]);
    expect(good.explanation.matched.map((m) => m.rule)).toEqual(['volume-discount', 'multi-year-discount']);
  });

  it('flags an out-of-range quantity and a missing deployment', async () => {
    const r = await checkConfiguration(packs.configurator, { product: 'crm-suite', options: [], quantity: 6000, contractMonths: 24 });
    expect(r.violations.map((v) => v.message)).toEqual(['Choose a deployment: cloud or on-prem.', 'Quantity must be between 1 and 5000 seats.']);
  });
});

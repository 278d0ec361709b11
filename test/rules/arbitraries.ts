/**
 * fast-check generators for the differential test: rule sets over a few facts of every type, and facts that
 * are often missing, undefined, null or of the wrong type, to exercise json-rules-engine's coercion quirks.
 */
import fc from 'fast-check';
import type { Condition, ConditionValue, ScoringRuleSet, RoutingRuleSet } from '../../rules';
import { ruleSetDocumentSchema } from '../../rules';

export const NOW = new Date('2025-06-01T12:00:00Z');

const FACTS = {
  number: ['companySize', 'visitsLast30Days', 'daysSinceLastVisit'],
  string: ['country', 'industry', 'jobTitle'],
  boolean: ['hasPhone'],
  date: ['createdAt'],
  'string[]': ['tags'],
} as const;
type T = keyof typeof FACTS;
const GHOST = 'neverProvided'; // a fact name no lead carries

const countries = ['DE', 'AT', 'CH', 'SE', 'FR', 'US', 'de'];
const words = ['software', 'finance', 'Head of IT', 'CTO', 'student', '', '12', '12abc', 'vip', 'trial'];
const smallNumber = fc.oneof(fc.integer({ min: -5, max: 600 }), fc.constantFrom(0, -0, 0.5, 1e21));

const valueOf: Record<T, fc.Arbitrary<unknown>> = {
  number: smallNumber,
  string: fc.constantFrom(...countries, ...words),
  boolean: fc.boolean(),
  date: fc.integer({ min: -400, max: 400 }).map((d) => new Date(NOW.getTime() - d * 86_400_000 + 3_600_000).toISOString()),
  'string[]': fc.array(fc.constantFrom('vip', 'trial', 'sso', 'cloud', 'DE'), { maxLength: 4 }),
};
const anyValue = fc.oneof(valueOf.number, valueOf.string, valueOf.boolean, valueOf['string[]'], fc.constant(null), fc.constant('7'), fc.constant('  '));

/** Facts: each catalog fact is missing, undefined, null, wrong-typed or of its own type. */
export const factsArb: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(...(Object.keys(FACTS) as T[]).flatMap((t) => FACTS[t].map((name) => fc.tuple(
    fc.constant(name),
    fc.oneof({ weight: 6, arbitrary: valueOf[t].map((v) => ({ v })) }, { weight: 1, arbitrary: fc.constant('missing' as const) },
      { weight: 1, arbitrary: fc.constant({ v: undefined }) }, { weight: 1, arbitrary: anyValue.map((v) => ({ v })) }),
  ))))
  .map((entries) => {
    const facts: Record<string, unknown> = {};
    for (const [name, slot] of entries) if (slot !== 'missing') facts[name] = slot.v;
    return facts;
  });

const factRef = (t: T) => fc.oneof(fc.constantFrom(...FACTS[t]), fc.constant(GHOST)).map((fact) => ({ fact }));
const list = <V>(a: fc.Arbitrary<V>) => fc.array(a, { minLength: 1, maxLength: 4 });

/** Operators and values per fact type (literal or `{ fact }` where the engine accepts one). */
const leafFor: Record<T, fc.Arbitrary<[string, ConditionValue]>> = {
  number: fc.oneof(
    fc.tuple(fc.constantFrom('equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'), fc.oneof(smallNumber, factRef('number'))),
    fc.tuple(fc.constantFrom('in', 'notIn'), list(smallNumber)),
    fc.tuple(fc.constant('between'), fc.tuple(smallNumber, smallNumber).map(([a, b]) => (a <= b ? [a, b] : [b, a]))),
  ),
  string: fc.oneof(
    fc.tuple(fc.constantFrom('equal', 'notEqual'), fc.oneof(valueOf.string as fc.Arbitrary<string>, factRef('string'))),
    fc.tuple(fc.constantFrom('in', 'notIn'), fc.oneof(list(valueOf.string as fc.Arbitrary<string>), fc.constant('DE,AT'))),
    fc.tuple(fc.constant('matchesPattern'), fc.constantFrom('^d', 'head|cto', '\\d+', 'soft', '(')),
    fc.tuple(fc.constant('inTerritory'), list(fc.constantFrom('DACH', 'NORDICS', 'FR', 'US'))),
  ),
  boolean: fc.tuple(fc.constantFrom('equal', 'notEqual'), fc.oneof(fc.boolean(), factRef('boolean'))),
  date: fc.tuple(fc.constantFrom('daysAgoMoreThan', 'daysAgoLessThan'), fc.integer({ min: 0, max: 365 })),
  'string[]': fc.oneof(
    fc.tuple(fc.constantFrom('contains', 'doesNotContain'), fc.oneof(fc.constantFrom('vip', 'trial', 'DE'), factRef('string'))),
    fc.tuple(fc.constantFrom('containsAny', 'containsAll'), list(fc.constantFrom('vip', 'trial', 'sso', 'cloud'))),
  ),
};

/** Any operator on any fact, including ones validation would refuse (e.g. `contains` on a string). */
const crossTypeLeaf = fc.tuple(fc.constantFrom(...(Object.keys(FACTS) as T[])), fc.constantFrom(...(Object.keys(FACTS) as T[])))
  .chain(([factType, opType]) => fc.tuple(fc.constantFrom(...FACTS[factType]), leafFor[opType]));

const leafArb: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...(Object.keys(FACTS) as T[])).chain((t) => fc.tuple(fc.constantFrom(...FACTS[t]), leafFor[t])) },
  { weight: 1, arbitrary: crossTypeLeaf },
).map(([fact, [operator, value]]) => ({ fact, operator, value }));

const { tree } = fc.letrec<{ tree: Condition; group: Condition }>((tie) => ({
  tree: fc.oneof({ maxDepth: 3, depthIdentifier: 'cond' }, leafArb, tie('group')),
  group: fc.oneof(
    { depthIdentifier: 'cond' },
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    tie('tree').map((not) => ({ not })),
  ),
}));
const rootArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.array(tree, { minLength: 1, maxLength: 4 }).map((all) => ({ all })),
  fc.array(tree, { minLength: 1, maxLength: 4 }).map((any) => ({ any })),
  tree.map((not) => ({ not })),
);

const rulesArb = <E>(event: fc.Arbitrary<E>) => fc.array(fc.record({ priority: fc.integer({ min: 1, max: 4 }), conditions: rootArb, event }), { minLength: 1, maxLength: 8 })
  .map((rules) => rules.map((r, i) => ({ name: `r${i}`, ...r })));

export const scoringDocArb: fc.Arbitrary<ScoringRuleSet> = fc
  .record({
    rules: rulesArb(fc.record({ type: fc.constant('score' as const), params: fc.record({ points: fc.oneof(fc.integer({ min: -20, max: 40 }), fc.constantFrom(0.1, 0.2, 2.5)) }) })),
    cap: fc.option(fc.integer({ min: 10, max: 80 }), { nil: undefined }),
    a: fc.integer({ min: 20, max: 60 }),
    b: fc.integer({ min: 0, max: 20 }),
  })
  .map(({ rules, cap, a, b }) => ruleSetDocumentSchema.parse({
    name: 'generated', kind: 'scoring', rules, settings: cap === undefined ? { grades: { A: a, B: b } } : { cap, grades: { A: a, B: b } },
  }) as ScoringRuleSet);

export const routingDocArb: fc.Arbitrary<RoutingRuleSet> = rulesArb(fc.record({
  type: fc.constant('route' as const),
  params: fc.record({ strategy: fc.constantFrom({ type: 'round_robin' as const, team: 'team-dach' }, { type: 'named' as const, userId: 'u-ben' }, { type: 'territory' as const }) }),
})).map((rules) => ruleSetDocumentSchema.parse({ name: 'generated', kind: 'routing', rules }) as RoutingRuleSet);

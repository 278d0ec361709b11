import { describe, expect, it } from 'vitest';
import { allOperators, findOperator, operatorsFor } from '../../rules';

const now = new Date('2025-06-01T00:00:00Z');
const ctx = { now };
const ev = (name: string, fact: unknown, value: unknown) => findOperator(name)!.evaluate(fact, value, ctx);

describe('custom operators', () => {
  it('daysAgoMoreThan / daysAgoLessThan use the injected clock and ignore missing dates', () => {
    expect(ev('daysAgoMoreThan', '2025-05-29T00:00:00Z', 2)).toBe(true);
    expect(ev('daysAgoMoreThan', '2025-05-30T00:00:00Z', 2)).toBe(false); // exactly 2 days is not "more"
    expect(ev('daysAgoLessThan', '2025-05-31T00:00:00Z', 2)).toBe(true);
    expect(ev('daysAgoLessThan', '2025-05-01T00:00:00Z', 2)).toBe(false);
    expect(ev('daysAgoMoreThan', undefined, 0)).toBe(false);
    expect(ev('daysAgoLessThan', 'not a date', 10)).toBe(false);
    expect(findOperator('daysAgoMoreThan')!.evaluate('2025-05-29T00:00:00Z', 2, { now: new Date('2025-05-30T00:00:00Z') })).toBe(false);
  });

  it('between is inclusive on both ends and false for non-numbers', () => {
    expect(ev('between', 10, [10, 20])).toBe(true);
    expect(ev('between', 20, [10, 20])).toBe(true);
    expect(ev('between', 21, [10, 20])).toBe(false);
    expect(ev('between', '15', [10, 20])).toBe(false);
    expect(ev('between', undefined, [10, 20])).toBe(false);
  });

  it('matchesPattern is case-insensitive; an invalid pattern never matches', () => {
    expect(ev('matchesPattern', 'Head of IT', '\\bhead\\b')).toBe(true);
    expect(ev('matchesPattern', 'Headquarters', '\\bhead\\b')).toBe(false);
    expect(ev('matchesPattern', 'x', '(')).toBe(false);
    expect(ev('matchesPattern', null, '.*')).toBe(false);
  });

  it('inTerritory expands named territories and accepts plain ISO codes', () => {
    expect(ev('inTerritory', 'AT', ['DACH'])).toBe(true);
    expect(ev('inTerritory', 'se', ['NORDICS'])).toBe(true);
    expect(ev('inTerritory', 'FR', ['DACH', 'FR'])).toBe(true);
    expect(ev('inTerritory', 'US', ['DACH', 'BENELUX'])).toBe(false);
    expect(ev('inTerritory', undefined, ['DACH'])).toBe(false);
  });

  it('containsAny / containsAll work on array facts only', () => {
    expect(ev('containsAny', ['sso', 'cloud'], ['on-prem', 'sso'])).toBe(true);
    expect(ev('containsAny', ['cloud'], ['on-prem', 'sso'])).toBe(false);
    expect(ev('containsAll', ['sso', 'cloud'], ['sso', 'cloud'])).toBe(true);
    expect(ev('containsAll', ['sso'], ['sso', 'cloud'])).toBe(false);
    expect(ev('containsAny', 'sso', ['sso'])).toBe(false);
  });
});

describe('built-in operators mirror json-rules-engine 7', () => {
  it('contains is false on a string fact (array facts only)', () => {
    expect(ev('contains', ['a', 'b'], 'a')).toBe(true);
    expect(ev('contains', 'abc', 'a')).toBe(false);
    expect(ev('doesNotContain', 'abc', 'z')).toBe(false);
  });
  it('numeric comparisons need a parseable fact: missing and null never compare', () => {
    expect(ev('greaterThan', 5, 3)).toBe(true);
    expect(ev('greaterThan', undefined, -1)).toBe(false);
    expect(ev('lessThan', null, 1)).toBe(false);
    expect(ev('lessThan', '2', 3)).toBe(true); // "2" parses, then JS compares "2" < 3
  });
  it('in uses strict equality', () => {
    expect(ev('in', 'DE', ['DE', 'AT'])).toBe(true);
    expect(ev('in', 1, ['1'])).toBe(false);
    expect(ev('notIn', undefined, ['DE'])).toBe(true);
  });
});

describe('operator catalog', () => {
  it('declares which operators fit each fact type', () => {
    expect(operatorsFor('date').map((o) => o.name)).toEqual(['daysAgoMoreThan', 'daysAgoLessThan']);
    expect(operatorsFor('string[]').map((o) => o.name)).toEqual(['contains', 'doesNotContain', 'containsAny', 'containsAll']);
    expect(operatorsFor('number').map((o) => o.name)).toContain('between');
    expect(operatorsFor('boolean').map((o) => o.name)).toEqual(['equal', 'notEqual']);
    expect(allOperators).toHaveLength(17);
  });
});

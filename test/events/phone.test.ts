import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dedupeKeyOf, normalisePhone, parsePhone, PhoneError } from '../../engine/lead/schemas';

/** One number per country, written the ways people write it: national, international, with 00, with "(0)". */
const forms: { country: string; e164: string; written: string[] }[] = [
  { country: 'DE', e164: '+49301234567', written: ['030 1234567', '030/123 45 67', '+49 30 1234567', '0049 30 1234567', '+49 (0)30 1234567', '+49-30-123-4567'] },
  { country: 'AT', e164: '+431234567', written: ['01 234 567', '+43 1 234 567', '0043 1 234-567'] },
  { country: 'FR', e164: '+33612345678', written: ['06 12 34 56 78', '+33 6 12 34 56 78', '0033612345678'] },
  { country: 'GB', e164: '+442079460958', written: ['020 7946 0958', '+44 20 7946 0958', '(020) 7946-0958'] },
  { country: 'US', e164: '+14155552671', written: ['(415) 555-2671', '415.555.2671', '+1 415 555 2671'] },
  { country: 'NL', e164: '+31612345678', written: ['06-12345678', '+31 6 12345678'] },
];

describe('phone numbers: E.164 with the lead\'s country', () => {
  it.each(forms)('$country: every written form is $e164 and dedupes to one key', ({ country, e164, written }) => {
    for (const w of written) expect(normalisePhone(w, country), w).toBe(e164);
    expect(new Set(written.map((w) => dedupeKeyOf({ phone: w, country })))).toEqual(new Set([`phone:${e164}`]));
  });

  it('an international form needs no country; a national one without a country is refused with the reason', () => {
    expect(normalisePhone('+49 30 1234567')).toBe('+49301234567');
    expect(() => normalisePhone('030 1234567')).toThrow(/international form/);
    expect(() => normalisePhone('12', 'DE')).toThrow(PhoneError);
    expect(() => normalisePhone('12', 'DE')).toThrow(/too short/);
  });

  it('property: whatever the spacing and punctuation, a national and its international form are the same E.164', () => {
    const sep = fc.constantFrom(' ', '-', '.', '/', '');
    fc.assert(fc.property(fc.constantFrom(...forms), fc.array(sep, { minLength: 12, maxLength: 12 }), (f, seps) => {
      const n = parsePhone(f.e164);
      const national = n.legacy[0]!; // the national digits, e.g. 0301234567
      const spaced = [...national].map((d, i) => `${d}${seps[i] ?? ''}`).join('');
      expect(normalisePhone(spaced, f.country)).toBe(f.e164);
      expect(normalisePhone(`00${f.e164.slice(1)}`, 'DE')).toBe(f.e164);
    }), { numRuns: 200 });
  });

  it('remembers the forms the earlier normaliser stored, for people claimed before E.164', () => {
    expect(parsePhone('030 1234567', 'DE').legacy).toEqual(expect.arrayContaining(['0301234567', '+490301234567']));
  });
});

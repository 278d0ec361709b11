import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupeKeyOf, normalisePhone, parsePhone, PhoneError } from '../../engine/lead/schemas';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

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

describe('phone dedupe through the capture API', () => {
  let stack: TestStack;
  let user: TestUser;

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    user = await createUser(stack.db.sql, { role: 'admin' });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const capture = (payload: Record<string, unknown>) => stack.app.inject({ method: 'POST', url: '/api/leads', headers: user.headers, payload });

  it('five concurrent captures of one person in national and international form make one lead', async () => {
    const written = ['030 9876543', '+49 30 9876543', '0049 30 9876543', '+49 (0)30 987 65 43', '030/987-6543'];
    const answers = await Promise.all(written.map((phone, i) => capture({ name: `Nat ${i}`, phone, country: i % 2 ? undefined : 'DE' })));
    for (const a of answers) expect(a.statusCode, a.body).toBe(202);
    const ids = new Set(answers.map((a) => (a.json() as { leadId: string }).leadId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !(a.json() as { duplicate: boolean }).duplicate)).toHaveLength(1);
    const [leadId] = [...ids];
    const lead = await eventually(async () => (await stack.db.sql<{ phone: string }[]>`select phone from leads where id = ${leadId!}`)[0]);
    expect(lead.phone).toBe('+49309876543');
    expect((await stack.db.sql`select 1 from leads where phone = '+49309876543'`).length).toBe(1);
  });

  it('an invalid number is refused with 422 naming phone and the reason; nothing is written', async () => {
    const before = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from capture_inbox`;
    const r = await capture({ name: 'Nowhere', phone: '030 1234567' }); // no country: the default country reads it
    expect(r.statusCode).toBe(202);
    const bad = await capture({ name: 'Bad', phone: '+49 30 1', email: undefined, country: 'DE' });
    expect(bad.statusCode).toBe(400); // too few digits: refused by the body schema
    const wrong = await capture({ name: 'Wrong', phone: '+1 555 0000 0000 000', country: 'US' });
    expect(wrong.statusCode, wrong.body).toBe(422);
    expect(wrong.json()).toMatchObject({ message: expect.stringMatching(/^phone: /) });
    expect(JSON.stringify(wrong.json())).toContain('body.phone');
    const after = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from capture_inbox`;
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  });

  it('a person claimed before E.164 (national digits) is still found', async () => {
    await stack.db.sql`insert into leads (id, dedupe_key, source, name, phone, country, pipeline_id, pipeline_version)
      values ('lead-legacy-phone', 'phone:0401112233', 'manual', 'Legacy', '0401112233', 'DE', 'default', 1)`;
    await stack.db.sql`insert into person_claims (kind, value, lead_id) values ('phone', '0401112233', 'lead-legacy-phone') on conflict do nothing`;
    const r = await capture({ name: 'Legacy again', phone: '+49 40 111 22 33' });
    expect(r.json()).toMatchObject({ leadId: 'lead-legacy-phone', duplicate: true });
    // The same national digits in another country are another person.
    const other = await capture({ name: 'Not legacy', phone: '040 111 22 33', country: 'NL' });
    expect(other.statusCode, other.body).toBe(202);
    expect(other.json()).toMatchObject({ duplicate: false });
  });
});

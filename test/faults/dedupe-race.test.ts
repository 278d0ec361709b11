import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

type Answer = { leadId: string; duplicate: boolean };

/** The same person (one phone) submitted with two different e-mails must become one lead, however close together. */
describe('dedupe race: same phone, two e-mails', () => {
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

  // The signed-in capture route: the same code path as the web form and the partner API, without their rate limits.
  const capture = async (name: string, email: string, phone: string): Promise<Answer> => {
    const r = await stack.app.inject({ method: 'POST', url: '/api/leads', headers: user.headers, payload: { name, email, phone, country: 'DE' } });
    expect(r.statusCode, r.body).toBe(202);
    return r.json() as Answer;
  };
  /** Leads stored (by the workflows) for a phone number, and how many submissions each shows on its timeline. */
  const leadsWithPhone = (phone: string) => stack.db.sql<{ id: string; submissions: number }[]>`
    select l.id, (select count(*)::int from lead_events e where e.lead_id = l.id and e.type in ('captured', 'form_submitted')) as submissions
    from leads l where l.phone = ${phone}`;

  it('20 pairs sent at the same moment make exactly one lead per person', async () => {
    const pairs = Array.from({ length: 20 }, (_, i) => ({
      phone: `+4930555${String(i).padStart(4, '0')}`,
      emails: [`first.${i}@race-a.example`, `second.${i}@race-b.example`] as const,
    }));
    const answers = await Promise.all(pairs.flatMap((p, i) => p.emails.map((email) => capture(`Person ${i}`, email, p.phone))));
    for (let i = 0; i < pairs.length; i++) {
      const [a, b] = [answers[2 * i]!, answers[2 * i + 1]!];
      expect(b.leadId, `pair ${i}`).toBe(a.leadId);
      expect([a.duplicate, b.duplicate].filter(Boolean), `pair ${i}: exactly one answer says the person was known`).toHaveLength(1);
    }
    await stack.app.captureDispatcher.drain();
    for (const p of pairs) {
      // Both submissions are stored (as one lead with two, or, wrongly, as two leads with one each).
      const leads = await eventually(async () => {
        const rows = await leadsWithPhone(p.phone);
        return rows.reduce((n, r) => n + r.submissions, 0) === 2 ? rows : undefined;
      }, 60_000);
      expect(leads, p.phone).toHaveLength(1);
    }
    // Each e-mail of a pair names the same lead for the next capture too.
    const again = await capture('Person 0', pairs[0]!.emails[1], '+49 30 999 0000');
    expect(again).toEqual({ leadId: answers[0]!.leadId, duplicate: true });
  }, 180_000);

  it('pairs 200 ms apart make exactly one lead per person', async () => {
    const pairs = Array.from({ length: 3 }, (_, i) => ({
      phone: `+4940777${String(i).padStart(4, '0')}`,
      emails: [`early.${i}@apart-a.example`, `late.${i}@apart-b.example`] as const,
    }));
    const answers = await Promise.all(pairs.map(async (p, i) => {
      const first = capture(`Apart ${i}`, p.emails[0], p.phone);
      await new Promise((r) => setTimeout(r, 200));
      return [await first, await capture(`Apart ${i}`, p.emails[1], p.phone)] as const;
    }));
    for (const [first, second] of answers) expect(second).toEqual({ leadId: first.leadId, duplicate: true });
    for (const p of pairs) {
      // Both submissions are stored (as one lead with two, or, wrongly, as two leads with one each).
      const leads = await eventually(async () => {
        const rows = await leadsWithPhone(p.phone);
        return rows.reduce((n, r) => n + r.submissions, 0) === 2 ? rows : undefined;
      }, 60_000);
      expect(leads, p.phone).toHaveLength(1);
    }
  });

  it('a lead stored before claims existed is found by its e-mail and phone (claimed when it is written)', async () => {
    const [{ id }] = await stack.db.sql<{ id: string }[]>`
      insert into leads (id, dedupe_key, source, name, email, phone, pipeline_id, pipeline_version)
      values ('lead-stored-directly', 'email:stored@direct.example', 'manual', 'Stored', 'stored@direct.example', '+4989123456', 'default', 1)
      returning id`;
    expect(await capture('Stored again', 'other@direct.example', '+49 89 123456')).toMatchObject({ leadId: id, duplicate: true });
    expect(await capture('Stored again', 'stored@direct.example', '+49 89 000000')).toMatchObject({ leadId: id, duplicate: true });
  });
});

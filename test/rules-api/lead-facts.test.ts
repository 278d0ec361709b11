import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadFactsBatch, leadFactsFor, streamLeadFacts } from '../../db/lead-facts';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { insertLead } from './fixtures';

const NOW = new Date('2025-06-01T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('lead facts from the database', () => {
  let db: TestDatabase;
  let rich: string;
  let bare: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const { sql } = db;
    await sql`insert into accounts (id, name, importance) values ('acc-1', 'Acme', 'A')`;
    rich = await insertLead(sql, {
      source: 'partner', country: 'DE', companySize: 250, industry: 'software', jobTitle: 'CTO', email: 'Jo@Acme.COM', phone: '+49 1',
      accountId: 'acc-1', formSubmissions: 3, emailOpens: 7, createdAt: daysAgo(40.5),
    });
    await sql`update leads set score = 42, grade = 'B', region = 'Bavaria', product_interest = 'crm' where id = ${rich}`;
    for (const [i, d] of [2.2, 10, 45, -3].entries()) { // -3: a planned visit in the future does not count
      await sql`insert into visits (id, lead_id, type, status, occurred_at) values (${`v${i}`}, ${rich}, 'phone', 'contact', ${daysAgo(d)})`;
    }
    await sql`insert into offers (id, lead_id, version, status, created_at) values
      ('o1', ${rich}, 1, 'renegotiated', ${daysAgo(20)}), ('o2', ${rich}, 2, 'sent', ${daysAgo(10)}), ('o3', ${rich}, 3, 'in_follow_up', ${daysAgo(5)})`;
    bare = await insertLead(sql, { source: 'web', phone: '', createdAt: daysAgo(1) });
  });
  afterAll(async () => db?.drop());

  it('builds every fact of a visited lead with offers, an account and contact data', async () => {
    // Behavioural events count over the 30 days before NOW (the 40-day-old open is out).
    await db.sql`insert into behaviour_events (source, event_id, lead_id, type, occurred_at) values
      ('mail', 'o-1', ${rich}, 'email_open', ${daysAgo(1)}), ('mail', 'o-2', ${rich}, 'email_open', ${daysAgo(40)}),
      ('mail', 'c-1', ${rich}, 'email_click', ${daysAgo(1)}), ('key:k', 'w-1', ${rich}, 'webinar_attended', ${daysAgo(3)})`;
    expect(await leadFactsFor(db.sql, rich, NOW)).toEqual({
      source: 'partner', country: 'DE', region: 'Bavaria', companySize: 250, industry: 'software', productInterest: 'crm', jobTitle: 'CTO',
      emailDomain: 'acme.com', hasPhone: true, importance: 'A', stage: 'new', score: 42, grade: 'B',
      createdAt: daysAgo(40.5).toISOString(), daysSinceCreated: 40, daysSinceLastVisit: 2, visitsLast30Days: 2,
      openOffers: 2, lastOfferStatus: 'in_follow_up', emailOpensLast14Days: 7, formSubmissions: 3,
      'behaviour.email_opens_30d': 1, 'behaviour.clicks_30d': 1, 'behaviour.page_visits_30d': 0, 'behaviour.downloads_30d': 0, 'behaviour.webinars_30d': 1,
    });
  });

  it('leaves out what the records cannot tell (never visited, no account, no offers, no grade)', async () => {
    const facts = await leadFactsFor(db.sql, bare, NOW);
    expect(facts).toMatchObject({ source: 'web', hasPhone: false, visitsLast30Days: 0, openOffers: 0, daysSinceCreated: 1 });
    for (const k of ['daysSinceLastVisit', 'importance', 'lastOfferStatus', 'grade', 'country', 'emailDomain']) expect(facts).not.toHaveProperty(k);
    expect(await leadFactsFor(db.sql, 'no-such-lead', NOW)).toBeUndefined();
  });

  it('streams many leads newest first in batches, one statement each, with the same facts as one by one', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await insertLead(db.sql, { country: 'AT', createdAt: new Date(NOW.getTime() - 3_600_000 * (i + 1)) }));
    const sizes: number[] = [];
    const seen: string[] = [];
    for await (const batch of streamLeadFacts(db.sql, { batch: 3, now: NOW })) {
      sizes.push(batch.length);
      seen.push(...batch.map((b) => b.id));
    }
    expect(sizes).toEqual([3, 3, 3]); // 9 leads in all
    expect(seen.slice(0, 7)).toEqual(ids);
    expect(new Set(seen).size).toBe(9);
    const limited = await leadFactsBatch(db.sql, { limit: 4, now: NOW });
    expect(limited.map((r) => r.id)).toEqual(ids.slice(0, 4));
    const all = await leadFactsBatch(db.sql, { now: NOW });
    const richRow = all.find((r) => r.id === rich)!;
    expect(JSON.parse(JSON.stringify(richRow.facts))).toEqual(await leadFactsFor(db.sql, rich, NOW));
  });

  it('computes only the requested facts when asked (the backtest fetches what the rules read)', async () => {
    const [row] = (await leadFactsBatch(db.sql, { now: NOW, facts: ['visitsLast30Days', 'importance'] })).filter((r) => r.id === rich);
    const present = Object.fromEntries(Object.entries(row!.facts).filter(([, v]) => v !== undefined));
    expect(present).toEqual({ visitsLast30Days: 2, importance: 'A' });
  });
});

import { describe, expect, it } from 'vitest';
import { demoProducts } from '../../db/catalog-demo';
import { buildDemoHistory, demoOpenLeads } from '../../db/demo-history';
import { defaultConstants } from '../../db/seed';

// What the first start loads as closed history, checked on the rows themselves (no database): enough of everything
// for the reports and the dashboard to show real figures, consistent with itself, and the same on every start.

const today = new Date('2026-03-15T09:30:00Z');
const h = buildDemoHistory(today);
type R = Record<string, unknown>;
const by = <T extends R>(rows: T[], key: string) => {
  const m = new Map<unknown, T[]>();
  for (const r of rows) m.set(r[key], [...(m.get(r[key]) ?? []), r]);
  return m;
};
const codes = (category: string) => defaultConstants.filter((c) => c.category === category).map((c) => c.code).sort();

describe('demo history', () => {
  it('has at least 2,000 closed leads over twelve months, across sources, countries, industries, reps and account classes', () => {
    expect(h.leads.length).toBeGreaterThanOrEqual(2000);
    const created = h.leads.map((l) => Date.parse(String(l.created_at)));
    const closed = h.leads.map((l) => Date.parse(String(l.closed_at)));
    expect(Math.min(...created)).toBeGreaterThanOrEqual(Date.parse('2025-03-14T00:00:00Z'));
    expect(Math.max(...closed)).toBeLessThan(Date.parse('2026-03-15T00:00:00Z'));
    // Every month of the year has closings.
    expect(new Set(h.leads.map((l) => String(l.closed_at).slice(0, 7))).size).toBeGreaterThanOrEqual(12);
    expect([...by(h.leads, 'source').keys()].sort()).toEqual(['import', 'manual', 'partner', 'web']);
    expect(by(h.leads, 'country').size).toBeGreaterThanOrEqual(10);
    expect(by(h.leads, 'industry').size).toBeGreaterThanOrEqual(6);
    expect([...by(h.leads, 'owner_id').keys()].sort()).toEqual(['u-anna', 'u-ben', 'u-carla', 'u-dario', 'u-eva']);
    expect([...by(h.accounts, 'importance').keys()].sort()).toEqual(['A', 'B', 'C']);
  });

  it('has visits of every visit type, offers in every status and losses with a reason', () => {
    expect([...by(h.visits, 'type').keys()].sort()).toEqual(codes('visit_type'));
    expect([...by(h.offers, 'status').keys()].sort()).toEqual(['accepted', 'confirmed', 'in_follow_up', 'postponed', 'rejected', 'renegotiated', 'sent']);
    expect(h.offers.filter((o) => o.status === 'rejected').every((o) => codes('rejection_reason').includes(String(o.rejection_reason)))).toBe(true);
    const lost = h.leads.filter((l) => l.status === 'lost');
    expect(lost.every((l) => codes('loss_reason').includes(String(l.lost_reason)))).toBe(true);
    expect(new Set(lost.map((l) => l.lost_reason)).size).toBeGreaterThanOrEqual(5);
  });

  it('supersedes every renegotiated offer by a newer version, and gives each won lead an order for its accepted offer', () => {
    const offers = new Map(h.offers.map((o) => [o.id, o]));
    const renegotiated = h.offers.filter((o) => o.status === 'renegotiated');
    expect(renegotiated.length).toBeGreaterThan(0);
    for (const o of renegotiated) {
      const next = h.offers.find((x) => x.supersedes_id === o.id);
      expect(next, String(o.id)).toBeDefined();
      expect(next!.version).toBe(Number(o.version) + 1);
    }
    const won = h.leads.filter((l) => l.status === 'won');
    const orders = by(h.orders, 'lead_id');
    for (const l of won) {
      const [order] = orders.get(l.id) ?? [];
      expect(order, String(l.id)).toBeDefined();
      expect(offers.get(order!.offer_id)?.status).toBe('accepted');
      expect(order!.total).toBe(offers.get(order!.offer_id)?.total);
    }
    expect(h.orders.length).toBe(won.length);
    // Every line is a product of the demo catalog, shown by its name (as a priced line is), never by its code.
    const catalog = new Map(demoProducts.map((p) => [p.id, p.name]));
    for (const l of h.lines) expect(l.product_name, String(l.product)).toBe(catalog.get(String(l.product_id)));
  });

  it('writes a timeline a workflow would: captured first, stage changes in order, won or lost last, visits within the lead\'s life', () => {
    const events = by(h.events, 'lead_id');
    const visits = by(h.visits, 'lead_id');
    for (const l of h.leads) {
      const e = events.get(l.id)!;
      const staged = e.filter((x) => x.stage).map((x) => x.stage);
      expect(staged[0], String(l.id)).toBe('captured');
      expect(staged.at(-1)).toBe(l.status);
      expect(staged.slice(1, -1).every((s) => ['qualification', 'nurturing', 'offer'].includes(String(s)))).toBe(true);
      if (l.status === 'won') expect(staged).toContain('offer');
      const at = e.map((x) => Date.parse(String(x.at)));
      expect(at).toEqual([...at].sort((a, b) => a - b));
      for (const v of visits.get(l.id) ?? []) {
        const t = Date.parse(String(v.occurred_at));
        expect(t).toBeGreaterThan(Date.parse(String(l.created_at)));
        expect(t).toBeLessThan(Date.parse(String(l.closed_at)));
      }
      const last = (visits.get(l.id) ?? []).map((v) => String(v.occurred_at)).sort().at(-1) ?? null;
      expect(l.last_visit_at).toBe(last);
    }
  });

  it('is the same on every start of the same day, and fifty open leads go through the API', () => {
    const again = buildDemoHistory(new Date('2026-03-15T18:05:00Z'));
    expect(again).toEqual(h);
    expect(demoOpenLeads.length).toBe(50);
    expect(new Set(demoOpenLeads.map((l) => l.email)).size).toBe(50);
    const historyEmails = new Set(h.leads.map((l) => l.email));
    expect(demoOpenLeads.some((l) => historyEmails.has(l.email))).toBe(false);
  });
});

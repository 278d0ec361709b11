import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultPipeline } from '../../db/pipelines';
import { ensureConstants } from '../../db/seed';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

// Known fixture data from a fixed seed. Every expected figure is computed below in plain TypeScript from these arrays
// (stays in stages, percentiles, medians), never with the dashboard's SQL.

const DAY = 86_400_000;
const now = Date.now();
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
// A 90-day period that ended four months ago, so the history around it is within the last year (what "usual" means).
const to = isoDay(now - 120 * DAY);
const from = isoDay(Date.parse(`${to}T00:00:00Z`) - 89 * DAY);
const start = Date.parse(`${from}T00:00:00Z`);
const end = Date.parse(`${to}T00:00:00Z`) + DAY;
const prevStart = start - 90 * DAY;

interface FxEvent { stage: string | null; at: number }
interface FxOffer { id: string; version: number; status: string; total: number; createdAt: number; sentAt: number | null }
interface FxLead {
  id: string; owner: string; team: string; source: string; status: string; stage: string; createdAt: number; closedAt: number | null;
  stageEnteredAt: number; lostReason: string | null; size: number | null; events: FxEvent[]; offers: FxOffer[]; order: number | null;
}

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const teamOf: Record<string, string> = { 'rep-anna': 'team-a', 'rep-ben': 'team-a', 'rep-carla': 'team-b' };
const reps = ['rep-anna', 'rep-ben', 'rep-carla', 'rep-anna'] as const;
const leads: FxLead[] = [];

function closedLead(id: string, owner: string, createdAt: number, qDays: number, oDays: number | null, closeDays: number, won: boolean, total: number, nurture = false): FxLead {
  const closedAt = createdAt + closeDays * DAY;
  const events: FxEvent[] = [{ stage: 'captured', at: createdAt }, { stage: null, at: createdAt + 60_000 }, { stage: 'qualification', at: createdAt + qDays * DAY }];
  // Nurtured for a while, then back in qualification: two stays in qualification.
  if (nurture) events.push({ stage: 'nurturing', at: createdAt + (qDays + 0.3) * DAY }, { stage: 'qualification', at: createdAt + (qDays + 0.6) * DAY });
  const offers: FxOffer[] = [];
  if (oDays !== null) {
    const at = createdAt + oDays * DAY;
    // Two staged events in a row for the same stage: one stay, not two.
    events.push({ stage: 'offer', at }, { stage: 'offer', at: at + 3_600_000 });
    offers.push({ id: `${id}-o1`, version: 1, status: won ? 'accepted' : 'rejected', total, createdAt: at, sentAt: at });
  }
  events.push({ stage: won ? 'won' : 'lost', at: closedAt });
  return {
    id, owner, team: teamOf[owner]!, source: pick(['web', 'partner', 'import', 'manual']), status: won ? 'won' : 'lost', stage: won ? 'won' : 'lost',
    createdAt, closedAt, stageEnteredAt: closedAt, lostReason: won ? null : pick(['price', 'competition', 'timing', null]), size: pick([20, 300, 5000, null]),
    events, offers, order: won ? total : null,
  };
}

// Closed history around the period (from the previous period to after it), so the period and the previous one both apply.
for (let i = 0; i < 70; i++) {
  const qDays = int(1, 10);
  const hasOffer = rand() < 0.65;
  const oDays = hasOffer ? qDays + int(1, 15) : null;
  const closeDays = (oDays ?? qDays) + int(1, 20);
  const won = hasOffer && rand() < 0.55;
  leads.push(closedLead(`h-${i}`, pick(reps), prevStart - 2 * DAY + 9 * 3_600_000 + int(0, 170) * DAY + int(0, 8) * 3_600_000, qDays, oDays, closeDays, won, 1000 + i * 50, i % 4 === 0));
}
// A disqualified lead: a loss reason, but no deal to win or lose.
leads.push({ ...closedLead('h-dq', 'rep-ben', start + 33 * DAY, 2, null, 4, false, 0), status: 'disqualified', lostReason: 'no_need' });
// Won within the last year (relative to today): the forecast's typical days from first offer to order.
for (let j = 0; j < 6; j++) {
  const closedAt = now - (30 + 10 * j) * DAY;
  const created = closedAt - 40 * DAY;
  leads.push(closedLead(`w-${j}`, j % 2 ? 'rep-ben' : 'rep-anna', created, 5, 40 - (20 + 2 * j), 40, true, 3000 + j * 100));
}
// Open deals, in qualification or offer, entered some days ago.
const forecastStatuses = ['draft', 'sent', 'confirmed', 'in_follow_up', 'postponed'] as const;
for (let k = 0; k < 14; k++) {
  const owner = pick(['rep-anna', 'rep-ben', 'rep-carla'] as const);
  const stage = k === 0 ? 'offer' : pick(['qualification', 'offer'] as const);
  const stageEnteredAt = now - int(1, 45) * DAY - int(0, 20) * 3_600_000;
  const createdAt = stageEnteredAt - 6 * DAY;
  const events: FxEvent[] = [{ stage: 'captured', at: createdAt }, { stage: 'qualification', at: stage === 'offer' ? createdAt + DAY : stageEnteredAt }];
  if (stage === 'offer') events.push({ stage: 'offer', at: stageEnteredAt });
  const offers: FxOffer[] = [];
  if (stage === 'offer') {
    if (k === 0) {
      // Renegotiated: only the newest version counts.
      offers.push({ id: `o-${k}-1`, version: 1, status: 'renegotiated', total: 9999, createdAt: stageEnteredAt, sentAt: stageEnteredAt });
      offers.push({ id: `o-${k}-2`, version: 2, status: 'sent', total: 2500, createdAt: stageEnteredAt + DAY, sentAt: stageEnteredAt + DAY });
    } else {
      const status = pick(forecastStatuses);
      offers.push({ id: `o-${k}-1`, version: 1, status, total: 2000 + k * 100, createdAt: stageEnteredAt, sentAt: status === 'draft' ? null : stageEnteredAt });
    }
  }
  leads.push({
    id: `o-${k}`, owner, team: teamOf[owner]!, source: pick(['web', 'partner']), status: stage === 'offer' ? 'qualified' : 'open', stage, createdAt, closedAt: null,
    stageEnteredAt, lostReason: null, size: pick([20, 300, null]), events, offers, order: null,
  });
}

// More open deals in qualification than the dashboard lists (LIST_LIMIT = 50), captured after the period: the lists
// show the first 50 in their order, and the totals count them all.
// All of team A and mid-sized: one team, stage and segment holds more deals than the list.
for (let k = 0; k < 60; k++) {
  const owner = pick(['rep-anna', 'rep-ben'] as const);
  const stageEnteredAt = now - int(1, 60) * DAY - int(0, 20) * 3_600_000;
  const createdAt = stageEnteredAt - 6 * DAY;
  leads.push({
    id: `q-${String(k).padStart(2, '0')}`, owner, team: teamOf[owner]!, source: pick(['web', 'import']), status: 'open', stage: 'qualification', createdAt, closedAt: null,
    stageEnteredAt, lostReason: null, size: 300, events: [{ stage: 'captured', at: createdAt }, { stage: 'qualification', at: stageEnteredAt }], offers: [], order: null,
  });
}
const LIST_LIMIT = 50;

// ----- the figures, by hand --------------------------------------------------------------------------------------------
type Scope = (l: FxLead) => boolean;
const everyone: Scope = () => true;
const teamA: Scope = (l) => l.team === 'team-a';
const inP = (t: number | null, s = start, e = end) => t !== null && t >= s && t < e;
const daysBetween = (a: number, b: number) => (b - a) / DAY;
const avg = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const r1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const r2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
/** percentile_cont: linear interpolation between the two nearest ranks. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
/** The stays of a lead in its stages: a staged event whose stage differs from the one before enters a stage. */
function staysOf(l: FxLead): { stage: string; entered: number; left: number | null }[] {
  const staged = l.events.filter((e) => e.stage !== null).sort((a, b) => a.at - b.at);
  const entries = staged.filter((e, i) => i === 0 || staged[i - 1]!.stage !== e.stage);
  return entries.map((e, i) => ({ stage: e.stage!, entered: e.at, left: entries[i + 1]?.at ?? null }));
}
const isOpen = (l: FxLead) => ['open', 'nurturing', 'qualified'].includes(l.status);
const segmentOf = (l: FxLead) => (l.size === null ? 'unknown' : l.size < 50 ? 'small' : l.size < 1000 ? 'mid' : 'large');

function expectedFunnel(scope: Scope) {
  const cohort = leads.filter((l) => scope(l) && inP(l.createdAt));
  const reached = (stage: string) => cohort.filter((l) => l.stage === stage || l.events.some((e) => e.stage === stage)).length;
  // Nurturing is a side loop: it converts from qualification, and so does the offer stage after it.
  const before: Record<string, string | null> = { captured: null, qualification: 'captured', nurturing: 'qualification', offer: 'qualification', won: 'offer' };
  return Object.entries(before).map(([stage, prev]) => ({ stage, count: reached(stage), conversion: prev && reached(prev) ? r1((reached(stage) / reached(prev)) * 100) : null }));
}
function expectedVelocity(scope: Scope, s: number, e: number) {
  const open = leads.filter((l) => scope(l) && l.offers.some((o) => o.createdAt < e) && l.createdAt < e && (l.closedAt === null || l.closedAt >= e)).length;
  const closed = leads.filter((l) => scope(l) && ['won', 'lost'].includes(l.status) && inP(l.closedAt, s, e));
  const won = closed.filter((l) => l.status === 'won');
  const winRate = closed.length ? won.length / closed.length : null;
  const value = avg(won.map((l) => l.order!));
  const days = avg(won.map((l) => daysBetween(l.createdAt, l.closedAt!)));
  return { openOpportunities: open, won: won.length, lost: closed.length - won.length, winRate: winRate === null ? null : r1(winRate * 100), averageDealValue: r2(value),
    cycleDays: r1(days), velocity: winRate !== null && value !== null && days ? r2((open * winRate * value) / days) : null };
}
function history(scope: Scope) {
  const teams = new Set(leads.filter((l) => scope(l) && isOpen(l)).map((l) => l.team));
  return leads.filter((l) => teams.has(l.team) && (l.closedAt === null || l.closedAt >= now - 365 * DAY));
}
function expectedStalled(scope: Scope) {
  const hist = history(scope);
  const out: { id: string; days: number; p75: number; n: number }[] = [];
  for (const l of leads.filter((x) => scope(x) && isOpen(x))) {
    const stays = hist.filter((h) => h.team === l.team).flatMap(staysOf).filter((s) => s.stage === l.stage && s.left !== null).map((s) => daysBetween(s.entered, s.left!));
    const days = daysBetween(l.stageEnteredAt, now);
    if (stays.length >= 3 && days > percentile(stays, 0.75)) out.push({ id: l.id, days, p75: percentile(stays, 0.75), n: stays.length });
  }
  return out;
}
function expectedTimeToClose(l: FxLead, scope: Scope) {
  const closed = history(scope).filter((h) => h.team === l.team && ['won', 'lost'].includes(h.status) && h.closedAt !== null);
  const at = (filter: (h: FxLead) => boolean) => closed.filter(filter).flatMap((h) => staysOf(h).filter((s) => s.stage === l.stage).map((s) => daysBetween(s.entered, h.closedAt!)));
  const seg = at((h) => segmentOf(h) === segmentOf(l));
  const team = at(() => true);
  if (seg.length >= 5) return { typical: percentile(seg, 0.5), sample: seg.length, basis: 'segment' };
  return team.length ? { typical: percentile(team, 0.5), sample: team.length, basis: 'team' } : { typical: null, sample: 0, basis: 'none' };
}

interface Dash {
  empty: boolean;
  filters: { from: string; to: string; previousFrom: string; previousTo: string };
  funnel: { stage: string; count: number; conversion: number | null; drill: string }[];
  lossReasons: { reason: string; label: string; count: number; drill: string }[];
  cycle: { averageDays: number | null; won: number; drill: string; trend: { month: string; averageDays: number | null; won: number }[] };
  velocity: { current: Record<string, unknown>; previous: Record<string, unknown>; changePct: number | null };
  forecast: { probabilities: Record<string, number>; typicalDaysToClose: number; months: { month: string; offers: number; total: number; weighted: number; drill: string }[] };
  stalled: { total: number; drill: string; items: { leadId: string; daysInStage: number; p75Days: number; sample: number }[] };
  timeToClose: { total: number; items: { leadId: string; typicalDays: number | null; remainingDays: number | null; sample: number; basis: string; segment: string }[] };
  winRates: { bySource: { key: string; won: number; lost: number; rate: number | null; drill: string }[]; byRep: { key: string; won: number; lost: number; rate: number | null; drill: string }[] };
}
type Items = { total: number; items: { leadId: string }[] };

describe('manager dashboard', () => {
  let stack: TestStack;
  const u: Record<string, TestUser> = {};
  const get = async <T = Dash>(who: TestUser, url: string, status = 200): Promise<T> => {
    const res = await stack.app.inject({ url, headers: who.headers });
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as T;
  };
  const period = `period=custom&from=${from}&to=${to}`;
  const items = async (who: TestUser, drill: string, q = period) => (await get<Items>(who, `/api/dashboard/items?${q}&drill=${encodeURIComponent(drill)}`)).items.map((i) => i.leadId).sort();

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    await ensureConstants(sql);
    await ensureDefaultPipeline(sql);
    u.anna = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-anna' });
    u.ben = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-ben' });
    u.carla = await createUser(sql, { role: 'rep', teamId: 'team-b', id: 'rep-carla' });
    u.mia = await createUser(sql, { role: 'manager', id: 'mgr-mia' });
    u.olga = await createUser(sql, { role: 'ops', id: 'ops-olga' });
    await sql`update teams set manager_id = 'mgr-mia' where id = 'team-a'`;
    for (const l of leads) {
      await sql`insert into leads (id, dedupe_key, source, status, stage, owner_id, team_id, name, company_size, pipeline_id, pipeline_version, created_at, closed_at, stage_entered_at, lost_reason)
                values (${l.id}, ${l.id}, ${l.source}, ${l.status}, ${l.stage}, ${l.owner}, ${l.team}, ${`Lead ${l.id}`}, ${l.size}, 'default', 1,
                        ${new Date(l.createdAt)}, ${l.closedAt === null ? null : new Date(l.closedAt)}, ${new Date(l.stageEnteredAt)}, ${l.lostReason})`;
      for (const [i, e] of l.events.entries()) {
        await sql`insert into lead_events (event_key, lead_id, type, at, stage) values (${`${l.id}:${i}`}, ${l.id}, ${e.stage === null ? 'scored' : 'stage_changed'}, ${new Date(e.at)}, ${e.stage})`;
      }
      for (const o of l.offers) {
        await sql`insert into offers (id, lead_id, version, status, total, created_at, sent_at)
                  values (${o.id}, ${l.id}, ${o.version}, ${o.status}, ${o.total}, ${new Date(o.createdAt)}, ${o.sentAt === null ? null : new Date(o.sentAt)})`;
      }
      if (l.order !== null) await sql`insert into orders (id, lead_id, total, created_at) values (${`ord-${l.id}`}, ${l.id}, ${l.order}, ${new Date(l.closedAt!)})`;
    }
  });
  afterAll(async () => stack?.close());

  it('draws the funnel in pipeline order with the conversion between stages, and lists the leads behind a bar', async () => {
    const d = await get(u.olga!, `/api/dashboard?${period}`);
    expect(d.empty).toBe(false);
    expect(d.filters).toMatchObject({ from, to, previousFrom: isoDay(prevStart), previousTo: isoDay(start - DAY) });
    const want = expectedFunnel(everyone);
    expect(want[1]!.count).toBeGreaterThan(want[3]!.count);
    expect(want[2]!.count).toBeGreaterThan(0);
    expect(d.funnel.map((s) => ({ stage: s.stage, count: s.count, conversion: s.conversion }))).toEqual(want);
    const offer = d.funnel.find((s) => s.stage === 'offer')!;
    const behind = leads.filter((l) => inP(l.createdAt) && l.events.some((e) => e.stage === 'offer')).map((l) => l.id).sort();
    expect(await items(u.olga!, offer.drill)).toEqual(behind);
    // A manager sees their team only.
    const mine = await get(u.mia!, `/api/dashboard?${period}`);
    expect(mine.funnel.map((s) => ({ stage: s.stage, count: s.count, conversion: s.conversion }))).toEqual(expectedFunnel(teamA));
  });

  it('counts loss reasons (disqualified included) and the average sales cycle with its monthly trend', async () => {
    const d = await get(u.olga!, `/api/dashboard?${period}`);
    const lost = leads.filter((l) => ['lost', 'disqualified'].includes(l.status) && inP(l.closedAt));
    const byReason = new Map<string, number>();
    for (const l of lost) byReason.set(l.lostReason ?? 'not_given', (byReason.get(l.lostReason ?? 'not_given') ?? 0) + 1);
    expect(Object.fromEntries(d.lossReasons.map((r) => [r.reason, r.count]))).toEqual(Object.fromEntries(byReason));
    expect(d.lossReasons.find((r) => r.reason === 'price')?.label).toBe('Price');
    expect(d.lossReasons.find((r) => r.reason === 'no_need')?.count).toBe(1);
    expect(await items(u.olga!, 'loss:price')).toEqual(lost.filter((l) => l.lostReason === 'price').map((l) => l.id).sort());

    const won = leads.filter((l) => l.status === 'won' && inP(l.closedAt));
    expect(won.length).toBeGreaterThan(3);
    expect(d.cycle.won).toBe(won.length);
    expect(d.cycle.averageDays).toBe(r1(avg(won.map((l) => daysBetween(l.createdAt, l.closedAt!)))));
    const months: string[] = [];
    for (let m = new Date(`${from.slice(0, 7)}-01T00:00:00Z`); m.getTime() < end; m.setUTCMonth(m.getUTCMonth() + 1)) months.push(m.toISOString().slice(0, 7));
    expect(months.length).toBeGreaterThanOrEqual(3);
    expect(d.cycle.trend.map((t) => t.month)).toEqual(months);
    for (const t of d.cycle.trend) {
      const w = won.filter((l) => new Date(l.closedAt!).toISOString().startsWith(t.month));
      expect(t.won, t.month).toBe(w.length);
      expect(t.averageDays, t.month).toBe(r1(avg(w.map((l) => daysBetween(l.createdAt, l.closedAt!)))));
    }
    const busiest = [...d.cycle.trend].sort((a, b) => b.won - a.won)[0]!.month;
    expect(await items(u.olga!, `cycle:${busiest}`)).toEqual(won.filter((l) => new Date(l.closedAt!).toISOString().startsWith(busiest)).map((l) => l.id).sort());
  });

  it('computes sales velocity for this period and the previous one', async () => {
    const d = await get(u.olga!, `/api/dashboard?${period}`);
    const cur = expectedVelocity(everyone, start, end);
    const prev = expectedVelocity(everyone, prevStart, start);
    expect(cur.openOpportunities).toBeGreaterThan(0);
    expect(d.velocity.current).toMatchObject(cur);
    expect(d.velocity.previous).toMatchObject(prev);
    expect(d.velocity.changePct).toBe(cur.velocity !== null && prev.velocity ? r1(((d.velocity.current.velocity as number) - (d.velocity.previous.velocity as number)) / (d.velocity.previous.velocity as number) * 100) : null);
    expect((await items(u.olga!, 'velocity:open:current')).length).toBe(cur.openOpportunities);
    expect((await items(u.olga!, 'velocity:won:previous')).length).toBe(prev.won);
  });

  it('forecasts open offers by expected close month, weighted by the stage probabilities, which ops can change', async () => {
    const probs: Record<string, number> = { draft: 10, sent: 25, confirmed: 40, in_follow_up: 60, postponed: 15 };
    const check = async () => {
      const d = await get(u.olga!, `/api/dashboard?${period}`);
      const recentWon = leads.filter((l) => l.status === 'won' && l.closedAt! >= now - 365 * DAY && l.offers.length);
      const typical = percentile(recentWon.map((l) => daysBetween(Math.min(...l.offers.map((o) => o.sentAt ?? o.createdAt)), l.closedAt!)), 0.5);
      expect(d.forecast.typicalDaysToClose).toBe(r1(typical));
      const months = new Map<string, { offers: number; total: number; weighted: number }>();
      for (const l of leads.filter(isOpen)) {
        const latest = [...l.offers].sort((a, b) => b.version - a.version)[0];
        if (!latest || !(latest.status in probs)) continue;
        const month = new Date(Math.max((latest.sentAt ?? latest.createdAt) + typical * DAY, now)).toISOString().slice(0, 7);
        const m = months.get(month) ?? { offers: 0, total: 0, weighted: 0 };
        months.set(month, { offers: m.offers + 1, total: m.total + latest.total, weighted: m.weighted + (latest.total * probs[latest.status]!) / 100 });
      }
      expect(d.forecast.probabilities).toEqual(probs);
      expect(d.forecast.months.map((m) => ({ month: m.month, offers: m.offers, total: m.total, weighted: m.weighted })))
        .toEqual([...months.entries()].sort().map(([month, m]) => ({ month, offers: m.offers, total: r2(m.total), weighted: r2(m.weighted) })));
      return d;
    };
    const d = await check();
    expect(d.forecast.months.reduce((s, m) => s + m.offers, 0)).toBeGreaterThan(2);
    const first = d.forecast.months[0]!;
    expect((await items(u.olga!, first.drill)).length).toBe(first.offers);

    // A manager may not change them; ops can, and the forecast follows; bad values are refused naming the field.
    const body = { draft: 5, sent: 30, confirmed: 50, in_follow_up: 70, postponed: 10 };
    const denied = await stack.app.inject({ method: 'PUT', url: '/api/dashboard/forecast-probabilities', headers: u.mia!.headers, payload: body });
    expect(denied.statusCode).toBe(403);
    const badRes = await stack.app.inject({ method: 'PUT', url: '/api/dashboard/forecast-probabilities', headers: u.olga!.headers, payload: { ...body, sent: 130 } });
    expect(badRes.statusCode).toBe(400);
    expect(badRes.body).toContain('sent');
    const ok = await stack.app.inject({ method: 'PUT', url: '/api/dashboard/forecast-probabilities', headers: u.olga!.headers, payload: body });
    expect(ok.statusCode, ok.body).toBe(200);
    Object.assign(probs, body);
    await check();
  });

  it('lists stalled deals beyond the team\'s 75th percentile for their stage, with p75 and sample', async () => {
    const d = await get(u.olga!, `/api/dashboard?${period}`);
    const want = expectedStalled(everyone);
    expect(want.length).toBeGreaterThan(LIST_LIMIT);
    expect(want.length).toBeLessThan(leads.filter(isOpen).length);
    expect(d.stalled.total).toBe(want.length);
    // The longest over their team's p75 first (then by id), the first LIST_LIMIT of them.
    const shown = [...want].sort((a, b) => b.days - b.p75 - (a.days - a.p75) || a.id.localeCompare(b.id)).slice(0, LIST_LIMIT);
    expect(d.stalled.items.map((i) => i.leadId)).toEqual(shown.map((w) => w.id));
    for (const w of shown) {
      const got = d.stalled.items.find((i) => i.leadId === w.id)!;
      expect(got.p75Days).toBe(r1(w.p75));
      expect(got.sample).toBe(w.n);
      expect(Math.abs(got.daysInStage - w.days)).toBeLessThan(0.11);
    }
    expect(await items(u.olga!, d.stalled.drill)).toEqual(want.map((w) => w.id).sort());
    // Carla's own dashboard has only her stalled deals.
    const carla = await get(u.carla!, `/api/dashboard?${period}`);
    const carlas = expectedStalled((l) => l.owner === 'rep-carla');
    expect(carla.stalled.total).toBe(carlas.length);
    expect(carla.stalled.items.map((i) => i.leadId).sort()).toEqual(carlas.map((w) => w.id).sort());
    // Mia manages team A: its stalled deals, in the same order.
    const mia = await get(u.mia!, `/api/dashboard?${period}`);
    const mias = expectedStalled(teamA).sort((a, b) => b.days - b.p75 - (a.days - a.p75) || a.id.localeCompare(b.id));
    expect(mia.stalled.total).toBe(mias.length);
    expect(mia.stalled.items.map((i) => i.leadId)).toEqual(mias.slice(0, LIST_LIMIT).map((w) => w.id));
  });

  it('estimates the time to close of each open deal from the team\'s closed deals at the same stage and segment', async () => {
    const d = await get(u.olga!, `/api/dashboard?${period}`);
    const open = leads.filter(isOpen);
    expect(open.length).toBeGreaterThan(LIST_LIMIT);
    expect(d.timeToClose.total).toBe(open.length);
    // Closest to closing first (overdue ones at 0, by entry into the stage; those without an estimate last), then by id.
    const remaining = (l: FxLead) => Math.max(0, (expectedTimeToClose(l, everyone).typical ?? 1e9) - daysBetween(l.stageEnteredAt, now));
    const shown = [...open].sort((a, b) => remaining(a) - remaining(b) || a.stageEnteredAt - b.stageEnteredAt || a.id.localeCompare(b.id)).slice(0, LIST_LIMIT);
    expect(d.timeToClose.items.map((i) => i.leadId)).toEqual(shown.map((l) => l.id));
    const bases = new Set<string>();
    for (const l of shown) {
      const got = d.timeToClose.items.find((i) => i.leadId === l.id)!;
      const want = expectedTimeToClose(l, everyone);
      expect(got, l.id).toMatchObject({ sample: want.sample, basis: want.basis, typicalDays: r1(want.typical), segment: segmentOf(l) });
      if (want.typical !== null) expect(Math.abs(got.remainingDays! - Math.max(0, want.typical - daysBetween(l.stageEnteredAt, now)))).toBeLessThan(0.11);
      bases.add(want.basis);
    }
    // Both the segment's own history and the fall-back to the whole team occur in the list.
    expect([...bases].sort()).toEqual(['segment', 'team']);
    // Mia (team A) sees her team's deals in the same order.
    const mia = await get(u.mia!, `/api/dashboard?${period}`);
    const mine = open.filter(teamA);
    expect(mine.length).toBeGreaterThan(LIST_LIMIT);
    expect(mia.timeToClose.total).toBe(mine.length);
    expect(mia.timeToClose.items.map((i) => i.leadId)).toEqual(
      [...mine].sort((a, b) => remaining(a) - remaining(b) || a.stageEnteredAt - b.stageEnteredAt || a.id.localeCompare(b.id)).slice(0, LIST_LIMIT).map((l) => l.id));
  });

  it('shows win rates by source and by rep', async () => {
    const d = await get(u.olga!, `/api/dashboard?${period}`);
    const closed = leads.filter((l) => ['won', 'lost'].includes(l.status) && inP(l.closedAt));
    for (const row of d.winRates.bySource) {
      const c = closed.filter((l) => l.source === row.key);
      const won = c.filter((l) => l.status === 'won').length;
      expect(row, row.key).toMatchObject({ won, lost: c.length - won, rate: r1((won / c.length) * 100) });
    }
    expect(d.winRates.bySource.reduce((s, r) => s + r.won + r.lost, 0)).toBe(closed.length);
    for (const rep of ['rep-anna', 'rep-ben', 'rep-carla']) {
      const c = closed.filter((l) => l.owner === rep);
      const won = c.filter((l) => l.status === 'won').length;
      expect(d.winRates.byRep.find((r) => r.key === rep), rep).toMatchObject({ won, lost: c.length - won });
    }
    const ben = d.winRates.byRep.find((r) => r.key === 'rep-ben')!;
    expect(await items(u.olga!, ben.drill)).toEqual(closed.filter((l) => l.owner === 'rep-ben').map((l) => l.id).sort());
  });

  it('keeps everyone to their scope: a rep sees their own figures, never another team\'s', async () => {
    const carla = await get(u.carla!, `/api/dashboard?${period}`);
    expect(carla.funnel.map((s) => s.count)).toEqual(expectedFunnel((l) => l.owner === 'rep-carla').map((s) => s.count));
    expect(carla.winRates.byRep.map((r) => r.key)).toEqual(['rep-carla']);
    // Asking for another rep or another team is refused, naming the field; the list behind a figure stays in scope.
    expect((await get<{ message: string }>(u.anna!, `/api/dashboard?${period}&rep=rep-carla`, 403)).message).toMatch(/^rep:/);
    expect((await get<{ message: string }>(u.anna!, `/api/dashboard?${period}&team=team-b`, 403)).message).toMatch(/^team:/);
    expect((await get<{ message: string }>(u.mia!, `/api/dashboard?${period}&team=team-b`, 403)).message).toMatch(/^team:/);
    const annaWon = await items(u.anna!, 'velocity:won:current');
    expect(annaWon).toEqual(leads.filter((l) => l.owner === 'rep-anna' && l.status === 'won' && inP(l.closedAt)).map((l) => l.id).sort());
    const miaLost = await items(u.mia!, 'winRep:rep-carla');
    expect(miaLost).toEqual([]);
    // Ops may narrow to a team.
    const b = await get(u.olga!, `/api/dashboard?${period}&team=team-b`);
    expect(b.funnel.map((s) => s.count)).toEqual(expectedFunnel((l) => l.team === 'team-b').map((s) => s.count));
  });

  it('refuses bad filters with a 400 naming the field, and says when a period is empty', async () => {
    const bad = async (q: string, field: string) => {
      const res = await stack.app.inject({ url: `/api/dashboard?${q}`, headers: u.olga!.headers });
      expect(res.statusCode, q).toBe(400);
      expect(res.body, q).toContain(field);
    };
    await bad('period=week', 'period');
    await bad('period=custom&from=2025-13-01&to=2025-12-31', 'from');
    await bad('period=custom&from=2025-01-01', 'to');
    await bad('period=30d&from=2025-01-01', 'from');
    await bad(`${period}&team=no-such-team`, 'team');
    await bad(`${period}&colour=red`, 'colour');
    const drill = await stack.app.inject({ url: `/api/dashboard/items?${period}&drill=nonsense:x`, headers: u.olga!.headers });
    expect(drill.statusCode).toBe(400);
    expect(drill.body).toContain('drill');
    const empty = await get(u.olga!, '/api/dashboard?period=custom&from=2019-01-01&to=2019-01-31&team=team-b');
    expect(empty.funnel).toEqual([]);
    expect(empty.lossReasons).toEqual([]);
    expect(empty.cycle.won).toBe(0);
  });
});

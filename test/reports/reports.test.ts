import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConstants } from '../../db/seed';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

// Known fixture data, generated from a fixed seed; every expected figure below is counted in plain TypeScript from
// these arrays, never with the reports' SQL.

interface FxLead { id: string; owner: string | null; team: string; source: string; status: string; account: string | null; createdAt: Date; closedAt: Date | null }
interface FxVisit { id: string; lead: string; rep: string; type: string; at: Date }
interface FxOffer { id: string; lead: string; status: string; reason: string | null; total: number; createdAt: Date; sentAt: Date | null; confirmedAt: Date | null }
interface FxOrder { id: string; lead: string; total: number; createdAt: Date }

const DAY = 86_400_000;
const from = '2025-01-01';
const to = '2025-03-31';
const start = Date.parse(`${from}T00:00:00Z`);
const end = Date.parse(`${to}T00:00:00Z`) + DAY;
const inPeriod = (d: Date | null) => !!d && d.getTime() >= start && d.getTime() < end;

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const accounts = [
  { id: 'acc-a1', name: 'Alpha One', importance: 'A' }, { id: 'acc-a2', name: 'Alpha Two', importance: 'A' },
  { id: 'acc-b1', name: 'Beta One', importance: 'B' }, { id: 'acc-c1', name: 'Gamma One', importance: 'C' },
];
const teamOf: Record<string, string> = { 'rep-anna': 'team-a', 'rep-ben': 'team-a', 'rep-carla': 'team-b' };
const now = Date.now();

const leads: FxLead[] = [];
const visits: FxVisit[] = [];
const offers: FxOffer[] = [];
const orders: FxOrder[] = [];
for (let i = 0; i < 80; i++) {
  const owner = pick(['rep-anna', 'rep-ben', 'rep-carla', null, 'rep-anna'] as const);
  // A few leads fall before and after the period, so the period has to be applied.
  const createdAt = new Date(Date.parse('2024-12-20T00:00:00Z') + Math.floor(rand() * 110) * DAY + 3_600_000 * Math.floor(rand() * 20));
  const status = pick(['open', 'open', 'nurturing', 'qualified', 'won', 'lost', 'disqualified'] as const);
  const closed = status === 'won' || status === 'lost' || status === 'disqualified';
  const lead: FxLead = {
    id: `r-${i}`, owner, team: owner ? teamOf[owner]! : pick(['team-a', 'team-b']), source: pick(['web', 'partner', 'import', 'manual'] as const), status,
    account: pick([...accounts.map((a) => a.id), null]), createdAt, closedAt: closed ? new Date(createdAt.getTime() + 20 * DAY) : null,
  };
  leads.push(lead);
  const nVisits = owner ? pick([0, 0, 1, 2, 3]) : pick([0, 0, 0, 1]);
  for (let k = 0; k < nVisits; k++) {
    visits.push({ id: `${lead.id}-v${k}`, lead: lead.id, rep: owner ?? pick(['rep-anna', 'rep-carla']), type: pick(['phone', 'on_site', 'telepresence', 'email']),
      at: new Date(createdAt.getTime() + (k + 1) * 2 * DAY) });
  }
  if (owner && rand() < 0.5) {
    const st = pick(['draft', 'sent', 'confirmed', 'in_follow_up', 'renegotiated', 'accepted', 'rejected', 'postponed'] as const);
    const offerAt = new Date(createdAt.getTime() + 5 * DAY);
    const sent = st !== 'draft';
    offers.push({ id: `${lead.id}-o1`, lead: lead.id, status: st, reason: st === 'rejected' ? pick(['price', 'competition', null]) : null, total: 1000 + i * 10,
      createdAt: offerAt, sentAt: sent ? offerAt : null, confirmedAt: ['confirmed', 'in_follow_up', 'accepted'].includes(st) ? new Date(offerAt.getTime() + DAY) : null });
    if (st === 'accepted') orders.push({ id: `${lead.id}-ord`, lead: lead.id, total: 1000 + i * 10, createdAt: new Date(offerAt.getTime() + 3 * DAY) });
  }
}
// Recent work, relative to today: a recent visit to Alpha One, and sent offers unconfirmed for 40 and for 5 days.
const recentLead: FxLead = { id: 'r-recent', owner: 'rep-ben', team: 'team-a', source: 'web', status: 'open', account: 'acc-a1', createdAt: new Date(now - 60 * DAY), closedAt: null };
leads.push(recentLead);
visits.push({ id: 'r-recent-v', lead: 'r-recent', rep: 'rep-ben', type: 'on_site', at: new Date(now - 10 * DAY) });
offers.push({ id: 'r-recent-old', lead: 'r-recent', status: 'sent', reason: null, total: 500, createdAt: new Date(now - 40 * DAY), sentAt: new Date(now - 40 * DAY), confirmedAt: null });
const carlaLead: FxLead = { id: 'r-carla-new', owner: 'rep-carla', team: 'team-b', source: 'partner', status: 'qualified', account: 'acc-c1', createdAt: new Date(now - 50 * DAY), closedAt: null };
leads.push(carlaLead);
offers.push({ id: 'r-carla-new-o', lead: 'r-carla-new', status: 'sent', reason: null, total: 700, createdAt: new Date(now - 5 * DAY), sentAt: new Date(now - 5 * DAY), confirmedAt: null });

const open = (l: FxLead) => ['open', 'nurturing', 'qualified'].includes(l.status);
const visited = (l: FxLead) => visits.some((v) => v.lead === l.id);
const inTeamA = (l: FxLead) => l.team === 'team-a' || (l.owner !== null && teamOf[l.owner] === 'team-a');
const leadById = new Map(leads.map((l) => [l.id, l]));
const classOf = (l: FxLead) => accounts.find((a) => a.id === l.account)?.importance ?? 'none';

type Cell = { value: number | null; drill: string | null; finder: string | null };
type Report = { empty: boolean; description: string; tables: { id: string; rows: { key: string; label: string; cells: Record<string, Cell> }[] }[] };
const cell = (r: Report, table: string, row: string, col: string): Cell => {
  const t = r.tables.find((x) => x.id === table);
  const found = t?.rows.find((x) => x.key === row);
  return found?.cells[col] ?? { value: 0, drill: null, finder: null };
};

describe('reports', () => {
  let stack: TestStack;
  const u: Record<string, TestUser> = {};
  const get = async <T = Report>(who: TestUser, url: string, status = 200): Promise<T> => {
    const res = await stack.app.inject({ url, headers: who.headers });
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as T;
  };
  const period = `from=${from}&to=${to}`;

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    await ensureConstants(sql);
    u.anna = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-anna' });
    u.ben = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-ben' });
    u.carla = await createUser(sql, { role: 'rep', teamId: 'team-b', id: 'rep-carla' });
    u.mia = await createUser(sql, { role: 'manager', teamId: 'team-a', id: 'mgr-mia' });
    // A rep with nothing at all in the fixture: still a row (of zeros) where reports go per rep.
    u.dora = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-dora' });
    u.olga = await createUser(sql, { role: 'ops', id: 'ops-olga' });
    for (const a of accounts) await sql`insert into accounts (id, name, importance) values (${a.id}, ${a.name}, ${a.importance})`;
    for (const l of leads) {
      const last = visits.filter((v) => v.lead === l.id).map((v) => v.at).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
      await sql`insert into leads (id, dedupe_key, source, status, stage, owner_id, team_id, account_id, name, pipeline_id, pipeline_version, created_at, closed_at, last_visit_at)
                values (${l.id}, ${l.id}, ${l.source}, ${l.status}, ${l.status}, ${l.owner}, ${l.team}, ${l.account}, ${`Lead ${l.id}`}, 'default', 1, ${l.createdAt}, ${l.closedAt}, ${last})`;
    }
    for (const v of visits) await sql`insert into visits (id, lead_id, rep_id, type, status, occurred_at) values (${v.id}, ${v.lead}, ${v.rep}, ${v.type}, 'contact', ${v.at})`;
    for (const o of offers) {
      await sql`insert into offers (id, lead_id, version, status, rejection_reason, total, sent_at, confirmed_at, created_at)
                values (${o.id}, ${o.lead}, 1, ${o.status}, ${o.reason}, ${o.total}, ${o.sentAt}, ${o.confirmedAt}, ${o.createdAt})`;
    }
    for (const o of orders) await sql`insert into orders (id, lead_id, total, created_at) values (${o.id}, ${o.lead}, ${o.total}, ${o.createdAt})`;
  });
  afterAll(async () => stack?.close());

  it('counts prospects never contacted, unassigned versus assigned, and lists which', async () => {
    const r = await get(u.olga!, `/api/reports/never-contacted?${period}`);
    const never = leads.filter((l) => open(l) && inPeriod(l.createdAt) && !visited(l));
    const unassigned = never.filter((l) => !l.owner);
    const assigned = never.filter((l) => l.owner);
    expect(unassigned.length).toBeGreaterThan(0);
    expect(assigned.length).toBeGreaterThan(0);
    expect(cell(r, 'summary', 'unassigned', 'leads').value).toBe(unassigned.length);
    expect(cell(r, 'summary', 'assigned', 'leads').value).toBe(assigned.length);
    expect(cell(r, 'byRep', 'rep-anna', 'never').value).toBe(assigned.filter((l) => l.owner === 'rep-anna').length);

    // The number opens the leads behind it: the report's own list, and the finder with the same filters.
    const list = await get<{ total: number; items: { leadId: string }[] }>(u.olga!, `/api/reports/never-contacted/items?${period}&drill=${encodeURIComponent(cell(r, 'summary', 'assigned', 'leads').drill!)}`);
    expect(list.items.map((i) => i.leadId).sort()).toEqual(assigned.map((l) => l.id).sort());
    const finder = cell(r, 'summary', 'unassigned', 'leads').finder!;
    expect(finder).toMatch(/^\/leads\?/);
    const viaFinder = await get<{ total: number }>(u.olga!, `/api${finder}`);
    expect(viaFinder.total).toBe(unassigned.length);

    // A manager sees only their team's prospects.
    const mine = await get(u.mia!, `/api/reports/never-contacted?${period}`);
    expect(cell(mine, 'summary', 'unassigned', 'leads').value).toBe(unassigned.filter(inTeamA).length);
    expect(cell(mine, 'summary', 'assigned', 'leads').value).toBe(assigned.filter(inTeamA).length);
  });

  it('lists the important customers nobody visited in the last N days', async () => {
    const r = await get(u.olga!, '/api/reports/important-customers?days=30');
    // Alpha One was visited 10 days ago; Alpha Two only in the fixture period (long ago) or never; Beta One likewise.
    const lastVisit = (acc: string) => Math.max(0, ...visits.filter((v) => leadById.get(v.lead)!.account === acc).map((v) => v.at.getTime()));
    const notVisited = (cls: string) => accounts.filter((a) => a.importance === cls && lastVisit(a.id) < now - 30 * DAY);
    expect(cell(r, 'byClass', 'A', 'accounts').value).toBe(2);
    expect(cell(r, 'byClass', 'A', 'notVisited').value).toBe(notVisited('A').length);
    expect(notVisited('A').map((a) => a.id)).toEqual(['acc-a2']);
    expect(cell(r, 'byClass', 'B', 'notVisited').value).toBe(notVisited('B').length);
    expect(r.tables[0]!.rows.map((x) => x.key)).not.toContain('C');
    const list = await get<{ items: { accountId: string; label: string }[] }>(u.olga!, `/api/reports/important-customers/items?days=30&drill=${encodeURIComponent(cell(r, 'byClass', 'A', 'notVisited').drill!)}`);
    expect(list.items.map((i) => i.accountId)).toEqual(['acc-a2']);
    // Class C counts as important when asked for.
    const withC = await get(u.olga!, '/api/reports/important-customers?days=30&classes=A,B,C');
    expect(cell(withC, 'byClass', 'C', 'accounts').value).toBe(1);
  });

  it('counts leads that became offers and orders, with rates, by month, rep and source', async () => {
    const r = await get(u.olga!, `/api/reports/conversion?${period}`);
    const inP = leads.filter((l) => inPeriod(l.createdAt));
    const offered = (l: FxLead) => offers.some((o) => o.lead === l.id && o.status !== 'draft');
    const ordered = (l: FxLead) => orders.some((o) => o.lead === l.id);
    for (const source of ['web', 'partner', 'import', 'manual']) {
      const ls = inP.filter((l) => l.source === source);
      expect(cell(r, 'bySource', source, 'leads').value, source).toBe(ls.length);
      expect(cell(r, 'bySource', source, 'offers').value, source).toBe(ls.filter(offered).length);
      expect(cell(r, 'bySource', source, 'orders').value, source).toBe(ls.filter(ordered).length);
    }
    const anna = inP.filter((l) => l.owner === 'rep-anna');
    const annaOffers = anna.filter(offered).length;
    expect(cell(r, 'byRep', 'rep-anna', 'offerRate').value).toBe(Math.round((annaOffers / anna.length) * 1000) / 10);
    expect(cell(r, 'byRep', 'rep-anna', 'orderRate').value).toBe(annaOffers ? Math.round((anna.filter(ordered).length / annaOffers) * 1000) / 10 : null);
    expect(r.tables.find((t) => t.id === 'byMonth')!.rows.map((x) => x.key)).toEqual(['2025-01', '2025-02', '2025-03', '_total']);
    expect(cell(r, 'byMonth', '2025-02', 'leads').value).toBe(inP.filter((l) => l.createdAt.toISOString().startsWith('2025-02')).length);
    expect(cell(r, 'byMonth', '_total', 'orders').value).toBe(inP.filter(ordered).length);
    // Leads of a month open in the finder.
    const feb = await get<{ total: number }>(u.olga!, `/api${cell(r, 'byMonth', '2025-02', 'leads').finder!}`);
    expect(feb.total).toBe(cell(r, 'byMonth', '2025-02', 'leads').value);
  });

  it('counts visits per rep by customer class and type, and the visits that became offers', async () => {
    const r = await get(u.olga!, `/api/reports/visits?${period}`);
    const inP = visits.filter((v) => inPeriod(v.at));
    const byAnna = inP.filter((v) => v.rep === 'rep-anna');
    for (const cls of ['A', 'B', 'C', 'none']) {
      expect(cell(r, 'byClass', 'rep-anna', cls).value, cls).toBe(byAnna.filter((v) => classOf(leadById.get(v.lead)!) === cls).length);
    }
    expect(cell(r, 'byType', 'rep-carla', 'phone').value).toBe(inP.filter((v) => v.rep === 'rep-carla' && v.type === 'phone').length);
    expect(cell(r, 'byType', '_total', 'all').value).toBe(inP.length);
    const became = (v: FxVisit) => offers.some((o) => o.lead === v.lead && o.status !== 'draft' && o.createdAt >= v.at);
    expect(cell(r, 'offers', 'rep-ben', 'becameOffer').value).toBe(inP.filter((v) => v.rep === 'rep-ben' && became(v)).length);
    expect(cell(r, 'offers', '_total', 'becameOffer').value).toBeGreaterThan(0);
    // A rep who made no visit is listed with zeros, not left out; a manager sees their team's reps, and another
    // team's rep only for visits to the manager's own leads.
    expect(r.tables.find((t) => t.id === 'byClass')!.rows.find((x) => x.key === 'rep-dora')?.cells.all?.value).toBe(0);
    const mine = await get(u.mia!, `/api/reports/visits?${period}`);
    const carlaOnOurs = inP.filter((v) => v.rep === 'rep-carla' && inTeamA(leadById.get(v.lead)!));
    expect(mine.tables[0]!.rows.map((x) => x.key)).toEqual(['rep-anna', 'rep-ben', 'rep-dora', ...(carlaOnOurs.length ? ['rep-carla'] : []), '_total']);
    expect(cell(mine, 'byClass', 'rep-carla', 'all').value).toBe(carlaOnOurs.length);
  });

  it('counts offers by status and rejection reason, and lists sent offers unconfirmed after N days', async () => {
    const r = await get(u.olga!, `/api/reports/offers?${period}&days=30`);
    const inP = offers.filter((o) => o.status !== 'draft' && inPeriod(o.createdAt));
    for (const st of ['sent', 'confirmed', 'accepted', 'rejected']) {
      expect(cell(r, 'byStatus', st, 'offers').value, st).toBe(inP.filter((o) => o.status === st).length);
    }
    expect(cell(r, 'byStatus', '_total', 'value').value).toBe(inP.reduce((s, o) => s + o.total, 0));
    expect(cell(r, 'rejected', 'price', 'offers').value).toBe(inP.filter((o) => o.status === 'rejected' && o.reason === 'price').length);
    const unconfirmed = offers.filter((o) => o.status === 'sent' && !o.confirmedAt && o.sentAt!.getTime() < now - 30 * DAY);
    expect(unconfirmed.map((o) => o.id)).toContain('r-recent-old');
    expect(unconfirmed.map((o) => o.id)).not.toContain('r-carla-new-o');
    expect(cell(r, 'unconfirmed', '_total', 'offers').value).toBe(unconfirmed.length);
    const list = await get<{ items: { id: string }[] }>(u.olga!, `/api/reports/offers/items?${period}&days=30&drill=${encodeURIComponent(cell(r, 'unconfirmed', '_total', 'offers').drill!)}`);
    expect(list.items.map((i) => i.id).sort()).toEqual(unconfirmed.map((o) => o.id).sort());
  });

  it('shows the general situation overall and per rep', async () => {
    const r = await get(u.olga!, `/api/reports/overview?${period}`);
    const ownedBy = (rep: string | null) => (l: FxLead) => l.owner === rep;
    for (const rep of ['rep-anna', 'rep-ben', 'rep-carla']) {
      expect(cell(r, 'byRep', rep, 'open').value, rep).toBe(leads.filter((l) => ownedBy(rep)(l) && open(l)).length);
      expect(cell(r, 'byRep', rep, 'created').value, rep).toBe(leads.filter((l) => ownedBy(rep)(l) && inPeriod(l.createdAt)).length);
      expect(cell(r, 'byRep', rep, 'won').value, rep).toBe(leads.filter((l) => ownedBy(rep)(l) && l.status === 'won' && inPeriod(l.closedAt)).length);
      expect(cell(r, 'byRep', rep, 'visits').value, rep).toBe(visits.filter((v) => v.rep === rep && inPeriod(v.at)).length);
    }
    const periodOrders = orders.filter((o) => inPeriod(o.createdAt));
    expect(cell(r, 'byRep', '_total', 'orders').value).toBe(periodOrders.length);
    expect(cell(r, 'byRep', '_total', 'orderValue').value).toBe(periodOrders.reduce((s, o) => s + o.total, 0));
    expect(cell(r, 'byRep', '_total', 'offersSent').value).toBe(offers.filter((o) => inPeriod(o.sentAt)).length);
    expect(cell(r, 'byRep', 'unassigned', 'open').value).toBe(leads.filter((l) => !l.owner && open(l)).length);

    // Filtered to one rep, only that rep's row is left.
    const ben = await get(u.mia!, `/api/reports/overview?${period}&rep=rep-ben`);
    expect(ben.tables[0]!.rows.map((x) => x.key)).toEqual(['rep-ben', '_total']);
    const team = await get(u.olga!, `/api/reports/overview?${period}&team=team-b`);
    expect(team.tables[0]!.rows.map((x) => x.key).filter((k) => k.startsWith('rep-'))).toEqual(['rep-carla']);
    expect(cell(team, 'byRep', 'rep-carla', 'open').finder).toBeNull();
  });

  it('exports a report and the list behind a number as CSV', async () => {
    const res = await stack.app.inject({ url: `/api/reports/offers/export.csv?${period}&days=30`, headers: u.olga!.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toContain('offers-2025-01-01-2025-03-31.csv');
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('table,row,column,value');
    const rejected = offers.filter((o) => o.status === 'rejected' && inPeriod(o.createdAt)).length;
    expect(lines).toContain(`By status,Rejected,Offers,${rejected}`);
    const unconfirmed = await stack.app.inject({ url: `/api/reports/offers/export.csv?${period}&days=30&drill=${encodeURIComponent('unconfirmed|_total|offers')}`, headers: u.olga!.headers });
    expect(unconfirmed.body.trim().split('\n')[0]).toBe('kind,id,name,rep,date,detail,value');
    expect(unconfirmed.body).toContain('r-recent-old');
    const [logged] = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'report.exported' and actor_id = 'ops-olga'`;
    expect(logged!.n).toBe(2);
  });

  it('counts every number in the database exactly as many records as the list behind it shows', async () => {
    // The figures are counted by SQL in groups, the lists read record by record: for every report, every number, an
    // ops user and a manager, both agree (and a count never comes out of nowhere).
    const names = ['never-contacted', 'important-customers', 'conversion', 'visits', 'offers', 'overview'];
    let checked = 0;
    for (const who of [u.olga!, u.mia!]) {
      for (const name of names) {
        const q = name === 'important-customers' ? 'days=30&classes=A,B,C' : `${period}&days=30`;
        const r = await get<Report & { tables: { id: string; columns: { key: string; kind: string }[]; rows: { key: string; cells: Record<string, Cell> }[] }[] }>(who, `/api/reports/${name}?${q}`);
        for (const t of r.tables) {
          for (const row of t.rows) {
            for (const c of t.columns) {
              const x = row.cells[c.key]!;
              if (c.kind === 'rate') continue;
              const list = await get<{ total: number; items: { value: number | null }[] }>(who, `/api/reports/${name}/items?${q}&drill=${encodeURIComponent(x.drill!)}`);
              const expected = c.kind === 'sum' ? Math.round(list.items.reduce((s, i) => s + (i.value ?? 0), 0) * 100) / 100 : list.total;
              expect(x.value, `${name} ${t.id} ${row.key} ${c.key}`).toBe(expected);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('answers an empty period with an empty report, not an error', async () => {
    const r = await get(u.olga!, '/api/reports/conversion?from=2019-01-01&to=2019-01-31');
    expect(r.empty).toBe(true);
    expect(cell(r, 'bySource', '_total', 'leads').value).toBe(0);
    expect(cell(r, 'bySource', '_total', 'offerRate').value).toBeNull();
  });

  it('refuses bad filters naming the field, and reps and other teams', async () => {
    const problem = async (url: string, status: number, field: string, who = u.olga!) => {
      const body = await get<{ problems: { path: string }[] }>(who, url, status);
      expect(body.problems.map((p) => p.path)).toContain(field);
    };
    await problem('/api/reports/visits?from=2025-02-30', 400, 'querystring.from');
    await problem('/api/reports/visits?from=2025-03-01&to=2025-02-01', 400, 'querystring.to');
    await problem('/api/reports/visits?team=team-nope', 400, 'querystring.team');
    await problem('/api/reports/visits?rep=nobody', 400, 'querystring.rep');
    await problem('/api/reports/offers?days=0', 400, 'querystring.days');
    await problem('/api/reports/visits?colour=red', 400, 'querystring.colour');
    await problem('/api/reports/important-customers?classes=D', 400, 'querystring.classes.0');
    await problem('/api/reports/offers/items?drill=nope|x|y', 400, 'querystring.drill');
    await problem('/api/reports/visits?team=team-b', 403, 'querystring.team', u.mia!);
    await problem('/api/reports/visits?rep=rep-carla', 403, 'querystring.rep', u.mia!);
    await get(u.anna!, '/api/reports/overview', 403);
    const unknown = await stack.app.inject({ url: '/api/reports/forecast', headers: u.olga!.headers });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('params.report');
  });
});

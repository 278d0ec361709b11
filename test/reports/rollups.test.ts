import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../../api/auth/types';
import { resolveFilters } from '../../api/reports/filters';
import { runReport } from '../../api/reports/run';
import type { ReportResult } from '../../api/reports/schemas';
import { funnel, lossReasons, type DashboardFilters } from '../../db/dashboard';
import { ensureDefaultPipeline } from '../../db/pipelines';
import { seededRandom } from '../../db/seeded-random';
import { ensureConstants } from '../../db/seed';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

// The report rollups are kept by triggers in the writing transaction: a write shows in the next report at once, and
// after any sequence of writes the rollups (and the stage stays) equal a recount from the records (report_rollups_rebuild).

const DAY = 86_400_000;
const now = new Date();
const ops: AuthUser = { id: 'ops-olga', email: 'olga@example.test', name: 'Olga', role: 'ops', teamId: null };
const reps = ['rep-anna', 'rep-ben', 'rep-carla'];
const teamOf: Record<string, string> = { 'rep-anna': 'team-a', 'rep-ben': 'team-a', 'rep-carla': 'team-b' };
const rollupTables = ['report_lead_state', 'rollup_leads', 'rollup_closed', 'rollup_stages', 'rollup_visits', 'rollup_offers', 'rollup_offers_sent', 'rollup_unconfirmed', 'rollup_orders', 'rollup_opportunities', 'report_accounts', 'stage_stays'];

const cell = (r: ReportResult, table: string, row: string, col: string) =>
  r.tables.find((t) => t.id === table)?.rows.find((x) => x.key === row)?.cells[col]?.value ?? 0;

describe('report rollups', () => {
  let db: TestDatabase;

  /** Every rollup's rows that count something, as sorted JSON lines (zero rows left by removals are no difference). */
  async function snapshot(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const t of rollupTables) {
      const rows = await db.sql.unsafe(`select * from ${t}`);
      out[t] = rows
        .filter((r) => !('n' in r) || Number(r.n) !== 0)
        .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => {
          if (['value', 'order_value', 'order_total'].includes(k) && v !== null) return [k, Number(v).toFixed(2)];
          if (k === 'cycle_secs') return [k, Number(v).toFixed(3)];
          return [k, v instanceof Date ? v.toISOString() : v];
        }))))
        .sort();
    }
    return out;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const sql = db.sql;
    await ensureConstants(sql);
    await ensureDefaultPipeline(sql);
    await sql`insert into teams (id, name) values ('team-a', 'Team A'), ('team-b', 'Team B')`;
    for (const id of reps) await sql`insert into users (id, email, name, role, team_id) values (${id}, ${`${id}@example.test`}, ${id}, 'rep', ${teamOf[id]!})`;
    await sql`insert into users (id, email, name, role) values ('ops-olga', 'olga@example.test', 'Olga', 'ops')`;
    await sql`insert into accounts (id, name, importance) values ('acc-1', 'One', 'A'), ('acc-2', 'Two', 'B'), ('acc-3', 'Three', 'C')`;
  });
  afterAll(async () => db?.drop());

  it('shows a visit, an offer status change and a stage change in the next report at once', async () => {
    const sql = db.sql;
    const f = await resolveFilters(sql, ops, {}, now);
    const at = new Date(now.getTime() - 3 * DAY);
    await sql`insert into leads (id, dedupe_key, source, status, stage, owner_id, team_id, account_id, name, pipeline_id, pipeline_version, created_at)
              values ('fresh-1', 'fresh-1', 'web', 'open', 'qualification', 'rep-anna', 'team-a', 'acc-1', 'Fresh', 'default', 1, ${at})`;
    const before = await runReport(sql, ops, 'visits', f, now);
    expect(cell(before, 'byClass', 'rep-anna', 'A')).toBe(0);
    const never = await runReport(sql, ops, 'never-contacted', f, now);
    expect(cell(never, 'byRep', 'rep-anna', 'never')).toBe(1);

    await sql.begin(async (tx) => {
      await tx`insert into visits (id, lead_id, rep_id, type, status, occurred_at) values ('fresh-1-v', 'fresh-1', 'rep-anna', 'on_site', 'contact', ${new Date(at.getTime() + DAY)})`;
      await tx`update leads set last_visit_at = ${new Date(at.getTime() + DAY)} where id = 'fresh-1'`;
    });
    const after = await runReport(sql, ops, 'visits', f, now);
    expect(cell(after, 'byClass', 'rep-anna', 'A')).toBe(1);
    expect(cell(after, 'offers', 'rep-anna', 'becameOffer')).toBe(0);
    expect(cell(await runReport(sql, ops, 'never-contacted', f, now), 'byRep', 'rep-anna', 'never')).toBe(0);

    // An offer after the visit: the visit became an offer; sending, then accepting it moves it between statuses.
    await sql`insert into offers (id, lead_id, version, status, total, created_at, sent_at) values ('fresh-1-o', 'fresh-1', 1, 'sent', 900, ${new Date(at.getTime() + 2 * DAY)}, ${new Date(at.getTime() + 2 * DAY)})`;
    expect(cell(await runReport(sql, ops, 'visits', f, now), 'offers', 'rep-anna', 'becameOffer')).toBe(1);
    const sent = await runReport(sql, ops, 'offers', f, now);
    expect(cell(sent, 'byStatus', 'sent', 'offers')).toBe(1);
    await sql`update offers set status = 'accepted', confirmed_at = now() where id = 'fresh-1-o'`;
    const accepted = await runReport(sql, ops, 'offers', f, now);
    expect(cell(accepted, 'byStatus', 'sent', 'offers')).toBe(0);
    expect(cell(accepted, 'byStatus', 'accepted', 'offers')).toBe(1);
    expect(cell(accepted, 'byStatus', 'accepted', 'value')).toBe(900);

    // A stage change on the timeline: the funnel counts the lead at the new stage; a loss shows in the loss reasons.
    const df: DashboardFilters = { viewer: ops, start: f.start, end: f.end, prevStart: new Date(f.start.getTime() - 365 * DAY), prevEnd: f.start, team: null, rep: null, now };
    const stageCount = async (stage: string) => (await funnel(sql, df)).find((s) => s.stage === stage)?.count ?? 0;
    expect(await stageCount('negotiation')).toBe(0);
    await sql`insert into lead_events (lead_id, type, stage, at) values ('fresh-1', 'stage_changed', 'negotiation', now())`;
    expect(await stageCount('negotiation')).toBe(1);
    await sql`update leads set status = 'lost', stage = 'lost', lost_reason = 'timing', closed_at = now() where id = 'fresh-1'`;
    expect((await lossReasons(sql, df)).find((r) => r.reason === 'timing')?.count).toBe(1);
  });

  it('equals a recount from the records after random writes of every kind', async () => {
    const sql = db.sql;
    const r = seededRandom(15);
    const leads: string[] = [];
    const visits: string[] = [];
    const offers: { id: string; lead: string }[] = [];
    const ordered = new Set<string>();
    const t = (days: number) => new Date(now.getTime() - days * DAY + r.int(0, 86_399) * 1000);
    const ops = [
      async () => {
        const id = `rnd-${leads.length}`;
        const owner = r.next() < 0.2 ? null : r.pick(reps);
        await sql`insert into leads (id, dedupe_key, source, status, stage, owner_id, team_id, account_id, name, pipeline_id, pipeline_version, created_at, last_visit_at)
                  values (${id}, ${id}, ${r.pick(['web', 'partner', 'import', 'manual'])}, 'open', 'captured', ${owner}, ${owner ? teamOf[owner]! : r.pick(['team-a', 'team-b'])},
                          ${r.pick(['acc-1', 'acc-2', 'acc-3', null])}, ${id}, 'default', 1, ${t(r.int(0, 400))}, null)`;
        leads.push(id);
      },
      async () => {
        const lead = r.pick(leads);
        const id = `${lead}-v${visits.length}`;
        const at = t(r.int(0, 200));
        await sql`insert into visits (id, lead_id, rep_id, type, status, occurred_at, offer_id)
                  values (${id}, ${lead}, ${r.pick(reps)}, ${r.pick(['phone', 'on_site', 'email'])}, 'contact', ${at}, ${offers.length && r.next() < 0.1 ? r.pick(offers).id : null})`;
        await sql`update leads set last_visit_at = greatest(last_visit_at, ${at}) where id = ${lead}`;
        visits.push(id);
      },
      async () => {
        const lead = r.pick(leads);
        const id = `${lead}-o${offers.length}`;
        const at = t(r.int(0, 200));
        const status = r.pick(['draft', 'sent', 'sent', 'confirmed', 'rejected']);
        await sql`insert into offers (id, lead_id, version, status, rejection_reason, total, created_at, sent_at)
                  values (${id}, ${lead}, ${offers.length + 1}, ${status}, ${status === 'rejected' ? 'price' : null}, ${r.int(100, 5000)}, ${at}, ${status === 'draft' ? null : at})`;
        offers.push({ id, lead });
      },
      async () => {
        const o = r.pick(offers);
        const status = r.pick(['sent', 'confirmed', 'in_follow_up', 'accepted', 'rejected', 'postponed']);
        await sql`update offers set status = ${status}, confirmed_at = ${status === 'sent' ? null : now}, total = total + 1 where id = ${o.id}`;
        if (status === 'accepted' && !ordered.has(o.lead)) {
          ordered.add(o.lead);
          await sql`insert into orders (id, lead_id, offer_id, total, created_at) values (${`ord-${o.lead}`}, ${o.lead}, ${o.id}, ${r.int(100, 5000)}, ${t(r.int(0, 100))})`;
        }
      },
      async () => {
        const lead = r.pick(leads);
        await sql`update leads set owner_id = ${r.pick(reps)}, team_id = ${r.pick(['team-a', 'team-b'])} where id = ${lead}`;
      },
      async () => {
        const lead = r.pick(leads);
        const status = r.pick(['won', 'lost', 'disqualified', 'nurturing', 'qualified']);
        const closed = ['won', 'lost', 'disqualified'].includes(status);
        await sql`update leads set status = ${status}, stage = ${closed ? status : r.pick(['qualification', 'offer'])},
                                   lost_reason = ${status === 'lost' ? r.pick(['price', 'timing', null]) : null}, closed_at = ${closed ? t(r.int(0, 30)) : null} where id = ${lead}`;
      },
      async () => {
        await sql`insert into lead_events (lead_id, type, stage, at) values (${r.pick(leads)}, 'stage_changed', ${r.pick(['qualification', 'offer', 'nurturing'])}, ${t(r.int(0, 100))})`;
      },
      async () => {
        await sql`update leads set company_size = ${r.pick([null, 10, 200, 5000])} where id = ${r.pick(leads)}`;
      },
      async () => {
        // A stage event moved in time or removed: the stays around it change.
        const [e] = await sql<{ id: string }[]>`select id from lead_events where stage is not null order by id limit 1 offset ${r.int(0, 20)}`;
        if (!e) return;
        if (r.next() < 0.5) await sql`update lead_events set at = ${t(r.int(0, 100))} where id = ${e.id}`;
        else await sql`delete from lead_events where id = ${e.id}`;
      },
      async () => {
        await sql`update accounts set importance = ${r.pick(['A', 'B', 'C'])}, owner_id = ${r.pick([...reps, null])} where id = ${r.pick(['acc-1', 'acc-2', 'acc-3'])}`;
      },
      async () => {
        if (!visits.length) return;
        const id = visits.splice(r.int(0, visits.length - 1), 1)[0]!;
        await sql`delete from visits where id = ${id}`;
      },
    ];
    for (let i = 0; i < 5; i++) await ops[0]!();
    for (let step = 1; step <= 240; step++) {
      await r.pick(ops)();
      if (step % 80 === 0) {
        const kept = await snapshot();
        await sql`select report_rollups_rebuild()`;
        const recount = await snapshot();
        for (const table of rollupTables) expect(kept[table], `${table} after ${step} writes`).toEqual(recount[table]);
        expect(kept.rollup_visits!.length).toBeGreaterThan(0);
        expect(kept.stage_stays!.length).toBeGreaterThan(0);
        expect(kept.rollup_opportunities!.length).toBeGreaterThan(0);
      }
    }
  });
});

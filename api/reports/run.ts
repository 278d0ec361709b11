import type { Sql } from '../../db/client';
import { managedTeams } from '../auth/scope';
import type { AuthUser } from '../auth/types';
import { reports, type Labels } from './definitions';
import type { ReportFilters, ReportName } from './filters';
import { buildTable, factsBehind, type Fact } from './model';
import type { ReportTable } from './schemas';

async function loadLabels(sql: Sql): Promise<Labels> {
  const rows = await sql<{ category: string; code: string; label: string }[]>`
    select category, code, label from constants where category in ('visit_type', 'rejection_reason') and active order by category, sort, code`;
  const out: Labels = {};
  for (const r of rows) (out[r.category] ??= new Map()).set(r.code, r.label);
  return out;
}

/** The active reps the report covers (the user's teams, narrowed to the team and rep filters), so a rep without activity shows a row of zeros. */
async function loadReps(sql: Sql, user: AuthUser, f: ReportFilters): Promise<{ key: string; label: string }[]> {
  const seesAll = user.role === 'ops' || user.role === 'admin';
  const rows = await sql<{ id: string; name: string }[]>`
    select u.id, u.name from users u
     where u.role = 'rep' and u.active
       and ${seesAll ? sql`true` : sql`u.team_id in ${managedTeams(sql, user)}`}
       ${f.team ? sql`and u.team_id = ${f.team}` : sql``}
       ${f.rep ? sql`and u.id = ${f.rep}` : sql``}
     order by u.name, u.id`;
  return rows.map((r) => ({ key: r.id, label: r.name }));
}

/** A finder link for a cell, with the report's rep; none when a team is chosen (the finder has no team filter). */
const finderLink = (f: ReportFilters) => (filters: Record<string, string>): string | null => {
  if (f.team) return null;
  const q = new URLSearchParams(filters);
  if (f.rep && !q.has('owner')) q.set('owner', f.rep);
  if (f.rep && q.get('owner') !== f.rep) return null;
  return `/leads?${q.toString()}`;
};

const filtersOut = (f: ReportFilters) => ({ from: f.from, to: f.to, team: f.team, rep: f.rep, days: f.days, classes: f.classes });

/** Runs a report: its tables, and whether it found nothing at all (the page then says so instead of drawing zeros). */
export async function runReport(sql: Sql, user: AuthUser, name: ReportName, f: ReportFilters, now = new Date()) {
  const def = reports[name];
  const [facts, labels, reps] = await Promise.all([def.groups(sql, user, f, now), loadLabels(sql), loadReps(sql, user, f)]);
  const tables: ReportTable[] = def.tables(f, labels, facts, reps).map((t) => buildTable(t, facts, finderLink(f)));
  return { report: name, title: def.title, description: def.description(f), empty: facts.length === 0, filters: filtersOut(f), tables };
}

const itemOf = (x: Fact) => ({
  kind: x.kind, id: x.id, leadId: x.leadId, accountId: x.accountId, label: x.label, repName: x.repName,
  at: x.at ? x.at.toISOString() : null, detail: x.detail, value: x.value,
});

/** The leads, accounts, visits or offers behind one number of a report (its drill key), or null for a key it does not have. */
export async function reportItems(sql: Sql, user: AuthUser, name: ReportName, f: ReportFilters, drill: string, now = new Date()) {
  const def = reports[name];
  const [facts, labels] = await Promise.all([def.facts(sql, user, f, now), loadLabels(sql)]);
  const hit = factsBehind(def.tables(f, labels, facts, []), facts, drill);
  if (!hit) return null;
  return { title: hit.title, total: hit.facts.length, items: hit.facts.map(itemOf) };
}

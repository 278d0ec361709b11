import type { Sql } from '../../db/client';
import { leadScope, managedTeams } from '../auth/scope';
import type { AuthUser } from '../auth/types';
import { DomainError } from '../errors';
import { IMPORTANT_ACCOUNT_CLASSES, type ReportFilterInput } from './schemas';

export { reportFilterSchema, reportNames, type ReportName } from './schemas';

/** Filters as a report runs with them: the period as [start, end) instants and the defaults filled in. */
export interface ReportFilters {
  from: string; to: string; start: Date; end: Date;
  team: string | null; rep: string | null; days: number; classes: string[];
}

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const bad = (field: string, message: string) => new DomainError('bad_request', `${field}: ${message}`, [{ path: `querystring.${field}`, message }]);

/**
 * Fills in the defaults (the last 365 days, N = 30) and checks the team and rep exist and are the user's to see:
 * an unknown one is a 400 naming the field, another manager's team or rep a 403 naming it.
 */
export async function resolveFilters(sql: Sql, user: AuthUser, q: ReportFilterInput, now = new Date()): Promise<ReportFilters> {
  const to = q.to ?? isoDay(now);
  const from = q.from ?? isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - 364 * DAY));
  if (from > to) throw bad('to', `must not be before from (${from})`);
  const seesAll = user.role === 'ops' || user.role === 'admin';
  if (q.team) {
    const [t] = await sql<{ id: string; mine: boolean }[]>`
      select t.id, (t.id in ${managedTeams(sql, user)}) as mine from teams t where t.id = ${q.team}`;
    if (!t) throw bad('team', `no team "${q.team}"`);
    if (!seesAll && !t.mine) throw new DomainError('forbidden', 'team: you may report only on the teams you manage', [{ path: 'querystring.team', message: 'not one of your teams' }]);
  }
  if (q.rep) {
    const [u] = await sql<{ id: string; mine: boolean }[]>`
      select u.id, (u.id = ${user.id} or coalesce(u.team_id in ${managedTeams(sql, user)}, false)) as mine from users u where u.id = ${q.rep}`;
    if (!u) throw bad('rep', `no user "${q.rep}"`);
    if (!seesAll && !u.mine) throw new DomainError('forbidden', 'rep: you may report only on the members of your teams', [{ path: 'querystring.rep', message: 'not a member of your teams' }]);
  }
  return {
    from, to, start: new Date(`${from}T00:00:00Z`), end: new Date(Date.parse(`${to}T00:00:00Z`) + DAY),
    team: q.team ?? null, rep: q.rep ?? null, days: q.days ?? 30, classes: q.classes ?? [...IMPORTANT_ACCOUNT_CLASSES],
  };
}

/** Leads (alias `l`) the user may see, of the chosen team (owned by a member or routed to it) and rep (owner). */
export function leadFilter(sql: Sql, user: AuthUser, f: ReportFilters) {
  return sql`${leadScope(sql, user, 'l')}
    ${f.team ? sql`and (l.team_id = ${f.team} or l.owner_id in (select u.id from users u where u.team_id = ${f.team}))` : sql``}
    ${f.rep ? sql`and l.owner_id = ${f.rep}` : sql``}`;
}

/** Work a rep did (visits, alias `v`) on leads the user may see, by the chosen team's members or the chosen rep. */
export function visitFilter(sql: Sql, user: AuthUser, f: ReportFilters) {
  return sql`${leadScope(sql, user, 'l')}
    ${f.team ? sql`and v.rep_id in (select u.id from users u where u.team_id = ${f.team})` : sql``}
    ${f.rep ? sql`and v.rep_id = ${f.rep}` : sql``}`;
}

import type { Sql } from '../../db/client';
import type { AuthUser } from './types';

/** The alias goes into SQL text (not a parameter), so it must be a plain identifier. */
function columnOf(sql: Sql, alias: string) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias)) throw new Error(`scope alias must be a plain identifier, got ${JSON.stringify(alias)}`);
  return (c: string) => sql.unsafe(`${alias}.${c}`);
}

/**
 * The teams a manager answers for: every team whose `manager_id` is the user, plus the user's own team.
 * A manager may manage several teams; visibility, escalations and reassignment must agree on this set.
 * @example sql`select id from users u where u.team_id in ${managedTeams(sql, user)}`
 */
export function managedTeams(sql: Sql, user: Pick<AuthUser, 'id' | 'teamId'>) {
  return sql`(select t.id from teams t where t.manager_id = ${user.id} union all select ${user.teamId ?? ''}::text)`;
}

/**
 * Object-level authorization for leads (and everything hanging off a lead: tasks, visits, offers):
 * reps see their own; managers the leads of every team they manage (owned by a member of one of those teams,
 * or routed to one of them and still unassigned); ops and admins everything. Use it in every query that
 * reads or changes a lead by id, so a lead you may not see answers 404, exactly like a missing one.
 * @example sql`select * from leads l where l.id = ${id} and ${leadScope(sql, user, 'l')}`
 */
export function leadScope(sql: Sql, user: AuthUser | undefined, alias = 'leads') {
  const col = columnOf(sql, alias);
  if (!user) return sql`false`;
  if (user.role === 'admin' || user.role === 'ops') return sql`true`;
  if (user.role === 'manager') {
    return sql`(${col('owner_id')} = ${user.id} or ${col('team_id')} in ${managedTeams(sql, user)}
      or ${col('owner_id')} in (select u.id from users u where u.team_id in ${managedTeams(sql, user)}))`;
  }
  return sql`${col('owner_id')} = ${user.id}`;
}

/** Same rule for tasks, which carry their own owner: a manager sees the tasks of every member of the teams they manage. */
export function taskScope(sql: Sql, user: AuthUser | undefined, alias = 'tasks') {
  const col = columnOf(sql, alias);
  if (!user) return sql`false`;
  if (user.role === 'admin' || user.role === 'ops') return sql`true`;
  if (user.role === 'manager') return sql`(${col('owner_id')} = ${user.id} or ${col('owner_id')} in (select u.id from users u where u.team_id in ${managedTeams(sql, user)}))`;
  return sql`${col('owner_id')} = ${user.id}`;
}

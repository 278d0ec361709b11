import type { Sql } from '../../db/client';
import type { AuthUser } from './types';

/** The alias goes into SQL text (not a parameter), so it must be a plain identifier. */
function columnOf(sql: Sql, alias: string) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias)) throw new Error(`scope alias must be a plain identifier, got ${JSON.stringify(alias)}`);
  return (c: string) => sql.unsafe(`${alias}.${c}`);
}

/**
 * Object-level authorization for leads (and everything hanging off a lead: tasks, visits, offers):
 * reps see their own, managers their team's, ops and admins everything. Use it in every query that
 * reads or changes a lead by id, so a lead you may not see answers 404, exactly like a missing one.
 * @example sql`select * from leads l where l.id = ${id} and ${leadScope(sql, user, 'l')}`
 */
export function leadScope(sql: Sql, user: AuthUser | undefined, alias = 'leads') {
  const col = columnOf(sql, alias);
  if (!user) return sql`false`;
  if (user.role === 'admin' || user.role === 'ops') return sql`true`;
  if (user.role === 'manager') {
    return sql`(${col('owner_id')} = ${user.id} or ${col('team_id')} = ${user.teamId ?? ''} or ${col('owner_id')} in (select id from users where team_id = ${user.teamId ?? ''}))`;
  }
  return sql`${col('owner_id')} = ${user.id}`;
}

/** Same rule for tasks, which carry their own owner. */
export function taskScope(sql: Sql, user: AuthUser | undefined, alias = 'tasks') {
  const col = columnOf(sql, alias);
  if (!user) return sql`false`;
  if (user.role === 'admin' || user.role === 'ops') return sql`true`;
  if (user.role === 'manager') return sql`(${col('owner_id')} = ${user.id} or ${col('owner_id')} in (select id from users where team_id = ${user.teamId ?? ''}))`;
  return sql`${col('owner_id')} = ${user.id}`;
}

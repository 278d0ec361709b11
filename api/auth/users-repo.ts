import type { Sql } from '../../db/client';
import { conflict, unprocessable } from '../errors';
import { managedTeams } from './scope';
import { userColumns, type UserRow } from './schemas';
import type { AuthUser, Role } from './types';

export interface UserFilter {
  role?: Role;
  teamId?: string;
  active?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

export interface UserChanges {
  name?: string;
  role?: Role;
  teamId?: string | null;
  territory?: string[];
  capacity?: number;
  routingWeight?: number;
  notifyEmail?: boolean;
  active?: boolean;
}

const cols = (sql: Sql) => sql(userColumns as unknown as string[]);

/** Object-level rule for user records: managers see every team they manage (and themselves), ops and admins everyone. */
function userScope(sql: Sql, viewer: AuthUser) {
  if (viewer.role === 'admin' || viewer.role === 'ops') return sql`true`;
  if (viewer.role === 'manager') return sql`(id = ${viewer.id} or team_id in ${managedTeams(sql, viewer)})`;
  return sql`id = ${viewer.id}`;
}

/** Turns constraint violations into answers the admin can act on. */
export function mapUserWriteError(err: unknown): never {
  const e = err as { code?: string; constraint_name?: string; constraint?: string };
  if (e.code === '23505') throw conflict('a user with this e-mail already exists');
  if (e.code === '23503') throw unprocessable('unknown team or user', [{ path: 'body.teamId', message: 'no such team' }]);
  throw err;
}

export async function listUsers(sql: Sql, viewer: AuthUser, f: UserFilter): Promise<UserRow[]> {
  return sql<UserRow[]>`
    select ${cols(sql)} from users
    where ${userScope(sql, viewer)}
      ${f.role ? sql`and role = ${f.role}` : sql``}
      ${f.teamId ? sql`and team_id = ${f.teamId}` : sql``}
      ${f.active === undefined ? sql`` : sql`and active = ${f.active}`}
      ${f.q ? sql`and (name ilike ${'%' + f.q + '%'} or email ilike ${'%' + f.q + '%'})` : sql``}
    order by name, id
    limit ${f.limit} offset ${f.offset}`;
}

export async function getUser(sql: Sql, viewer: AuthUser, id: string): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`select ${cols(sql)} from users where id = ${id} and ${userScope(sql, viewer)}`;
  return row;
}

export async function insertUser(sql: Sql, u: { email: string; name: string; role: Role; passwordHash: string } & Omit<UserChanges, 'role' | 'name'>): Promise<UserRow> {
  try {
    const [row] = await sql<UserRow[]>`
      insert into users (email, name, role, team_id, territory, capacity, routing_weight, notify_email, password_hash)
      values (${u.email.toLowerCase()}, ${u.name}, ${u.role}, ${u.teamId ?? null}, ${u.territory ?? []}, ${u.capacity ?? 50},
              ${u.routingWeight ?? 1}, ${u.notifyEmail ?? true}, ${u.passwordHash})
      returning ${cols(sql)}`;
    return row!;
  } catch (err) {
    return mapUserWriteError(err);
  }
}

export async function updateUser(sql: Sql, id: string, c: UserChanges): Promise<UserRow | undefined> {
  const set: Record<string, unknown> = {};
  if (c.name !== undefined) set.name = c.name;
  if (c.role !== undefined) set.role = c.role;
  if (c.teamId !== undefined) set.team_id = c.teamId;
  if (c.territory !== undefined) set.territory = c.territory;
  if (c.capacity !== undefined) set.capacity = c.capacity;
  if (c.routingWeight !== undefined) set.routing_weight = c.routingWeight;
  if (c.notifyEmail !== undefined) set.notify_email = c.notifyEmail;
  if (c.active !== undefined) set.active = c.active;
  try {
    const [row] = Object.keys(set).length
      ? await sql<UserRow[]>`update users set ${sql(set as never, Object.keys(set) as never)} where id = ${id} returning ${cols(sql)}`
      : await sql<UserRow[]>`select ${cols(sql)} from users where id = ${id}`;
    return row;
  } catch (err) {
    return mapUserWriteError(err);
  }
}

/** True when `id` is the last active admin: demoting or disabling it would lock everyone out. */
export async function isLastAdmin(sql: Sql, id: string): Promise<boolean> {
  const [row] = await sql<{ others: number }[]>`
    select count(*)::int as others from users where role = 'admin' and active and id <> ${id}`;
  const [self] = await sql<{ n: number }[]>`select count(*)::int as n from users where id = ${id} and role = 'admin' and active`;
  return self!.n > 0 && row!.others === 0;
}

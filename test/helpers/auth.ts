import { randomBytes } from 'node:crypto';
import type { Sql } from '../../db/client';
import { hashToken, newSecret } from '../../api/auth/tokens';
import type { Role } from '../../api/auth/types';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  teamId: string | null;
  /** `authorization: Bearer …` for app.inject / fetch. */
  headers: { authorization: string };
}

/** Creates a user (and its team when given) with a bearer session, straight in the database. */
export async function createUser(sql: Sql, opts: { role: Role; teamId?: string; id?: string; capacity?: number; territory?: string[] }): Promise<TestUser> {
  const id = opts.id ?? `u-${randomBytes(4).toString('hex')}`;
  const email = `${id}@example.test`;
  if (opts.teamId) await sql`insert into teams (id, name) values (${opts.teamId}, ${opts.teamId}) on conflict do nothing`;
  await sql`insert into users (id, email, name, role, team_id, capacity, territory)
            values (${id}, ${email}, ${id}, ${opts.role}, ${opts.teamId ?? null}, ${opts.capacity ?? 50}, ${opts.territory ?? []})`;
  const token = newSecret('lft');
  await sql`insert into sessions (id, user_id, kind, expires_at) values (${hashToken(token)}, ${id}, 'bearer', now() + interval '1 day')`;
  return { id, email, role: opts.role, teamId: opts.teamId ?? null, headers: { authorization: `Bearer ${token}` } };
}

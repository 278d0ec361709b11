import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { hash } from '@node-rs/argon2';
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
  /** Set when `password` was given to createUser. */
  password?: string;
}

/** Creates a user (and its team when given) with a bearer session, straight in the database. */
export async function createUser(
  sql: Sql,
  opts: { role: Role; teamId?: string; id?: string; capacity?: number; territory?: string[]; password?: string },
): Promise<TestUser> {
  const id = opts.id ?? `u-${randomBytes(4).toString('hex')}`;
  const email = `${id}@example.test`;
  if (opts.teamId) await sql`insert into teams (id, name) values (${opts.teamId}, ${opts.teamId}) on conflict do nothing`;
  const passwordHash = opts.password ? await hash(opts.password) : null;
  await sql`insert into users (id, email, name, role, team_id, capacity, territory, password_hash)
            values (${id}, ${email}, ${id}, ${opts.role}, ${opts.teamId ?? null}, ${opts.capacity ?? 50}, ${opts.territory ?? []}, ${passwordHash})`;
  return { id, email, role: opts.role, teamId: opts.teamId ?? null, headers: await bearerHeaders(sql, id), password: opts.password };
}

/** A bearer session for an existing user (e.g. a demo rep the router picked), straight in the database. */
export async function bearerHeaders(sql: Sql, userId: string): Promise<{ authorization: string }> {
  const token = newSecret('lft');
  await sql`insert into sessions (id, user_id, kind, expires_at) values (${hashToken(token)}, ${userId}, 'bearer', now() + interval '1 day')`;
  return { authorization: `Bearer ${token}` };
}

export interface CookieSession {
  /** `cookie: lf_session=…` for app.inject. */
  cookie: string;
  csrfToken: string;
  /** Both headers: what the editor sends on a write. */
  writeHeaders: { cookie: string; 'x-csrf-token': string };
  setCookie: string;
}

/** Signs in through POST /api/auth/login like the editor does and returns the cookie and CSRF token. */
export async function signInWithCookie(app: FastifyInstance, email: string, password: string): Promise<CookieSession> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';')[0]!;
  const csrfToken = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrfToken, setCookie, writeHeaders: { cookie, 'x-csrf-token': csrfToken } };
}

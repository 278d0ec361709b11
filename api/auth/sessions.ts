import { randomBytes } from 'node:crypto';
import type { Sql } from '../../db/client';
import { hashToken, newSecret } from './tokens';
import type { AuthUser } from './types';

export type SessionKind = 'cookie' | 'bearer';

/** Name of the editor's session cookie (httpOnly, SameSite=Lax, Secure over https). */
export const SESSION_COOKIE = 'lf_session';

export interface NewSession {
  /** The secret: goes to the client once (cookie or response body), only its sha256 is stored. */
  token: string;
  /** Double-submit CSRF token of cookie sessions; null for bearer sessions (not sent automatically by browsers). */
  csrfToken: string | null;
  expiresAt: Date;
}

export interface SessionUser {
  user: AuthUser;
  sessionId: string;
  kind: SessionKind;
  csrfToken: string | null;
}

/** Starts a session for a user; expired sessions of the same user are cleared on the way. */
export async function createSession(sql: Sql, userId: string, kind: SessionKind, ttlHours: number): Promise<NewSession> {
  const token = newSecret('lfs');
  const csrfToken = kind === 'cookie' ? randomBytes(24).toString('base64url') : null;
  await sql`delete from sessions where user_id = ${userId} and expires_at <= now()`;
  const [row] = await sql<{ expires_at: Date }[]>`
    insert into sessions (id, user_id, kind, csrf_token, expires_at)
    values (${hashToken(token)}, ${userId}, ${kind}, ${csrfToken}, now() + make_interval(secs => ${ttlHours * 3600}))
    returning expires_at`;
  return { token, csrfToken, expiresAt: row!.expires_at };
}

/** The active user behind a session token of the given kind, or undefined (unknown, expired, other kind, user disabled). */
export async function findSession(sql: Sql, token: string, kind: SessionKind): Promise<SessionUser | undefined> {
  const id = hashToken(token);
  const [row] = await sql<{ id: string; email: string; name: string; role: AuthUser['role']; team_id: string | null; csrf_token: string | null }[]>`
    select u.id, u.email, u.name, u.role, u.team_id, s.csrf_token
    from sessions s join users u on u.id = s.user_id
    where s.id = ${id} and s.kind = ${kind} and s.expires_at > now() and u.active`;
  if (!row) return undefined;
  return {
    user: { id: row.id, email: row.email, name: row.name, role: row.role, teamId: row.team_id },
    sessionId: id,
    kind,
    csrfToken: row.csrf_token,
  };
}

export async function endSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`delete from sessions where id = ${sessionId}`;
}

/** Signs a user out everywhere (password change, disable, role change), optionally keeping one session. */
export async function endUserSessions(sql: Sql, userId: string, keepSessionId?: string): Promise<void> {
  await sql`delete from sessions where user_id = ${userId} and id <> ${keepSessionId ?? ''}`;
}

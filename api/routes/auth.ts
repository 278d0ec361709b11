import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../auth/audit';
import { checkPassword, hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { clearLoginFailures, loginBlockedFor, recordLoginFailure } from '../auth/login-throttle';
import { errorSchema, toUserView, userColumns, userSchema, type UserRow } from '../auth/schemas';
import { createSession, endSession, endUserSessions, SESSION_COOKIE } from '../auth/sessions';
import { anyUser } from '../auth/types';
import { DomainError } from '../errors';

const WRONG_CREDENTIALS = 'wrong e-mail or password';

const loginBody = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
  /** 'bearer' returns a token for scripts; 'cookie' (default) sets the editor's session cookie. */
  kind: z.enum(['cookie', 'bearer']).default('cookie'),
}).strict();

const sessionResponse = z.object({
  user: userSchema,
  /** Send it back as `x-csrf-token` on cookie-authenticated writes; null for bearer sessions. */
  csrfToken: z.string().nullable(),
  expiresAt: z.string(),
  /** Only for kind 'bearer': `authorization: Bearer <token>`. Shown once. */
  token: z.string().optional(),
});

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expires: Date) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', expires,
  });
}

async function loadUser(request: FastifyRequest, id: string): Promise<UserRow> {
  const sql = request.server.sql;
  const [row] = await sql<UserRow[]>`select ${sql(userColumns as unknown as string[])} from users where id = ${id}`;
  if (!row) throw new DomainError('unauthorized', 'sign in first (missing, invalid or expired session)');
  return row;
}

/** Sign-in, sign-out, the current user and password change. */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/auth/login', {
    config: { access: 'public', rateLimit: { max: app.config.LOGIN_RATE_LIMIT, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'], summary: 'Sign in with e-mail and password (cookie session, or a bearer token with kind "bearer")',
      body: loginBody,
      response: { 200: sessionResponse, 401: errorSchema, 429: errorSchema },
    },
  }, async (req, reply) => {
    const { email, password, kind } = req.body;
    const wait = await loginBlockedFor(app.sql, email, req.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new DomainError('rate_limited', `too many failed sign-ins; try again in ${wait} s`);
    }
    const [row] = await app.sql<(UserRow & { password_hash: string | null })[]>`
      select ${app.sql(userColumns as unknown as string[])}, password_hash from users where lower(email) = ${email.toLowerCase()}`;
    // The same message (and one argon2 verification) whether the account is missing, disabled or the password wrong.
    const ok = await checkPassword(row?.password_hash, password);
    if (!row || !ok || !row.active) {
      await recordLoginFailure(app.sql, email, req.ip);
      throw new DomainError('unauthorized', WRONG_CREDENTIALS);
    }
    await clearLoginFailures(app.sql, email, req.ip);
    const session = await createSession(app.sql, row.id, kind, app.config.SESSION_TTL_HOURS);
    if (kind === 'cookie') setSessionCookie(req, reply, session.token, session.expiresAt);
    req.log.info({ userId: row.id, kind }, 'signed in');
    const { password_hash: _hash, ...user } = row;
    return {
      user: toUserView(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString(),
      ...(kind === 'bearer' ? { token: session.token } : {}),
    };
  });

  app.post('/api/auth/logout', {
    config: { access: anyUser },
    schema: { tags: ['auth'], summary: 'End the current session (cookie or bearer token)', response: { 204: z.null() } },
  }, async (req, reply) => {
    await endSession(app.sql, req.session!.sessionId);
    if (req.session!.kind === 'cookie') reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { access: anyUser },
    schema: {
      tags: ['auth'], summary: 'The signed-in user and the CSRF token of this session',
      response: { 200: z.object({ user: userSchema, csrfToken: z.string().nullable() }) },
    },
  }, async (req) => ({ user: toUserView(await loadUser(req, req.user!.id)), csrfToken: req.session!.csrfToken }));

  app.post('/api/auth/password', {
    config: { access: anyUser, rateLimit: { max: app.config.LOGIN_RATE_LIMIT, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'], summary: 'Change your password (signs out your other sessions)',
      body: z.object({
        currentPassword: z.string().min(1).max(1024),
        newPassword: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
      }).strict(),
      response: { 204: z.null(), 403: errorSchema },
    },
  }, async (req, reply) => {
    const user = req.user!;
    const [row] = await app.sql<{ password_hash: string | null }[]>`select password_hash from users where id = ${user.id}`;
    if (!(await checkPassword(row?.password_hash, req.body.currentPassword))) {
      throw new DomainError('forbidden', 'the current password is wrong');
    }
    const hash = await hashPassword(req.body.newPassword);
    await app.sql`update users set password_hash = ${hash} where id = ${user.id}`;
    await endUserSessions(app.sql, user.id, req.session!.sessionId);
    await audit(app.sql, { actorId: user.id, action: 'user.password_changed', targetType: 'user', targetId: user.id });
    return reply.status(204).send(null);
  });
};

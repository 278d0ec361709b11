import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../errors';
import { ACTIVITY_REGISTER_SCOPE, LEAD_CAPTURE_SCOPE, verifyApiKey, verifyDeveloperKey } from './api-keys';
import { SESSION_COOKIE, findSession, type SessionUser } from './sessions';
import { sameSecret } from './tokens';
import type { Access } from './types';

/** Body limit given to public and partner routes that set none (the app-wide limit is 256 KiB). */
export const PUBLIC_BODY_LIMIT = 32 * 1024;

/** One row of the route table, as the auth plugin saw it at registration. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the access it declared; the role-matrix test walks it. */
    routeAccess: RouteAccess[];
  }
  interface FastifyRequest {
    /** The session behind `request.user` (id = sha256 of the token). */
    session?: Omit<SessionUser, 'user'>;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]).map(String);

const unauthorized = () => new DomainError('unauthorized', 'sign in first (missing, invalid or expired session)');

/** Reads `x-api-key` for partner routes: unknown, revoked and out-of-scope keys all get the same 401. */
async function authenticatePartner(app: FastifyInstance, request: FastifyRequest) {
  const key = request.headers['x-api-key'];
  if (typeof key !== 'string' || !key) throw new DomainError('unauthorized', 'a partner API key is required (x-api-key header)');
  const keyId = await verifyApiKey(app.sql, key, LEAD_CAPTURE_SCOPE, app.config.PARTNER_API_KEY);
  if (!keyId) throw new DomainError('unauthorized', 'invalid or revoked API key');
  request.partnerKeyId = keyId;
}

/** Reads `x-api-key` for activity-worker routes: a key without the developer scope is refused naming it. */
async function authenticateDeveloper(app: FastifyInstance, request: FastifyRequest) {
  const key = request.headers['x-api-key'];
  if (typeof key !== 'string' || !key) throw new DomainError('unauthorized', 'a developer API key is required (x-api-key header)');
  const found = await verifyDeveloperKey(app.sql, key);
  if ('refused' in found) {
    if (found.refused === 'unknown') throw new DomainError('unauthorized', 'invalid or revoked API key');
    throw new DomainError('forbidden', `this API key lacks the "${ACTIVITY_REGISTER_SCOPE}" scope (an admin creates developer keys with it)`);
  }
  request.developerKey = found;
}

/**
 * Bearer token (scripts) first, then the session cookie (editor). Cookie-authenticated unsafe requests must
 * echo the session's CSRF token in `x-csrf-token`; bearer requests are exempt (browsers never add them).
 */
async function authenticateUser(app: FastifyInstance, request: FastifyRequest, access: { roles: readonly string[] }) {
  const header = request.headers.authorization;
  let found: SessionUser | undefined;
  if (header !== undefined) {
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthorized();
    found = await findSession(app.sql, token.trim(), 'bearer');
  } else {
    const token = request.cookies[SESSION_COOKIE];
    if (token) found = await findSession(app.sql, token, 'cookie');
    if (found && UNSAFE.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !found.csrfToken || !sameSecret(sent, found.csrfToken)) {
        throw new DomainError('forbidden', 'missing or wrong x-csrf-token header (GET /api/auth/me returns the token of your session)');
      }
    }
  }
  if (!found) throw unauthorized();
  const { user, ...session } = found;
  if (user.role !== 'admin' && !access.roles.includes(user.role)) {
    throw new DomainError('forbidden', `your role (${user.role}) may not do this`);
  }
  request.user = user;
  request.session = session;
}

/**
 * Authentication and function-level authorization. Every route must declare `config.access`;
 * registration fails otherwise, so no route is public by accident. Public writes get a per-address rate
 * limit and a 32 KiB body limit unless the route sets its own (`config.rateLimit`, `bodyLimit`).
 */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    if (!app.hasPlugin('@fastify/cookie')) await app.register(cookie);
    app.decorateRequest('user', undefined);
    app.decorateRequest('partnerKeyId', undefined);
    app.decorateRequest('developerKey', undefined);
    app.decorateRequest('session', undefined);
    app.decorate('routeAccess', [] as RouteAccess[]);

    // 1. Before the rate limiter sees the route: require access and fill in the per-route limits.
    app.addHook('onRoute', (route) => {
      const url = route.url ?? route.path;
      const access = route.config?.access;
      for (const method of methodsOf(route)) app.routeAccess.push({ method, url, access });
      // Everything under /api is guarded; outside it are only health, the docs and the editor's static files.
      if (url.startsWith('/api') && !access) throw new Error(`route ${String(route.method)} ${url} declares no config.access`);
      if (access !== 'public' && access !== 'partner') return;
      route.bodyLimit ??= PUBLIC_BODY_LIMIT;
      const writes = methodsOf(route).some((m) => UNSAFE.has(m));
      if (route.config && route.config.rateLimit === undefined && (writes || access === 'partner')) {
        const max = access === 'partner' ? app.config.PARTNER_RATE_LIMIT : app.config.PUBLIC_RATE_LIMIT;
        route.config.rateLimit = { max, timeWindow: 60_000 };
      }
    });

    // 2. Limits are counted per client address (see TRUST_PROXY) in memory, per API replica.
    await app.register(rateLimit, { global: false });

    // 3. After the rate limiter's hook, so floods are refused before any database work.
    app.addHook('onRoute', (route) => {
      const access = route.config?.access;
      if (!access || access === 'public') return;
      const check = access === 'partner'
        ? (request: FastifyRequest) => authenticatePartner(app, request)
        : access === 'developer'
          ? (request: FastifyRequest) => authenticateDeveloper(app, request)
          : (request: FastifyRequest) => authenticateUser(app, request, access);
      const hook = async (request: FastifyRequest, _reply: FastifyReply) => check(request);
      route.onRequest = [...(route.onRequest ? [route.onRequest].flat() : []), hook];
    });
  },
  { name: 'auth', dependencies: ['services'] },
);

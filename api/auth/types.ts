import { z } from 'zod';

export const roleSchema = z.enum(['rep', 'manager', 'ops', 'admin']);
export type Role = z.infer<typeof roleSchema>;

/** The signed-in user a request acts as. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
}

/**
 * Who may call a route. Every route declares one in `config.access`; the auth plugin refuses to start
 * when a route has none, so a new route can never be public by accident.
 * - 'public': anyone (web form, health, sign-in)
 * - 'partner': a partner API key with the lead-capture scope
 * - 'developer': an API key with the activity-register scope (activity workers registering what they serve)
 * - { roles }: a signed-in user with one of these roles (admin is always allowed)
 */
export type Access = 'public' | 'partner' | 'developer' | { roles: Role[] };

export const anyUser: Access = { roles: ['rep', 'manager', 'ops', 'admin'] };
export const opsOnly: Access = { roles: ['ops', 'admin'] };
export const adminOnly: Access = { roles: ['admin'] };
export const managers: Access = { roles: ['manager', 'ops', 'admin'] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user?: AuthUser;
    partnerKeyId?: string;
    /** The developer key of an activity worker, and the owner it registers activity types for. */
    developerKey?: { id: string; owner: string };
  }
}

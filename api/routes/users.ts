import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../auth/audit';
import { generatePassword, hashPassword } from '../auth/passwords';
import { errorSchema, idParams, toUserView, userSchema } from '../auth/schemas';
import { endUserSessions } from '../auth/sessions';
import { adminOnly, anyUser, managers, roleSchema } from '../auth/types';
import { getUser, insertUser, isLastAdmin, listUsers, updateUser } from '../auth/users-repo';
import { conflict, notFound, unprocessable } from '../errors';
import { wakeUnassignedLeads } from '../../workers/routing/wake';
import { notificationSettingsSchema, teamCreateSchema, teamPatchSchema, userCreateSchema, userPatchSchema } from '../auth/admin-schemas';

const createBody = userCreateSchema;
const patchBody = userPatchSchema;

const teamSchema = z.object({ id: z.string(), name: z.string(), territory: z.array(z.string()), managerId: z.string().nullable() });
interface TeamRow { id: string; name: string; territory: string[]; manager_id: string | null }
const toTeam = (r: TeamRow) => ({ id: r.id, name: r.name, territory: r.territory, managerId: r.manager_id });

/** Users and teams. Admins manage them; managers read their own team, ops read everyone (for routing rules). */
export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/users', {
    config: { access: managers },
    schema: {
      tags: ['users'], summary: 'List users (managers: their own team)',
      querystring: z.object({
        role: roleSchema.optional(),
        teamId: z.string().max(100).optional(),
        active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
        q: z.string().max(100).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(100_000).default(0),
      }),
      response: { 200: z.object({ items: z.array(userSchema), nextOffset: z.number().int().nullable() }) },
    },
  }, async (req) => {
    const rows = await listUsers(app.sql, req.user!, { ...req.query, limit: req.query.limit + 1 });
    const more = rows.length > req.query.limit;
    return { items: rows.slice(0, req.query.limit).map(toUserView), nextOffset: more ? req.query.offset + req.query.limit : null };
  });

  app.get('/api/users/:id', {
    config: { access: managers },
    schema: { tags: ['users'], summary: 'One user with role, team, capacity and territory', params: idParams, response: { 200: userSchema, 404: errorSchema } },
  }, async (req) => {
    const row = await getUser(app.sql, req.user!, req.params.id);
    if (!row) throw notFound('user');
    return toUserView(row);
  });

  app.post('/api/users', {
    config: { access: adminOnly },
    schema: {
      tags: ['users'], summary: 'Create a user; without a password one is generated and shown once',
      body: createBody,
      response: { 201: z.object({ user: userSchema, password: z.string().optional() }), 409: errorSchema, 422: errorSchema },
    },
  }, async (req, reply) => {
    const { password, email, ...rest } = req.body;
    const plain = password ?? generatePassword();
    const row = await insertUser(app.sql, { ...rest, email, passwordHash: await hashPassword(plain) });
    // A new rep in a team is room for that team's unassigned leads (not awaited: they also retry on their timer).
    if (row.role === 'rep' && row.team_id) void wakeUnassignedLeads(app.sql, app.temporal, [row.team_id]).catch((err: unknown) => req.log.warn({ err }, 'unassigned leads not woken; they route again at their retry timer'));
    await audit(app.sql, {
      actorId: req.user!.id, action: 'user.created', targetType: 'user', targetId: row.id,
      details: { email: row.email, role: row.role, teamId: row.team_id },
    });
    return reply.status(201).send({ user: toUserView(row), ...(password ? {} : { password: plain }) });
  });

  app.patch('/api/users/:id', {
    config: { access: adminOnly },
    schema: {
      tags: ['users'], summary: 'Change role, team, capacity, territory, notifications; disable or enable',
      params: idParams, body: patchBody, response: { 200: userSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (req) => {
    const before = await getUser(app.sql, req.user!, req.params.id);
    if (!before) throw notFound('user');
    const demotes = (req.body.role !== undefined && req.body.role !== 'admin') || req.body.active === false;
    if (demotes && (await isLastAdmin(app.sql, before.id))) throw conflict('this is the last active admin; make another admin first');
    const row = (await updateUser(app.sql, before.id, req.body))!;
    if (req.body.active === false) await endUserSessions(app.sql, row.id);
    const [was, now] = [toUserView(before), toUserView(row)];
    const keys = (Object.keys(req.body) as (keyof typeof now)[]).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]));
    const from = Object.fromEntries(keys.map((k) => [k, was[k]]));
    const changed = Object.fromEntries(keys.map((k) => [k, now[k]]));
    const action = before.role !== row.role ? 'user.role_changed'
      : before.active !== row.active ? (row.active ? 'user.enabled' : 'user.disabled') : 'user.updated';
    if (Object.keys(changed).length) {
      await audit(app.sql, { actorId: req.user!.id, action, targetType: 'user', targetId: row.id, details: { from, to: changed } });
    }
    // A rep with more room (capacity raised, enabled, moved into a team): the team's unassigned leads route again now.
    // Not awaited: the leads also retry on their own timer, so a slow Temporal never holds up this answer.
    const moreRoom = row.role === 'rep' && row.active && row.team_id
      && (row.capacity > before.capacity || !before.active || before.role !== 'rep' || before.team_id !== row.team_id);
    if (moreRoom) void wakeUnassignedLeads(app.sql, app.temporal, [row.team_id!]).catch((err: unknown) => req.log.warn({ err }, 'unassigned leads not woken; they route again at their retry timer'));
    return toUserView(row);
  });

  app.delete('/api/users/:id', {
    config: { access: adminOnly },
    schema: { tags: ['users'], summary: 'Disable a user (records stay; sessions end)', params: idParams, response: { 204: z.null(), 404: errorSchema, 409: errorSchema } },
  }, async (req, reply) => {
    const before = await getUser(app.sql, req.user!, req.params.id);
    if (!before) throw notFound('user');
    if (await isLastAdmin(app.sql, before.id)) throw conflict('this is the last active admin; make another admin first');
    await updateUser(app.sql, before.id, { active: false });
    await endUserSessions(app.sql, before.id);
    if (before.active) await audit(app.sql, { actorId: req.user!.id, action: 'user.disabled', targetType: 'user', targetId: before.id });
    return reply.status(204).send(null);
  });

  app.post('/api/users/:id/password', {
    config: { access: adminOnly },
    schema: {
      tags: ['users'], summary: 'Reset a password: a new one is generated and shown once; the user is signed out (your own reset keeps this session)',
      params: idParams, response: { 200: z.object({ password: z.string() }), 404: errorSchema },
    },
  }, async (req) => {
    const plain = generatePassword();
    const [row] = await app.sql<{ id: string }[]>`
      update users set password_hash = ${await hashPassword(plain)} where id = ${req.params.id} returning id`;
    if (!row) throw notFound('user');
    // An admin resetting their own password keeps the session they are using; every other session ends.
    await endUserSessions(app.sql, row.id, row.id === req.user!.id ? req.session?.sessionId : undefined);
    await audit(app.sql, { actorId: req.user!.id, action: 'user.password_reset', targetType: 'user', targetId: row.id });
    return { password: plain };
  });

  app.put('/api/me/notifications', {
    config: { access: anyUser },
    schema: {
      tags: ['users'], summary: 'Your own notification settings (e-mail about your leads and tasks)',
      body: notificationSettingsSchema, response: { 200: userSchema },
    },
  }, async (req) => {
    const row = (await updateUser(app.sql, req.user!.id, { notifyEmail: req.body.notifyEmail }))!;
    await audit(app.sql, { actorId: req.user!.id, action: 'user.notifications_changed', targetType: 'user', targetId: row.id, details: { notifyEmail: row.notify_email } });
    return toUserView(row);
  });

  app.get('/api/teams', {
    config: { access: managers },
    schema: { tags: ['users'], summary: 'List teams', response: { 200: z.object({ items: z.array(teamSchema) }) } },
  }, async () => {
    const rows = await app.sql<TeamRow[]>`select id, name, territory, manager_id from teams order by name limit 1000`;
    return { items: rows.map(toTeam) };
  });

  app.post('/api/teams', {
    config: { access: adminOnly },
    schema: {
      tags: ['users'], summary: 'Create a team',
      body: teamCreateSchema,
      response: { 201: teamSchema, 409: errorSchema, 422: errorSchema },
    },
  }, async (req, reply) => {
    const b = req.body;
    const [row] = await app.sql<TeamRow[]>`
      insert into teams (id, name, territory, manager_id) values (${b.id}, ${b.name}, ${b.territory}, ${b.managerId})
      on conflict (id) do nothing returning id, name, territory, manager_id`
      .catch((err: { code?: string }) => {
        if (err.code === '23503') throw unprocessable('unknown manager', [{ path: 'body.managerId', message: 'no such user' }]);
        throw err;
      });
    if (!row) throw conflict(`team ${b.id} already exists`);
    await audit(app.sql, { actorId: req.user!.id, action: 'team.created', targetType: 'team', targetId: row.id, details: { name: row.name, managerId: row.manager_id } });
    return reply.status(201).send(toTeam(row));
  });

  app.patch('/api/teams/:id', {
    config: { access: adminOnly },
    schema: { tags: ['users'], summary: 'Rename a team, change its territory or manager', params: idParams, body: teamPatchSchema, response: { 200: teamSchema, 404: errorSchema, 422: errorSchema } },
  }, async (req) => {
    const b = req.body;
    const [row] = await app.sql<TeamRow[]>`
      update teams set
        name = coalesce(${b.name ?? null}, name),
        territory = coalesce(${b.territory ?? null}::text[], territory),
        manager_id = ${b.managerId === undefined ? app.sql`manager_id` : b.managerId}
      where id = ${req.params.id} returning id, name, territory, manager_id`
      .catch((err: { code?: string }) => {
        if (err.code === '23503') throw unprocessable('unknown manager', [{ path: 'body.managerId', message: 'no such user' }]);
        throw err;
      });
    if (!row) throw notFound('team');
    await audit(app.sql, { actorId: req.user!.id, action: 'team.updated', targetType: 'team', targetId: row.id, details: { changes: b } });
    return toTeam(row);
  });
};

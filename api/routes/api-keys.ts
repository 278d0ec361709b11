import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiKey, type ApiKeyRow } from '../auth/api-keys';
import { audit } from '../auth/audit';
import { errorSchema, idParams } from '../auth/schemas';
import { adminOnly } from '../auth/types';
import { notFound } from '../errors';
import { apiKeyCreateSchema } from '../auth/admin-schemas';

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, to recognise it; the key itself is never shown again. */
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const toView = (r: ApiKeyRow) => ({
  id: r.id, name: r.name, prefix: r.prefix, scopes: r.scopes, createdBy: r.created_by, createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null, revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** Partner API keys (scope lead:capture): created, listed and revoked by admins. */
export const apiKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/api-keys', {
    config: { access: adminOnly },
    schema: {
      tags: ['api keys'], summary: 'Create a key (partner: lead:capture, the default; developer: activity:register); the key is in this response only',
      body: apiKeyCreateSchema,
      response: { 201: apiKeySchema.extend({ key: z.string() }) },
    },
  }, async (req, reply) => {
    const { row, key } = await createApiKey(app.sql, req.body.name, req.user!.id, { scopes: req.body.scopes, owner: req.body.owner });
    await audit(app.sql, { actorId: req.user!.id, action: 'api_key.created', targetType: 'api_key', targetId: row.id, details: { name: row.name, prefix: row.prefix, scopes: row.scopes } });
    return reply.status(201).send({ ...toView(row), key });
  });

  app.get('/api/api-keys', {
    config: { access: adminOnly },
    schema: {
      tags: ['api keys'], summary: 'List partner keys (newest first), revoked ones included',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).max(100_000).default(0) }),
      response: { 200: z.object({ items: z.array(apiKeySchema) }) },
    },
  }, async (req) => {
    const rows = await app.sql<ApiKeyRow[]>`
      select id, name, prefix, scopes, created_by, created_at, revoked_at, last_used_at from api_keys
      order by created_at desc, id limit ${req.query.limit} offset ${req.query.offset}`;
    return { items: rows.map(toView) };
  });

  app.delete('/api/api-keys/:id', {
    config: { access: adminOnly },
    schema: { tags: ['api keys'], summary: 'Revoke a key: partner calls with it get 401 from now on', params: idParams, response: { 204: z.null(), 404: errorSchema } },
  }, async (req, reply) => {
    const [row] = await app.sql<{ id: string; revoked: boolean; name: string; prefix: string }[]>`
      with target as (select id, revoked_at is not null as revoked from api_keys where id = ${req.params.id})
      update api_keys k set revoked_at = coalesce(k.revoked_at, now()), revoked_by = coalesce(k.revoked_by, ${req.user!.id})
      from target where k.id = target.id returning k.id, target.revoked, k.name, k.prefix`;
    if (!row) throw notFound('API key');
    if (!row.revoked) {
      await audit(app.sql, { actorId: req.user!.id, action: 'api_key.revoked', targetType: 'api_key', targetId: row.id, details: { name: row.name, prefix: row.prefix } });
    }
    return reply.status(204).send(null);
  });
};

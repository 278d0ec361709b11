import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { leadFinderParams, leadFinderQuerySchema, savedViewBodySchema } from '../../engine/lead/workspace-schemas';
import { anyUser } from '../auth/types';
import { DomainError, conflict, notFound } from '../errors';

const viewSchema = z.object({ id: z.string(), name: z.string(), filters: z.record(z.string(), z.string()), createdAt: z.string() });
type ViewRow = { id: string; name: string; filters: Record<string, string>; created_at: Date };
const toView = (r: ViewRow) => ({ id: r.id, name: r.name, filters: r.filters, createdAt: r.created_at.toISOString() });

/** The user's named lead-finder views (their own only). */
export const savedViewRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/saved-views', {
    config: { access: anyUser },
    schema: { tags: ['leads'], summary: 'Your saved lead-finder views', response: { 200: z.object({ items: z.array(viewSchema) }) } },
  }, async (req) => ({
    items: (await app.sql<ViewRow[]>`select id, name, filters, created_at from saved_views where user_id = ${req.user!.id} order by lower(name), id`).map(toView),
  }));

  app.post('/api/saved-views', {
    config: { access: anyUser },
    schema: { tags: ['leads'], summary: 'Save the finder\'s filters under a name (unique per user)', body: savedViewBodySchema, response: { 201: viewSchema } },
  }, async (req, reply) => {
    const { name, filters } = req.body;
    // A view must open without errors later: its filters are checked like a finder request now.
    const unknown = Object.keys(filters).filter((k) => !leadFinderParams.has(k));
    if (unknown.length) {
      throw new DomainError('bad_request', unknown.map((k) => `filters.${k}: unknown filter "${k}"`).join('; '), unknown.map((k) => ({ path: `body.filters.${k}`, message: 'unknown filter' })));
    }
    const parsed = leadFinderQuerySchema.safeParse(filters);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({ path: ['body', 'filters', ...i.path.map(String)].join('.'), message: i.message }));
      throw new DomainError('bad_request', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
    }
    const [row] = await app.sql<ViewRow[]>`
      insert into saved_views (user_id, name, filters) values (${req.user!.id}, ${name}, ${app.sql.json(filters)})
      on conflict (user_id, name) do nothing returning id, name, filters, created_at`;
    if (!row) throw conflict(`name: you already have a view called "${name}"`);
    return reply.status(201).send(toView(row));
  });

  app.delete('/api/saved-views/:id', {
    config: { access: anyUser },
    schema: { tags: ['leads'], summary: 'Delete one of your saved views', params: z.object({ id: z.string().min(1).max(80) }) },
  }, async (req, reply) => {
    const [row] = await app.sql`delete from saved_views where id = ${req.params.id} and user_id = ${req.user!.id} returning id`;
    if (!row) throw notFound('saved view');
    return reply.status(204).send();
  });
};

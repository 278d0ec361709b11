import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PipelineDocument } from '../../engine/pipeline/schema';
import { finderWhere, openStatuses } from '../leads/finder';
import { anyUser } from '../auth/types';

const cardSchema = z.object({
  id: z.string(), name: z.string(), company: z.string().nullable(), score: z.number(), grade: z.string().nullable(), ownerId: z.string().nullable(),
  ownerName: z.string().nullable(), offerValue: z.number().nullable(), nextDeadline: z.string().nullable(),
});
const columnSchema = z.object({ stage: z.string(), label: z.string(), count: z.number(), offerValue: z.number(), leads: z.array(cardSchema) });
const CARDS_PER_COLUMN = 100;

/** The stages of a pipeline in the order a lead meets them (breadth-first from the trigger), with their labels. */
export function stagesInOrder(doc: PipelineDocument): { stage: string; label: string }[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const start = doc.nodes.find((n) => n.type === 'trigger');
  const seen = new Set<string>();
  const out: { stage: string; label: string }[] = [];
  const queue = start ? [start.id] : [];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = byId.get(id);
    if (node?.type === 'stage' && !out.some((s) => s.stage === node.config.name)) {
      out.push({ stage: node.config.name, label: node.label ?? node.config.name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()) });
    }
    for (const e of doc.edges) if (e.source === id) queue.push(e.target);
  }
  return out;
}

/** The kanban: open leads by stage, with counts and offer value per column. */
export const boardRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/board', {
    config: { access: anyUser },
    schema: {
      tags: ['leads'], summary: 'Open leads by stage (yours or your team\'s), with count and offer value per column',
      querystring: z.object({ scope: z.enum(['mine', 'team', 'all']).optional() }).strict(),
      response: { 200: z.object({ columns: z.array(columnSchema) }) },
    },
  }, async (req) => {
    const sql = app.sql;
    const where = finderWhere(sql, req.user!, { scope: req.query.scope, status: openStatuses });
    const [cards, totals, pipelines] = await Promise.all([
      sql<{ id: string; name: string; company: string | null; score: number; grade: string | null; owner_id: string | null; owner_name: string | null; stage: string; offer_value: number | null; next_deadline: Date | null }[]>`
        select * from (
          select l.id, l.name, l.company, l.score, l.grade, l.owner_id, u.name as owner_name, l.stage, o.total::float8 as offer_value,
                 coalesce(l.next_deadline, (select min(t.due_at) from tasks t where t.lead_id = l.id and not t.done)) as next_deadline,
                 row_number() over (partition by l.stage order by l.score desc, l.created_at desc) as n
            from leads l left join users u on u.id = l.owner_id
            left join lateral (select f.total from offers f where f.lead_id = l.id and f.status not in ('renegotiated', 'rejected') order by f.version desc limit 1) o on true
           where ${where}) x
        where x.n <= ${CARDS_PER_COLUMN} order by x.stage, x.n`,
      sql<{ stage: string; count: number; offer_value: number }[]>`
        select l.stage, count(*)::int as count, coalesce(sum(o.total), 0)::float8 as offer_value
          from leads l left join lateral (select f.total from offers f where f.lead_id = l.id and f.status not in ('renegotiated', 'rejected') order by f.version desc limit 1) o on true
         where ${where} group by l.stage`,
      sql<{ document: PipelineDocument }[]>`
        select distinct on (v.pipeline_id) v.document from pipeline_versions v
         where v.pipeline_id in (select distinct l.pipeline_id from leads l where ${where}) or v.pipeline_id = 'default'
         order by v.pipeline_id, v.version desc`,
    ]);
    // Columns in pipeline order; a stage no pipeline names (e.g. just captured) comes first.
    const ordered = pipelines.flatMap((p) => stagesInOrder(p.document));
    const columns = new Map<string, { stage: string; label: string }>();
    for (const t of totals) if (!ordered.some((s) => s.stage === t.stage)) columns.set(t.stage, { stage: t.stage, label: t.stage.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()) });
    for (const s of ordered) if (!columns.has(s.stage)) columns.set(s.stage, s);
    return {
      columns: [...columns.values()].map((c) => {
        const total = totals.find((t) => t.stage === c.stage);
        return {
          ...c, count: total?.count ?? 0, offerValue: total?.offer_value ?? 0,
          leads: cards.filter((l) => l.stage === c.stage).map((l) => ({
            id: l.id, name: l.name, company: l.company, score: l.score, grade: l.grade, ownerId: l.owner_id, ownerName: l.owner_name,
            offerValue: l.offer_value, nextDeadline: l.next_deadline?.toISOString() ?? null,
          })),
        };
      }),
    };
  });
};

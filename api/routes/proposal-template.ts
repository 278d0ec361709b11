import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mergeFields, proposalTemplateSchema } from '../../engine/proposal/template';
import { loadProposalData, loadProposalTemplate, saveProposalTemplate } from '../../workers/proposal/data';
import { renderProposalPdf } from '../../workers/proposal/render';
import { audit } from '../auth/audit';
import { anyUser, opsOnly } from '../auth/types';
import { notFound } from '../errors';

const templateResponse = z.object({
  title: z.string(), intro: z.string(), closing: z.string(), validityDays: z.number(), updatedAt: z.string().nullable(), updatedBy: z.string().nullable(),
  fields: z.array(z.object({ name: z.string(), description: z.string() })),
});
const fields = Object.entries(mergeFields).map(([name, description]) => ({ name, description }));

/** The proposal template: read (everyone), save (ops; unknown merge fields refused by name), PDF preview for an offer. */
export const proposalTemplateRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/proposal-template', {
    config: { access: anyUser },
    schema: { tags: ['proposals'], summary: 'The proposal template and the merge fields it may use', response: { 200: templateResponse } },
  }, async () => ({ ...(await loadProposalTemplate(app.sql)), fields }));

  app.put('/api/proposal-template', {
    config: { access: opsOnly },
    schema: { tags: ['proposals'], summary: 'Save the proposal template (audited); an unknown merge field answers 400 naming it', body: proposalTemplateSchema, response: { 200: templateResponse } },
  }, async (req) => {
    await saveProposalTemplate(app.sql, req.body, req.user!.id);
    await audit(app.sql, { actorId: req.user!.id, action: 'proposal_template.updated', targetType: 'proposal_template', targetId: 'default' });
    return { ...(await loadProposalTemplate(app.sql)), fields };
  });

  app.post('/api/proposal-template/preview', {
    config: { access: opsOnly },
    schema: {
      tags: ['proposals'], summary: 'Render the proposal PDF of an offer with a template (not saved)',
      body: z.object({ offerId: z.string().min(1).max(80), template: proposalTemplateSchema }).strict(),
    },
  }, async (req, reply) => {
    const data = await loadProposalData(app.sql, req.body.offerId);
    if (!data) throw notFound('offer');
    const pdf = await renderProposalPdf(data, req.body.template);
    return reply.header('content-type', 'application/pdf').header('content-disposition', 'inline; filename="preview.pdf"').header('cache-control', 'no-store').send(pdf);
  });

  app.get('/api/proposal-template/offers', {
    config: { access: opsOnly },
    schema: {
      tags: ['proposals'], summary: 'Recent offers to preview the template with',
      querystring: z.object({ q: z.string().trim().max(100).optional() }).strict(),
      response: { 200: z.object({ items: z.array(z.object({ offerId: z.string(), leadId: z.string(), leadName: z.string(), version: z.number(), total: z.number(), currency: z.string() })) }) },
    },
  }, async (req) => {
    const like = req.query.q ? `%${req.query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = await app.sql<{ id: string; lead_id: string; name: string; version: number; total: string; currency: string }[]>`
      select o.id, o.lead_id, l.name, o.version, o.total, o.currency from offers o join leads l on l.id = o.lead_id
       where ${like ? app.sql`(l.name ilike ${like} or l.company ilike ${like})` : app.sql`true`}
       order by o.created_at desc, o.id limit 30`;
    return { items: rows.map((r) => ({ offerId: r.id, leadId: r.lead_id, leadName: r.name, version: r.version, total: Number(r.total), currency: r.currency })) };
  });
};

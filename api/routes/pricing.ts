import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { quoteContext } from '../../db/pricing';
import { suggestFromHistory } from '../../db/pricing-history';
import { quoteBodySchema, quoteSchema } from '../../engine/pricing/schemas';
import { leadScope } from '../auth/scope';
import { anyUser } from '../auth/types';
import { notFound } from '../errors';
import { assertPricingPermission, canPriceManually, quoteOr422 } from '../pricing/offer-pricing';

const suggestionSchema = z.object({
  segment: z.string().nullable(), basis: z.enum(['segment', 'all', 'none']), suggestedDiscountPct: z.number().nullable(),
  products: z.array(z.object({ productId: z.string(), name: z.string(), listUnitPrice: z.number().nullable(), medianUnitPrice: z.number().nullable(), deals: z.number() })),
  deals: z.array(z.object({
    orderId: z.string(), leadId: z.string().nullable(), leadName: z.string().nullable(), company: z.string().nullable(), visible: z.boolean(),
    companySize: z.number().nullable(), segment: z.string().nullable(), closedAt: z.string(), products: z.array(z.string()), quantity: z.number(), total: z.number(),
    currency: z.string(), discountPct: z.number(),
  })),
  explanation: z.string(),
});

/** Live quotes for the offer form (configurator check + server-side prices) and the suggestion from similar won deals. */
export const pricingRoutes: FastifyPluginAsyncZod = async (app) => {
  const assertVisible = async (leadId: string, user: Parameters<typeof leadScope>[1]) => {
    const [row] = await app.sql`select 1 from leads l where l.id = ${leadId} and ${leadScope(app.sql, user, 'l')}`;
    if (!row) throw notFound('lead');
  };

  app.post('/api/pricing/quote', {
    config: { access: anyUser },
    schema: {
      tags: ['pricing'], summary: 'Check a configuration against the configurator rules and price it (lines with an explanation per adjustment)',
      body: quoteBodySchema,
      response: { 200: quoteSchema.extend({ problems: z.array(z.object({ path: z.string(), message: z.string() })), canPriceManually: z.boolean() }) },
    },
  }, async (req) => {
    // One statement before pricing: the lead's visibility and segment with the catalog version (the catalog is cached per version).
    const context = await quoteContext(app.sql, req.body.leadId, leadScope(app.sql, req.user, 'l'));
    if (!context.visible) throw notFound('lead');
    assertPricingPermission(req.user!, req.body.configuration);
    return { ...(await quoteOr422(app.sql, req.body.configuration, req.body.leadId, context)), canPriceManually: canPriceManually(req.user!) };
  });

  app.get('/api/pricing/suggestion', {
    config: { access: anyUser },
    schema: {
      tags: ['pricing'], summary: 'A suggested discount and unit prices from similar won deals (same products, segment, size), with the deals',
      querystring: z.object({
        leadId: z.string().min(1).max(80),
        products: z.string().trim().min(1, 'name at least one product id').max(2000).transform((s) => [...new Set(s.split(',').map((p) => p.trim()).filter(Boolean))].slice(0, 50)),
      }).strict(),
      response: { 200: suggestionSchema },
    },
  }, async (req) => {
    await assertVisible(req.query.leadId, req.user);
    return suggestFromHistory(app.sql, leadScope(app.sql, req.user, 'l'), { leadId: req.query.leadId, products: req.query.products });
  });
};

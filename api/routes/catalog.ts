import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listPriceLists, listProducts, priceListProblems, savePriceList, saveProduct } from '../../db/catalog';
import { priceListBodySchema, priceListSchema, productBodySchema, productSchema } from '../../engine/pricing/schemas';
import { audit } from '../auth/audit';
import { anyUser, opsOnly } from '../auth/types';
import { notFound, unprocessable } from '../errors';

/** The product catalog and price lists: everyone reads (the offer form configures from them), ops and admins edit. */
export const catalogRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/catalog/products', {
    config: { access: anyUser },
    schema: {
      tags: ['catalog'], summary: 'Products with their options and attributes (archived ones on request)',
      querystring: z.object({ includeArchived: z.enum(['true', 'false']).default('false') }).strict(),
      response: { 200: z.object({ items: z.array(productSchema) }) },
    },
  }, async (req) => ({ items: await listProducts(app.sql, { includeArchived: req.query.includeArchived === 'true' }) }));

  app.get('/api/catalog/products/:id', {
    config: { access: anyUser },
    schema: { tags: ['catalog'], summary: 'One product (archived ones too)', params: z.object({ id: z.string().max(80) }), response: { 200: productSchema } },
  }, async (req) => {
    const [p] = await listProducts(app.sql, { includeArchived: true, id: req.params.id });
    if (!p) throw notFound('product');
    return p;
  });

  app.post('/api/catalog/products', {
    config: { access: opsOnly },
    schema: { tags: ['catalog'], summary: 'Create or replace a product and its options (archive instead of deleting)', body: productBodySchema, response: { 200: productSchema } },
  }, async (req) => {
    const { created } = await saveProduct(app.sql, req.body);
    await audit(app.sql, { actorId: req.user!.id, action: created ? 'product.created' : 'product.updated', targetType: 'product', targetId: req.body.id,
      details: { name: req.body.name, archived: req.body.archived, options: req.body.options.map((o) => o.code) } });
    return (await listProducts(app.sql, { includeArchived: true, id: req.body.id }))[0]!;
  });

  app.get('/api/catalog/price-lists', {
    config: { access: anyUser },
    schema: { tags: ['catalog'], summary: 'Price lists with their list prices per product and option', response: { 200: z.object({ items: z.array(priceListSchema) }) } },
  }, async () => ({ items: await listPriceLists(app.sql) }));

  app.post('/api/catalog/price-lists', {
    config: { access: opsOnly },
    schema: { tags: ['catalog'], summary: 'Create or replace a price list with all its prices', body: priceListBodySchema, response: { 200: priceListSchema } },
  }, async (req) => {
    const problems = await priceListProblems(app.sql, req.body);
    if (problems.length) throw unprocessable(problems.map((p) => `${p.path.replace(/^body\./, '')}: ${p.message}`).join('; '), problems);
    const { created } = await savePriceList(app.sql, req.body);
    await audit(app.sql, { actorId: req.user!.id, action: created ? 'price_list.created' : 'price_list.updated', targetType: 'price_list', targetId: req.body.id,
      details: { name: req.body.name, currency: req.body.currency, validFrom: req.body.validFrom, validTo: req.body.validTo, maxDiscountPct: req.body.maxDiscountPct, prices: req.body.items.length } });
    return (await listPriceLists(app.sql, { id: req.body.id }))[0]!;
  });
};

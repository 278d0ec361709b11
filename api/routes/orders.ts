import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getOrder, listOrders, setOrderStatus } from '../../db/orders';
import { orderPatchSchema, orderStatusSchema, type OrderStatus } from '../../engine/pricing/schemas';
import { audit } from '../auth/audit';
import { leadScope } from '../auth/scope';
import { anyUser, managers } from '../auth/types';
import { conflict, notFound } from '../errors';

const orderSummarySchema = z.object({
  id: z.string(), leadId: z.string(), leadName: z.string(), company: z.string().nullable(), accountId: z.string().nullable(), ownerName: z.string().nullable(),
  offerId: z.string().nullable(), offerVersion: z.number().nullable(), status: orderStatusSchema, total: z.number(), currency: z.string(), lineCount: z.number(),
  createdAt: z.string(), updatedAt: z.string(),
});
const orderSchema = orderSummarySchema.extend({
  lines: z.array(z.object({ product: z.string(), productId: z.string().nullable(), productName: z.string(), options: z.array(z.string()), optionNames: z.array(z.string()), quantity: z.number(), unitPrice: z.number(), total: z.number(), source: z.string().nullable() })),
  history: z.array(z.object({ at: z.string(), actorName: z.string().nullable(), from: z.string(), to: z.string(), note: z.string().nullable() })),
});
const idParams = z.object({ id: z.string().min(1).max(80) });

/** Where an order may go from each status: fulfilled and cancelled orders can only be reopened (back to confirmed). */
export const orderTransitions: Record<OrderStatus, OrderStatus[]> = { confirmed: ['fulfilled', 'cancelled'], fulfilled: ['confirmed'], cancelled: ['confirmed'] };

/** Orders (created when a lead is won with its accepted offer): seen with the lead's access rules, moved by managers, ops and admins. */
export const orderRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/orders', {
    config: { access: anyUser },
    schema: {
      tags: ['orders'], summary: 'Orders of the leads you may see, newest first',
      querystring: z.object({
        status: orderStatusSchema.optional(), leadId: z.string().max(80).optional(), accountId: z.string().max(80).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }).strict(),
      response: { 200: z.object({ total: z.number(), items: z.array(orderSummarySchema) }) },
    },
  }, async (req) => listOrders(app.sql, leadScope(app.sql, req.user, 'l'), req.query));

  app.get('/api/orders/:id', {
    config: { access: anyUser },
    schema: { tags: ['orders'], summary: 'An order with its lines and status history', params: idParams, response: { 200: orderSchema } },
  }, async (req) => {
    const order = await getOrder(app.sql, leadScope(app.sql, req.user, 'l'), req.params.id);
    if (!order) throw notFound('order');
    return order;
  });

  app.patch('/api/orders/:id', {
    config: { access: managers },
    schema: { tags: ['orders'], summary: 'Move an order to confirmed, fulfilled or cancelled (audited)', params: idParams, body: orderPatchSchema, response: { 200: orderSchema } },
  }, async (req) => {
    const user = req.user!;
    const scope = leadScope(app.sql, user, 'l');
    const to = req.body.status;
    let refused: OrderStatus | undefined;
    const from = await setOrderStatus(app.sql, scope, req.params.id, to, async (tx, was) => {
      if (!orderTransitions[was].includes(to)) {
        refused = was;
        throw new Error('refused');
      }
      await audit(tx, { actorId: user.id, action: 'order.status_changed', targetType: 'order', targetId: req.params.id, details: { from: was, to, note: req.body.note ?? null } });
    }).catch((err: unknown) => {
      if (refused) return undefined;
      throw err;
    });
    if (refused) throw conflict(`status: an order that is ${refused} cannot become ${to} (allowed: ${orderTransitions[refused].join(', ')})`);
    if (!from) throw notFound('order');
    return (await getOrder(app.sql, scope, req.params.id))!;
  });
};

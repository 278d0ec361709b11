import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { behaviourEventBodySchema, behaviourEventResponseSchema } from '../../engine/lead/schemas';
import { leadVisibleToKey, recordBehaviour } from '../leads/behaviour';
import { DomainError } from '../errors';

/** Rate-limit bucket of a request: its API key (hashed, never kept in plain), else its address. */
const keyBucket = (req: FastifyRequest): string => {
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key ? `key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}` : `ip:${req.ip}`;
};

/**
 * Behavioural events from partners (`x-api-key`): e-mail opens and clicks, page visits, downloads, webinar attendance.
 * Each is stored on its lead once per event id and tells the lead's workflow, which re-scores.
 */
export const eventRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/events', {
    config: { access: 'partner', rateLimit: { max: app.config.PARTNER_RATE_LIMIT, timeWindow: 60_000, keyGenerator: keyBucket } },
    schema: {
      tags: ['events'],
      summary: 'Partner API: record a behavioural event on a lead (x-api-key); a repeated eventId answers the first event',
      description: 'The lead is named by `leadId` or `email` and must be one this key captured; any other answers 404 (the same whether it exists or not). '
        + 'Example: `{ "eventId": "evt-1", "email": "ana@acme.io", "type": "page_visit", "occurredAt": "2026-05-01T10:00:00Z", "details": { "url": "https://www.acme.io/pricing" } }`. '
        + `At most PARTNER_RATE_LIMIT requests per minute and key (429 with Retry-After above it).`,
      body: behaviourEventBodySchema,
      response: { 202: behaviourEventResponseSchema },
    },
  }, async (req, reply) => {
    const keyId = req.partnerKeyId!;
    const b = req.body;
    const leadId = await leadVisibleToKey(app, keyId, { leadId: b.leadId, email: b.email });
    if (!leadId) throw new DomainError('not_found', `lead not found: no lead with this ${b.leadId ? 'leadId' : 'email'} was captured with this API key`);
    const { event, first } = await recordBehaviour(app, {
      source: `key:${keyId}`, eventId: b.eventId, leadId, type: b.type, occurredAt: b.occurredAt, details: b.details,
    });
    if (!first) reply.header('x-event-repeat', 'true');
    return reply.status(202).send({ eventId: event.eventId, leadId: event.leadId, type: event.type, recorded: true as const });
  });
};

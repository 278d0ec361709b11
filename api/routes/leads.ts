import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as msg from '../../engine/lead/messages';
import {
  captureBodySchema, captureResponseSchema, convertBodySchema, publicCaptureResponseSchema, createOfferBodySchema, logVisitBodySchema, noteBodySchema, reasonBodySchema,
  reassignBodySchema, setOfferStatusBodySchema, wonBodySchema,
} from '../../engine/lead/schemas';
import { leadScope, managedTeams } from '../auth/scope';
import { anyUser, managers } from '../auth/types';
import { DomainError, notFound } from '../errors';
import { captureHeadersSchema, captureLead } from '../leads/capture';
import { actionIds, idempotencyKeyOf, runLeadAction, runLeadUpdate } from '../leads/updates';
import { assertKnownFilters, exportColumns, exportLeads, findLeads, leadSchema, safeCell } from '../leads/finder';
import { allowedActionsSchema, leadPageSchema, loadLeadPage } from '../leads/lead-page';
import { closedActions, type AllowedActions } from '../../engine/lead/allowed-actions';
import { leadExportParams, leadFilterSchema, leadFinderQuerySchema } from '../../engine/lead/workspace-schemas';
import { audit } from '../auth/audit';
import { freeLinesAllowed, pricedOffer } from '../pricing/offer-pricing';
import { stringify } from 'csv-stringify/sync';

const viewSchema = z.object({
  leadId: z.string(), stage: z.string(), status: z.string(), score: z.number(), grade: z.string().nullable(), ownerId: z.string().nullable(),
  qualified: z.boolean(), closed: z.boolean(), nextDeadline: z.string().nullable(),
  openTasks: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), ownerId: z.string().nullable(), dueAt: z.string().nullable() })),
  offers: z.array(z.object({ id: z.string(), version: z.number(), status: z.string(), total: z.number() })),
}).passthrough();
const idParams = z.object({ id: z.string().min(1).max(80) });

/** Capture (web form, partner, manual), the lead list and page, and every rep action as a workflow update. */
export const leadRoutes: FastifyPluginAsyncZod = async (app) => {
  const capture = (source: 'web' | 'partner' | 'manual') => async (req: { body: z.infer<typeof captureBodySchema>; headers: { 'idempotency-key'?: string }; user?: { id: string }; partnerKeyId?: string }) => {
    if (source === 'web' && req.body.website) {
      // Honeypot filled: a bot. Answer like a success so it learns nothing; store nothing.
      return { leadId: `lead-${randomUUID().slice(0, 8)}`, duplicate: false, submissionId: randomUUID() };
    }
    // Idempotency-Key: a retry with the same key (and body) answers the first answer and adds no submission.
    return captureLead(app, req.body, source, req.user?.id ?? req.partnerKeyId, req.headers['idempotency-key']);
  };
  const captureSchema = (summary: string) => ({ tags: ['leads'], summary, headers: captureHeadersSchema, body: captureBodySchema, response: { 202: captureResponseSchema } });

  // The public form answers the same for a new and a known person (a random reference, nothing about the lead),
  // so nobody can probe who is already a lead; a filled honeypot gets the same answer and stores nothing.
  app.post('/api/leads/web-form', {
    config: { access: 'public' }, bodyLimit: 32 * 1024,
    schema: { tags: ['leads'], summary: 'Public web form: capture a lead', headers: captureHeadersSchema, body: captureBodySchema, response: { 202: publicCaptureResponseSchema } },
  }, async (req, reply) => {
    // The reference is the submission's id: the same for a retry with the same Idempotency-Key, and says nothing about the person.
    const { submissionId } = await capture('web')(req);
    return reply.status(202).send({ accepted: true as const, reference: submissionId });
  });
  app.post('/api/partners/leads', { config: { access: 'partner' }, schema: captureSchema('Partner API: capture a lead (x-api-key)') },
    async (req, reply) => reply.status(202).send(await capture('partner')(req)));
  app.post('/api/leads', { config: { access: anyUser }, schema: captureSchema('Manual entry by a signed-in user') },
    async (req, reply) => reply.status(202).send(await capture('manual')(req)));

  app.get('/api/leads', {
    config: { access: anyUser },
    // Unknown parameters are refused before validation, so `?country=DE` can never silently return everything.
    preValidation: async (req) => assertKnownFilters(req.query),
    schema: {
      tags: ['leads'], summary: 'Lead finder: leads you may see, filtered, sorted and paginated',
      querystring: leadFinderQuerySchema,
      response: { 200: z.object({ total: z.number(), items: z.array(leadSchema) }) },
    },
  }, async (req) => findLeads(app.sql, req.user!, req.query));

  app.get('/api/leads/export.csv', {
    config: { access: anyUser },
    preValidation: async (req) => assertKnownFilters(req.query, leadExportParams),
    schema: { tags: ['leads'], summary: 'The finder\'s leads as CSV (same filters and sort, up to 50,000 rows; audited)', querystring: leadFilterSchema },
  }, async (req, reply) => {
    const leads = await exportLeads(app.sql, req.user!, req.query, 50_000);
    await audit(app.sql, { actorId: req.user!.id, action: 'lead.exported', targetType: 'lead', details: { format: 'csv', rows: leads.length, filters: req.query } });
    const csv = stringify(leads.map((l) => exportColumns.map((c) => safeCell(c.value(l)))), { header: true, columns: exportColumns.map((c) => c.header) });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="leads.csv"').send(csv);
  });

  app.get('/api/leads/:id', {
    config: { access: anyUser },
    schema: {
      tags: ['leads'], summary: 'A lead with its timeline (names instead of ids), tasks, visits, offers, orders, score explanation and colleague warnings',
      params: idParams, response: { 200: leadPageSchema },
    },
  }, async (req) => loadLeadPage(app.sql, req.user!, req.params.id));

  app.get('/api/leads/:id/actions', {
    config: { access: anyUser },
    schema: {
      tags: ['leads'], summary: 'The actions the workflow allows now (and why the others are refused)',
      params: idParams, response: { 200: allowedActionsSchema },
    },
  }, async (req) => {
    const [row] = await app.sql<{ status: string; offers: string[] }[]>`
      select l.status, coalesce((select array_agg(o.id order by o.version) from offers o where o.lead_id = l.id), '{}') as offers
        from leads l where l.id = ${req.params.id} and ${leadScope(app.sql, req.user, 'l')}`;
    if (!row) throw notFound('lead');
    if (row.status === 'won' || row.status === 'lost') return closedActions(row.offers);
    let answer: AllowedActions;
    try {
      // Within the action deadline (503 when no worker answers); a workflow that is gone is a closed lead.
      answer = await runLeadUpdate(app, req.params.id, (h) => h.query(msg.allowedActionsQuery));
    } catch (err) {
      if (err instanceof DomainError && err.code === 'conflict') return closedActions(row.offers);
      throw err;
    }
    if (req.user!.role === 'rep' && answer.actions.reassign.allowed) answer.actions.reassign = { allowed: false, reason: 'only managers reassign leads' };
    return answer;
  });

  app.get('/api/leads/:id/state', {
    config: { access: anyUser },
    schema: { tags: ['leads'], summary: 'Live process state (stage, score, owner, open tasks, next deadline) from the workflow', params: idParams, response: { 200: viewSchema } },
  }, async (req) => {
    await assertVisible(req.params.id, req.user);
    return { ...(await runLeadUpdate(app, req.params.id, (h) => h.query(msg.getLeadQuery))) };
  });

  async function assertVisible(id: string, user: Parameters<typeof leadScope>[1]): Promise<void> {
    const [row] = await app.sql`select 1 from leads l where l.id = ${id} and ${leadScope(app.sql, user, 'l')}`;
    if (!row) throw notFound('lead');
  }

  // ---- rep actions (updates with validators in the workflow) ----
  // Each answers within 10 s (503 + Retry-After otherwise); an `Idempotency-Key` makes a retry attach to the same update.
  type ActionContext = { by: string; user: NonNullable<FastifyRequest['user']>; ids: (prefix: string) => { updateId: string; recordId: string } };
  const action = <B extends z.ZodType>(path: string, summary: string, body: B, run: (id: string, body: z.infer<B>, ctx: ActionContext) => Promise<unknown>, access = anyUser) =>
    app.post(`/api/leads/:id/${path}`, {
      config: { access },
      schema: { tags: ['lead actions'], summary, params: idParams, body, response: { 200: z.record(z.string(), z.unknown()) } },
    }, async (req) => {
      const key = idempotencyKeyOf(req);
      await assertVisible(req.params.id, req.user);
      const by = req.user!.id;
      return (await run(req.params.id, req.body as z.infer<B>, { by, user: req.user!, ids: (prefix) => actionIds(`${req.params.id}:${path}`, prefix, key, by) })) as Record<string, unknown>;
    });
  /** A reason or type must be an active constant of its category (422 naming the field otherwise). */
  const assertConstant = async (category: string, code: string | undefined, field: string, what: string) => {
    const [known] = await app.sql`select 1 from constants where category = ${category} and code = ${code ?? ''} and active`;
    if (!known) throw new DomainError('unprocessable', `${field}: unknown ${what} "${code ?? ''}" (see /api/constants)`, [{ path: `body.${field}`, message: `unknown ${what}` }]);
  };

  action('visits', 'Log a visit (call, on-site, telepresence, e-mail …)', logVisitBodySchema, async (id, b, { by, ids }) => {
    await assertConstant('visit_type', b.type, 'type', 'visit type');
    await assertConstant('visit_status', b.status, 'status', 'visit status');
    const { updateId, recordId } = ids('vis');
    return runLeadAction(app, id, msg.logVisitUpdate, [{ visitId: recordId, repId: by, occurredAt: b.occurredAt ?? new Date().toISOString(), ...b }], updateId);
  });
  action('qualify', 'Qualify the lead (moves it on to the offer stage)', noteBodySchema, (id, b, { by, ids }) =>
    runLeadAction(app, id, msg.qualifyUpdate, [{ by, note: b.note }], ids('q').updateId));
  action('disqualify', 'Disqualify the lead (with a reason from the disqualify_reason constants)', reasonBodySchema, async (id, b, { by, ids }) => {
    await assertConstant('disqualify_reason', b.reason, 'reason', 'disqualify reason');
    return runLeadAction(app, id, msg.disqualifyUpdate, [{ by, reason: b.reason }], ids('dq').updateId);
  });
  action('nurture', 'Send the lead to nurturing', noteBodySchema, (id, b, { by, ids }) =>
    runLeadAction(app, id, msg.nurtureUpdate, [{ by, note: b.note }], ids('n').updateId));
  action('opportunity', 'Convert to an opportunity', convertBodySchema, async (id, b, { by, ids }) => {
    const [lead] = await app.sql<{ company: string | null; name: string }[]>`select company, name from leads where id = ${id}`;
    return runLeadAction(app, id, msg.convertToOpportunityUpdate, [{ by, opportunityId: `opp-${id}`, name: b.name ?? lead?.company ?? lead?.name ?? id, amount: b.amount }], ids('opp').updateId);
  });
  action('offers', 'Create an offer (or a new version that renegotiates an old one): a configuration from the catalog, priced on the server, or free lines', createOfferBodySchema, async (id, b, { by, user, ids }) => {
    const { updateId, recordId } = ids('off');
    const priced = b.configuration ? await pricedOffer(app.sql, user, id, b.configuration) : { lines: await freeLinesAllowed(app.sql, user, b.lines!), currency: b.currency, pricing: undefined };
    return runLeadAction(app, id, msg.createOfferUpdate, [{ by, offerId: recordId, lines: priced.lines, currency: priced.currency, supersedes: b.supersedes, pricing: priced.pricing }], updateId);
  });
  app.post('/api/leads/:id/offers/:offerId/status', {
    config: { access: anyUser },
    schema: { tags: ['lead actions'], summary: 'Set an offer status (sent, confirmed, in follow-up, accepted, rejected with reason, postponed)', params: z.object({ id: z.string().max(80), offerId: z.string().max(80) }), body: setOfferStatusBodySchema, response: { 200: z.record(z.string(), z.unknown()) } },
  }, async (req) => {
    const key = idempotencyKeyOf(req);
    await assertVisible(req.params.id, req.user);
    if (req.body.status === 'rejected') {
      const [known] = await app.sql`select 1 from constants where category = 'rejection_reason' and code = ${req.body.reason ?? ''} and active`;
      if (!known) throw new DomainError('unprocessable', 'reason: a rejected offer needs a known rejection reason (see /api/constants)', [{ path: 'body.reason', message: 'unknown or missing rejection reason' }]);
    }
    const { updateId } = actionIds(`${req.params.id}:offer-status:${req.params.offerId}:${req.body.status}`, 'os', key, req.user!.id);
    return runLeadAction(app, req.params.id, msg.setOfferStatusUpdate, [{ by: req.user!.id, offerId: req.params.offerId, status: req.body.status, reason: req.body.reason }], updateId);
  });
  action('won', 'Mark the lead won (needs an accepted offer); creates the order', wonBodySchema, (id, b, { by, ids }) =>
    runLeadAction(app, id, msg.markWonUpdate, [{ by, offerId: b.offerId, orderId: `ord-${id}` }], ids('won').updateId));
  action('lost', 'Mark the lead lost (with a reason)', reasonBodySchema, async (id, b, { by, ids }) => {
    await assertConstant('loss_reason', b.reason, 'reason', 'loss reason');
    return runLeadAction(app, id, msg.markLostUpdate, [{ by, reason: b.reason, note: b.note }], ids('lost').updateId);
  });
  // The activity writes the audit entry in the same transaction as the owner change.
  action('reassign', 'Reassign the lead to another rep (managers: an active rep of a team they manage)', reassignBodySchema, async (id, b, { by, user, ids }) => {
    const [rep] = await app.sql`select 1 from users u where u.id = ${b.ownerId} and u.active and u.role = 'rep'
      ${user.role === 'manager' ? app.sql`and u.team_id in ${managedTeams(app.sql, user)}` : app.sql``}`;
    if (!rep) {
      const why = user.role === 'manager' ? 'an active rep of a team you manage' : 'an active rep';
      throw new DomainError('unprocessable', `ownerId: "${b.ownerId}" is not ${why}`, [{ path: 'body.ownerId', message: `must be ${why}` }]);
    }
    return runLeadAction(app, id, msg.reassignUpdate, [{ by, ownerId: b.ownerId, reason: b.reason }], ids('ra').updateId);
  }, managers);
};

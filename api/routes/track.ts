import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { trackingSecret, verifyClickToken, verifyOpenToken } from '../../workers/mail/tracking';
import { recordBehaviour } from '../leads/behaviour';
import { notFound } from '../errors';

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const tokenParams = z.object({ token: z.string().max(600) });

/**
 * Tracking of the mail the product sends: the open pixel (always a 1×1 GIF, whatever the token) and the click
 * redirect (only to the URL that was in the mail; a token that is not ours answers 404). Each first open of a mail
 * and first click of a link is a behavioural event on the mail's lead.
 */
export const trackRoutes: FastifyPluginAsyncZod = async (app) => {
  const mailOf = async (mailId: string) =>
    (await app.sql<{ lead_id: string | null; template: string }[]>`select lead_id, template from mail_outbox where id = ${mailId}`)[0];

  app.get('/api/track/open/:token', {
    config: { access: 'public' },
    schema: { tags: ['tracking'], summary: 'Open pixel of a tracked mail (a 1×1 GIF)', params: tokenParams, hide: true },
  }, async (req, reply) => {
    try {
      const mailId = verifyOpenToken(await trackingSecret(app.sql), req.params.token.replace(/\.gif$/, ''));
      const mail = mailId ? await mailOf(mailId) : undefined;
      if (mailId && mail?.lead_id) {
        await recordBehaviour(app, {
          source: 'mail', eventId: `open:${mailId}`, leadId: mail.lead_id, type: 'email_open', occurredAt: new Date().toISOString(),
          details: { mailId, template: mail.template },
        });
      }
    } catch (err) {
      req.log.warn({ err }, 'mail open not recorded');
    }
    return reply.header('content-type', 'image/gif').header('cache-control', 'no-store, max-age=0').send(PIXEL);
  });

  app.get('/api/track/click/:token', {
    config: { access: 'public' },
    schema: { tags: ['tracking'], summary: 'Click redirect of a link in a tracked mail', params: tokenParams, hide: true },
  }, async (req, reply) => {
    const link = verifyClickToken(await trackingSecret(app.sql), req.params.token);
    const [row] = link ? await app.sql<{ url: string; lead_id: string | null; template: string }[]>`
      select l.url, o.lead_id, o.template from mail_links l join mail_outbox o on o.id = l.mail_id
      where l.mail_id = ${link.mailId} and l.idx = ${link.idx}` : [];
    if (!link || !row) throw notFound('link');
    if (row.lead_id) {
      try {
        await recordBehaviour(app, {
          source: 'mail', eventId: `click:${link.mailId}:${link.idx}`, leadId: row.lead_id, type: 'email_click', occurredAt: new Date().toISOString(),
          details: { mailId: link.mailId, template: row.template, url: row.url },
        });
      } catch (err) {
        req.log.warn({ err }, 'mail click not recorded');
      }
    }
    return reply.header('cache-control', 'no-store').redirect(row.url, 302);
  });
};

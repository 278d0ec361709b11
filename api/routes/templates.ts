import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Sql } from '../../db/client';
import { getTemplate, leadMailVariables, leadVariableFields, listTemplates, saveTemplate, type StoredTemplate } from '../../db/templates';
import { smtpTransport } from '../../workers/mail/mailer';
import { renderTemplate } from '../../workers/mail/templates';
import { audit } from '../auth/audit';
import { leadScope } from '../auth/scope';
import { adminOnly, anyUser, type AuthUser } from '../auth/types';
import { notFound, unprocessable } from '../errors';
import { errorSchema } from '../rule-sets/schemas';
import { knownVariables, templateProblems } from '../templates/check';
import { templateBodySchema, templateNameSchema, templatePreviewSchema, templateTestSendSchema } from '../templates/schemas';

const tags = ['templates'];
const errors = { 400: errorSchema, 404: errorSchema, 422: errorSchema };
const sourceSchema = z.object({ subject: z.string(), text: z.string(), html: z.string().nullable() });
const templateSchema = sourceSchema.extend({
  name: z.string(), updatedBy: z.string().nullable(), updatedAt: z.string().nullable(), edited: z.boolean(), builtin: sourceSchema.nullable(),
});
const renderedSchema = z.object({ subject: z.string(), text: z.string(), html: z.string().nullable(), to: z.string().nullable() });
const params = z.object({ name: templateNameSchema });

const view = (t: StoredTemplate) => ({
  name: t.name, subject: t.subject, text: t.text, html: t.html, updatedBy: t.updatedBy,
  // Seeded rows carry the epoch: never edited by anyone.
  updatedAt: t.updatedAt && t.updatedAt.getTime() > 0 ? t.updatedAt.toISOString() : null,
  edited: !!t.builtin && (t.builtin.subject !== t.subject || t.builtin.text !== t.text || (t.builtin.html ?? null) !== (t.html ?? null)),
  builtin: t.builtin,
});

/**
 * E-mail templates: the built-in ones, editable by admins (liquid subject and body; a variable the mail is
 * never rendered with is refused, named), previewed on a stored lead and test-sent to oneself through the outbox.
 * The mail activity uses the stored version of a template when there is one.
 */
export const templateRoutes: FastifyPluginAsyncZod = async (app) => {
  const loadOr404 = async (name: string) => {
    const t = await getTemplate(app.sql, name);
    if (!t) throw notFound(`e-mail template "${name}"`);
    return t;
  };
  /** 422 naming every bad variable or liquid error of a source, before anything is stored or rendered. */
  const check = async (src: { subject: string; text: string; html?: string | null }) => {
    const known = knownVariables(await leadVariableFields(app.sql));
    const problems = [
      ...templateProblems('subject', src.subject, known), ...templateProblems('text', src.text, known),
      ...(src.html ? templateProblems('html', src.html, known) : []),
    ];
    if (problems.length) throw unprocessable(`the template has ${problems.length} problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  };
  /** Renders a source on a lead the caller may see (404 otherwise), like the mail activity would. */
  const renderOnLead = async (req: { user?: AuthUser; protocol: string; host: string }, name: string, src: { subject: string; text: string; html?: string | null }, leadId: string) => {
    const [visible] = await app.sql`select l.id from leads l where l.id = ${leadId} and ${leadScope(app.sql, req.user, 'l')}`;
    const vars = visible ? await leadMailVariables(app.sql, leadId, 'owner', `${req.protocol}://${req.host}`) : undefined;
    if (!vars) throw notFound(`lead "${leadId}"`);
    try {
      const out = await renderTemplate(name, vars, { subject: src.subject, text: src.text, ...(src.html ? { html: src.html } : {}) });
      return { subject: out.subject, text: out.text, html: out.html ?? null, to: vars.recipient.email ? String(vars.recipient.email) : null };
    } catch (err) {
      throw unprocessable(`the template cannot be rendered: ${(err as Error).message.split('\n')[0]}`, [{ path: 'text', message: (err as Error).message.split('\n')[0]! }]);
    }
  };

  app.get('/api/templates', {
    config: { access: anyUser },
    schema: { tags, summary: 'Every e-mail template (built-in ones included), as stored', response: { 200: z.object({ items: z.array(templateSchema) }) } },
  }, async () => ({ items: (await listTemplates(app.sql)).map(view) }));

  app.get('/api/templates/:name', {
    config: { access: anyUser },
    schema: { tags, summary: 'One e-mail template', params, response: { 200: templateSchema, 404: errorSchema } },
  }, async (req) => view(await loadOr404(req.params.name)));

  app.put('/api/templates/:name', {
    config: { access: adminOnly },
    schema: {
      tags, summary: 'Change a template; refused with 422 naming every unknown variable or liquid error (nothing is stored then)',
      params, body: templateBodySchema, response: { 200: templateSchema, ...errors },
    },
  }, async (req) => {
    const before = await loadOr404(req.params.name);
    await check(req.body);
    const html = req.body.html ?? null;
    await app.sql.begin(async (t) => {
      const tx = t as unknown as Sql;
      await saveTemplate(tx, { name: before.name, subject: req.body.subject, text: req.body.text, html, by: req.user!.id });
      await audit(tx, {
        actorId: req.user!.id, action: 'template.updated', targetType: 'template', targetId: before.name,
        details: { from: { subject: before.subject, text: before.text }, to: { subject: req.body.subject, text: req.body.text } },
      });
    });
    return view(await loadOr404(req.params.name));
  });

  app.post('/api/templates/:name/preview', {
    config: { access: adminOnly },
    schema: {
      tags, summary: 'Render the template (or the unsaved text sent along) on a stored lead, as its owner would get it',
      params, body: templatePreviewSchema, response: { 200: renderedSchema, ...errors },
    },
  }, async (req) => {
    const stored = await loadOr404(req.params.name);
    const src = { subject: req.body.subject ?? stored.subject, text: req.body.text ?? stored.text, html: req.body.html === undefined ? stored.html : req.body.html };
    await check(src);
    return renderOnLead(req, stored.name, src, req.body.leadId);
  });

  app.post('/api/templates/:name/test-send', {
    config: { access: adminOnly },
    schema: {
      tags, summary: 'Send the stored template, rendered on a lead, to yourself through the outbox; the same requestId never sends twice',
      params, body: templateTestSendSchema, response: { 201: z.object({ id: z.string(), status: z.string(), to: z.string(), subject: z.string() }), ...errors },
    },
  }, async (req, reply) => {
    const stored = await loadOr404(req.params.name);
    const out = await renderOnLead(req, stored.name, stored, req.body.leadId);
    const id = `template-test:${req.user!.id}:${req.body.requestId}`;
    const subject = `[Test] ${out.subject}`;
    const [row] = await app.sql<{ id: string; status: string; to_address: string; subject: string }[]>`
      insert into mail_outbox (id, lead_id, to_address, subject, body_text, body_html, template, status, transport, sent_at)
      values (${id}, ${req.body.leadId}, ${req.user!.email}, ${subject}, ${out.text}, ${out.html}, ${stored.name}, ${app.config.SMTP_URL ? 'sending' : 'stored'},
              ${app.config.SMTP_URL ? null : 'outbox'}, ${app.config.SMTP_URL ? null : new Date()})
      on conflict (id) do nothing
      returning id, status, to_address, subject`;
    if (!row) {
      const [existing] = await app.sql<{ id: string; status: string; to_address: string; subject: string }[]>`select id, status, to_address, subject from mail_outbox where id = ${id}`;
      return reply.status(201).send({ id, status: existing!.status, to: existing!.to_address, subject: existing!.subject });
    }
    if (app.config.SMTP_URL) {
      try {
        await smtpTransport(app.config.SMTP_URL).sendMail({ from: app.config.MAIL_FROM, to: req.user!.email, subject, text: out.text, ...(out.html ? { html: out.html } : {}) });
        await app.sql`update mail_outbox set status = 'sent', transport = 'smtp', sent_at = now(), attempts = 1 where id = ${id}`;
        row.status = 'sent';
      } catch (err) {
        await app.sql`update mail_outbox set status = 'failed', error = ${(err as Error).message.slice(0, 500)}, attempts = 1 where id = ${id}`;
        row.status = 'failed';
      }
    }
    await audit(app.sql, { actorId: req.user!.id, action: 'template.test_sent', targetType: 'template', targetId: stored.name, details: { leadId: req.body.leadId, mailId: id } });
    return reply.status(201).send({ id: row.id, status: row.status, to: row.to_address, subject: row.subject });
  });
};

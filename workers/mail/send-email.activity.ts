import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from '../deps';
import { storedTemplateSource } from '../../db/templates';
import { recordEvent } from '../lead/events';
import { smtpTransport } from './mailer';
import { renderTemplate, templates } from './templates';
import { trackMail } from './tracking';

type To = 'lead' | 'owner' | 'manager';

/**
 * Sends one e-mail per key: the outbox row is claimed before sending, so a retried or replayed activity never
 * sends twice (a crash between send and bookkeeping leaves it "sending" rather than risking a second mail).
 */
export function createMailActivities({ sql, smtpUrl, mailFrom, appUrl }: ActivityDeps) {
  return {
    async sendEmail(a: { key: string; leadId: string; template: string; to: To; nodeId?: string }): Promise<{ status: string }> {
      if (!templates[a.template]) throw ApplicationFailure.nonRetryable(`unknown e-mail template "${a.template}"`, 'InvalidInput');
      const [existing] = await sql<{ status: string }[]>`select status from mail_outbox where id = ${a.key}`;
      if (existing && existing.status !== 'queued' && existing.status !== 'failed') return { status: existing.status };

      if (!existing) {
        const [lead] = await sql<Record<string, unknown>[]>`
          select l.*, o.name as owner_name, o.email as owner_email, o.notify_email as owner_notify,
                 m.name as manager_name, m.email as manager_email, m.notify_email as manager_notify
          from leads l left join users o on o.id = l.owner_id left join teams t on t.id = coalesce(l.team_id, o.team_id) left join users m on m.id = t.manager_id
          where l.id = ${a.leadId}`;
        if (!lead) throw new Error(`lead ${a.leadId} is not on the read side yet`);
        const [setting] = await sql<{ value: unknown }[]>`select value from settings where key = 'mail_enabled'`;
        const globallyOn = setting?.value !== false;
        const recipient = a.to === 'lead'
          ? { name: lead.name, email: lead.email, notify: true }
          : a.to === 'owner'
            ? { name: lead.owner_name, email: lead.owner_email, notify: lead.owner_notify }
            : { name: lead.manager_name, email: lead.manager_email, notify: lead.manager_notify };
        const vars = { lead, recipient, owner: { name: lead.owner_name }, app_url: appUrl };
        // An admin's edited template (stored) wins over the built-in text.
        const rendered = await renderTemplate(a.template, vars, await storedTemplateSource(sql, a.template));
        const { subject } = rendered;
        // Mail to the lead is tracked: links go through the click redirect, an HTML version carries the open pixel.
        const { text, html } = a.to === 'lead' ? await trackMail(sql, appUrl, a.key, rendered.text) : { text: rendered.text, html: null };
        const skipped = !globallyOn ? 'e-mail is switched off' : !recipient.email ? `no e-mail address for the ${a.to}` : !recipient.notify ? `${a.to} turned e-mail notifications off` : null;
        await sql`
          insert into mail_outbox (id, lead_id, to_address, subject, body_text, body_html, template, status, error)
          values (${a.key}, ${a.leadId}, ${String(recipient.email ?? '')}, ${subject}, ${text}, ${html}, ${a.template}, ${skipped ? 'skipped' : 'queued'}, ${skipped})
          on conflict (id) do nothing`;
        if (skipped) return { status: 'skipped' };
      }
      // Claim the row; only one attempt can move it from queued/failed to sending.
      const [claimed] = await sql<{ to_address: string; subject: string; body_text: string; body_html: string | null }[]>`
        update mail_outbox set status = 'sending', attempts = attempts + 1 where id = ${a.key} and status in ('queued', 'failed')
        returning to_address, subject, body_text, body_html`;
      if (!claimed) return { status: 'sending' };
      if (!smtpUrl) {
        await sql`update mail_outbox set status = 'stored', transport = 'outbox', sent_at = now() where id = ${a.key}`;
      } else {
        try {
          await smtpTransport(smtpUrl).sendMail({
            from: mailFrom, to: claimed.to_address, subject: claimed.subject, text: claimed.body_text, ...(claimed.body_html ? { html: claimed.body_html } : {}),
            messageId: `<${a.key.replace(/[^A-Za-z0-9.-]/g, '.')}@leadflow>`,
          });
        } catch (err) {
          await sql`update mail_outbox set status = 'failed', error = ${(err as Error).message.slice(0, 500)} where id = ${a.key}`;
          throw err;
        }
        await sql`update mail_outbox set status = 'sent', transport = 'smtp', sent_at = now(), error = null where id = ${a.key}`;
      }
      if (a.nodeId) await sql`update leads set node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}`;
      await recordEvent(sql, { key: `${a.key}:mail`, leadId: a.leadId, type: 'email_sent', context: { template: a.template, to: a.to, mailId: a.key, address: claimed.to_address } });
      return { status: smtpUrl ? 'sent' : 'stored' };
    },
  };
}

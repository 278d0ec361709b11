import type { ActivityDeps } from '../deps';
import { recordEvent } from '../lead/events';
import { documentStoreFromEnv } from '../../db/documents';
import { loadAttachments, type AttachmentRef } from './attachments';
import { smtpTransport } from './mailer';
import { trackMail } from './tracking';

export interface OutboxMessage {
  /** Exactly-once key of the message (the outbox row id). */
  key: string;
  leadId: string;
  to: string | null;
  subject: string;
  text: string;
  template: string;
  /** Why it is not sent (no address, notifications off …): kept in the outbox as skipped. */
  skip?: string | null;
  attachments?: AttachmentRef[];
  /** Who it went to, for the lead's timeline ("contact", "manager" …). */
  recipient: string;
}

/**
 * Puts a message with its own text into the outbox and sends it once: the row is claimed before sending, so a retried
 * activity never sends twice; attachments are documents, read when the message goes out.
 */
export async function sendOutboxMessage({ sql, smtpUrl, mailFrom, documents, appUrl }: ActivityDeps, m: OutboxMessage): Promise<{ status: string }> {
  const [existing] = await sql<{ status: string }[]>`select status from mail_outbox where id = ${m.key}`;
  if (existing && existing.status !== 'queued' && existing.status !== 'failed') return { status: existing.status };
  if (!existing) {
    const [setting] = await sql<{ value: unknown }[]>`select value from settings where key = 'mail_enabled'`;
    const skipped = setting?.value === false ? 'e-mail is switched off' : !m.to ? `no e-mail address for the ${m.recipient}` : (m.skip ?? null);
    // Mail to the lead's contact (a proposal) is tracked like the pipeline's mail to the lead: links and an open pixel.
    const { text, html } = m.recipient === 'contact' && !skipped ? await trackMail(sql, appUrl, m.key, m.text) : { text: m.text, html: null };
    await sql`
      insert into mail_outbox (id, lead_id, to_address, subject, body_text, body_html, template, status, error, attachments)
      values (${m.key}, ${m.leadId}, ${m.to ?? ''}, ${m.subject}, ${text}, ${html}, ${m.template}, ${skipped ? 'skipped' : 'queued'}, ${skipped},
              ${sql.json((m.attachments ?? []) as never)})
      on conflict (id) do nothing`;
    if (skipped) return { status: 'skipped' };
  }
  const [claimed] = await sql<{ to_address: string; subject: string; body_text: string; body_html: string | null; attachments: AttachmentRef[] }[]>`
    update mail_outbox set status = 'sending', attempts = attempts + 1 where id = ${m.key} and status in ('queued', 'failed')
    returning to_address, subject, body_text, body_html, attachments`;
  if (!claimed) return { status: 'sending' };
  if (!smtpUrl) {
    await sql`update mail_outbox set status = 'stored', transport = 'outbox', sent_at = now() where id = ${m.key}`;
  } else {
    try {
      await smtpTransport(smtpUrl).sendMail({
        from: mailFrom, to: claimed.to_address, subject: claimed.subject, text: claimed.body_text, ...(claimed.body_html ? { html: claimed.body_html } : {}),
        attachments: await loadAttachments(sql, claimed.attachments ?? [], documents ?? documentStoreFromEnv()), messageId: `<${m.key.replace(/[^A-Za-z0-9.-]/g, '.')}@leadflow>`,
      });
    } catch (err) {
      await sql`update mail_outbox set status = 'failed', error = ${(err as Error).message.slice(0, 500)} where id = ${m.key}`;
      throw err;
    }
    await sql`update mail_outbox set status = 'sent', transport = 'smtp', sent_at = now(), error = null where id = ${m.key}`;
  }
  await recordEvent(sql, { key: `${m.key}:mail`, leadId: m.leadId, type: 'email_sent', context: { template: m.template, to: m.recipient, mailId: m.key, address: claimed.to_address, attachments: (m.attachments ?? []).map((a) => a.documentId) } });
  return { status: smtpUrl ? 'sent' : 'stored' };
}

import { log } from '@temporalio/activity';
import type { ActivityDeps } from '../deps';
import { smtpTransport } from '../mail/mailer';

/**
 * Tells a paused subscription's owner: a task in their inbox and an e-mail through the outbox, each once per pause
 * (both keyed by the subscription and the pause time, so a retried activity adds neither twice).
 */
export async function notifyPaused(
  { sql, smtpUrl, mailFrom, appUrl }: ActivityDeps,
  s: { id: string; name: string; url: string; ownerId: string | null; reason: string },
): Promise<void> {
  const [row] = await sql<{ paused_at: Date | null; email: string | null; active: boolean | null }[]>`
    select w.paused_at, u.email, u.active from webhook_subscriptions w left join users u on u.id = w.owner_id where w.id = ${s.id}`;
  if (!row?.paused_at || !s.ownerId) return;
  const key = `webhook-paused:${s.id}:${row.paused_at.getTime()}`;
  const title = `Webhook "${s.name}" was paused: ${s.reason}`.slice(0, 300);
  await sql`insert into tasks (id, lead_id, owner_id, kind, title, due_at) values (${key}, null, ${s.ownerId}, 'webhook_paused', ${title}, now())
            on conflict (id) do nothing`;
  const [setting] = await sql<{ value: unknown }[]>`select value from settings where key = 'mail_enabled'`;
  const address = row.email?.trim() ?? '';
  const skipped = setting?.value === false ? 'e-mail is switched off' : !address.includes('@') || row.active === false ? 'the owner has no active e-mail address' : null;
  const text = [
    `The webhook subscription "${s.name}" (${s.url}) was paused and delivers nothing until it is resumed.`,
    '', `Why: ${s.reason}`, '',
    'Events keep being queued while it is paused; resuming delivers them in order.',
    `Check the receiver, then resume it under Admin → Webhooks: ${appUrl.replace(/\/$/, '')}/admin/webhooks`,
  ].join('\n');
  await sql`
    insert into mail_outbox (id, lead_id, to_address, subject, body_text, template, status, error)
    values (${key}, null, ${address}, ${`Webhook paused: ${s.name}`}, ${text}, 'webhook_paused', ${skipped ? 'skipped' : 'queued'}, ${skipped})
    on conflict (id) do nothing`;
  const [claimed] = await sql<{ to_address: string; subject: string; body_text: string }[]>`
    update mail_outbox set status = 'sending', attempts = attempts + 1 where id = ${key} and status in ('queued', 'failed')
    returning to_address, subject, body_text`;
  if (!claimed) return;
  if (!smtpUrl) {
    await sql`update mail_outbox set status = 'stored', transport = 'outbox', sent_at = now() where id = ${key}`;
    return;
  }
  try {
    await smtpTransport(smtpUrl).sendMail({ from: mailFrom, to: claimed.to_address, subject: claimed.subject, text: claimed.body_text, messageId: `<${key.replace(/[^A-Za-z0-9.-]/g, '.')}@leadflow>` });
    await sql`update mail_outbox set status = 'sent', transport = 'smtp', sent_at = now(), error = null where id = ${key}`;
  } catch (err) {
    // The pause stands either way; the row stays 'failed' in the outbox with its reason for ops to see.
    await sql`update mail_outbox set status = 'failed', error = ${(err as Error).message.slice(0, 500)} where id = ${key}`;
    log.warn('webhook pause mail failed', { subscriptionId: s.id, error: (err as Error).message });
  }
}

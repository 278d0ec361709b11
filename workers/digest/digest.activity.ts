import { ApplicationFailure, log } from '@temporalio/activity';
import type { DueDigest } from '../../engine/digest/types';
import type { ActivityDeps } from '../deps';
import { smtpTransport } from '../mail/mailer';
import { composeDigest, renderDigest, type DigestUser } from './compose';
import { localParts } from './local-time';

/** The outbox id of a user's digest for a local day: one digest per user and day, whoever sends it. */
export const digestKey = (userId: string, localDate: string) => `digest:${userId}:${localDate}`;

/** Outbox states from which a digest may still be sent (anything else: sent, stored, skipped, or in flight). */
const RETRYABLE = ['queued', 'failed'];

/**
 * Daily digest activities. `dueDigests` lists who is due at an instant; `sendDigest` composes, stores and sends one
 * digest, claiming its outbox row first (like `sendEmail`), so a retry, a replay, a second worker or an overlapping
 * run never sends it twice.
 */
export function createDigestActivities({ sql, smtpUrl, mailFrom, appUrl }: ActivityDeps) {
  return {
    /** Active reps and managers with the digest on whose local digest hour has come today and whose digest for today is not out yet. */
    async dueDigests(a: { at: string }): Promise<DueDigest[]> {
      const at = new Date(a.at);
      if (Number.isNaN(at.getTime())) throw ApplicationFailure.nonRetryable(`at: "${a.at}" is not an instant`, 'InvalidInput');
      const users = await sql<{ id: string; time_zone: string; digest_hour: number }[]>`
        select id, time_zone, digest_hour from users where active and digest_enabled and role in ('rep', 'manager') order by id`;
      const candidates: DueDigest[] = [];
      for (const u of users) {
        let local;
        try {
          local = localParts(at, u.time_zone);
        } catch {
          log.warn('digest: unknown time zone, using UTC', { userId: u.id, timeZone: u.time_zone });
          local = localParts(at, 'UTC');
        }
        if (local.hour >= u.digest_hour) candidates.push({ userId: u.id, localDate: local.date });
      }
      if (!candidates.length) return [];
      const done = new Set((await sql<{ id: string }[]>`
        select id from mail_outbox where id in ${sql(candidates.map((c) => digestKey(c.userId, c.localDate)))} and status not in ${sql(RETRYABLE)}`).map((r) => r.id));
      return candidates.filter((c) => !done.has(digestKey(c.userId, c.localDate)));
    },

    /** Sends one user's digest for one local day (at most once). A user without an e-mail address fails non-retryably. */
    async sendDigest(a: DueDigest & { at: string }): Promise<{ status: string }> {
      const key = digestKey(a.userId, a.localDate);
      const [existing] = await sql<{ status: string }[]>`select status from mail_outbox where id = ${key}`;
      if (existing && !RETRYABLE.includes(existing.status)) return { status: existing.status };

      if (!existing) {
        const [user] = await sql<(DigestUser & { active: boolean; digest_enabled: boolean })[]>`
          select id, name, email, role, time_zone, active, digest_enabled from users where id = ${a.userId}`;
        if (!user) throw ApplicationFailure.nonRetryable(`user ${a.userId} does not exist`, 'InvalidInput');
        if (!user.active || !user.digest_enabled) return { status: 'off' };
        const [setting] = await sql<{ value: unknown }[]>`select value from settings where key = 'mail_enabled'`;
        const address = user.email.trim();
        const skipped = setting?.value === false ? 'e-mail is switched off' : address.includes('@') ? null : 'the user has no e-mail address';
        const content = await composeDigest(sql, user, a.localDate, new Date(a.at));
        const { subject, text, html } = await renderDigest(content, appUrl);
        await sql`
          insert into mail_outbox (id, lead_id, to_address, subject, body_text, body_html, template, status, error)
          values (${key}, null, ${address}, ${subject}, ${text}, ${html}, 'digest', ${skipped ? 'skipped' : 'queued'}, ${skipped})
          on conflict (id) do nothing`;
        if (skipped) {
          log.warn('digest skipped', { userId: a.userId, localDate: a.localDate, reason: skipped });
          if (!address.includes('@')) throw ApplicationFailure.nonRetryable(`digest for user ${a.userId} skipped: ${skipped}`, 'NoEmailAddress');
          return { status: 'skipped' };
        }
      }
      // Claim the row; only one attempt can move it from queued/failed to sending.
      const [claimed] = await sql<{ to_address: string; subject: string; body_text: string; body_html: string | null }[]>`
        update mail_outbox set status = 'sending', attempts = attempts + 1 where id = ${key} and status in ${sql(RETRYABLE)}
        returning to_address, subject, body_text, body_html`;
      if (!claimed) return { status: 'sending' };
      if (!smtpUrl) {
        await sql`update mail_outbox set status = 'stored', transport = 'outbox', sent_at = now() where id = ${key}`;
        return { status: 'stored' };
      }
      try {
        await smtpTransport(smtpUrl).sendMail({
          from: mailFrom, to: claimed.to_address, subject: claimed.subject, text: claimed.body_text, html: claimed.body_html ?? undefined,
          messageId: `<${key.replace(/[^A-Za-z0-9.-]/g, '.')}@leadflow>`,
        });
      } catch (err) {
        await sql`update mail_outbox set status = 'failed', error = ${(err as Error).message.slice(0, 500)} where id = ${key}`;
        throw err;
      }
      await sql`update mail_outbox set status = 'sent', transport = 'smtp', sent_at = now(), error = null where id = ${key}`;
      return { status: 'sent' };
    },
  };
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/client';

/**
 * Tracking of the mail the product sends to leads: an open pixel and a click redirect per link. Tokens are signed
 * (HMAC-SHA256 with a secret kept in the settings) per mail and link, and a click only ever redirects to the URL
 * that was in that mail (looked up by mail and link number), so the redirect cannot be pointed anywhere else.
 */

let cached: Buffer | undefined;

/** The signing secret: created once (random, 32 bytes) and shared by the workers and the API through the settings. */
export async function trackingSecret(sql: Db): Promise<Buffer> {
  if (cached) return cached;
  await sql`insert into settings (key, value) values ('mail_tracking_secret', ${sql.json(randomBytes(32).toString('hex') as never)}) on conflict (key) do nothing`;
  const [row] = await sql<{ value: string }[]>`select value from settings where key = 'mail_tracking_secret'`;
  cached = Buffer.from(row!.value, 'hex');
  return cached;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const sign = (secret: Buffer, what: string) => createHmac('sha256', secret).update(what).digest('base64url').slice(0, 32);

export const openToken = (secret: Buffer, mailId: string) => `${b64(mailId)}.${sign(secret, `open\u0000${mailId}`)}`;
export const clickToken = (secret: Buffer, mailId: string, idx: number) => `${b64(mailId)}.${idx}.${sign(secret, `click\u0000${mailId}\u0000${idx}`)}`;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function mailIdOf(part: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(part)) return undefined;
  return Buffer.from(part, 'base64url').toString('utf8');
}

/** The mail of a valid open token, else undefined. */
export function verifyOpenToken(secret: Buffer, token: string): string | undefined {
  const [m, sig, ...rest] = token.split('.');
  const mailId = m && sig && rest.length === 0 ? mailIdOf(m) : undefined;
  return mailId && same(sig!, sign(secret, `open\u0000${mailId}`)) ? mailId : undefined;
}

/** The mail and link number of a valid click token, else undefined. */
export function verifyClickToken(secret: Buffer, token: string): { mailId: string; idx: number } | undefined {
  const [m, i, sig, ...rest] = token.split('.');
  if (!m || !i || !sig || rest.length || !/^\d{1,4}$/.test(i)) return undefined;
  const mailId = mailIdOf(m);
  const idx = Number(i);
  return mailId && same(sig, sign(secret, `click\u0000${mailId}\u0000${idx}`)) ? { mailId, idx } : undefined;
}

const URL_RE = /https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/g;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Adds tracking to a mail to a lead: every http(s) link of the text goes through the click redirect (the original
 * URLs are stored in `mail_links`), and an HTML version of the text carries the open pixel. Idempotent per mail id.
 * @example const { text, html } = await trackMail(sql, 'https://app.example', 'lead-1:nurture-mail:1', 'Read https://www.acme.io/guide')
 */
export async function trackMail(sql: Db, appUrl: string, mailId: string, text: string): Promise<{ text: string; html: string }> {
  const secret = await trackingSecret(sql);
  const base = appUrl.replace(/\/+$/, '');
  const links: string[] = [];
  const indexOf = (url: string) => {
    const known = links.indexOf(url);
    if (known >= 0) return known;
    links.push(url);
    return links.length - 1;
  };
  const clickUrl = (url: string) => `${base}/api/track/click/${clickToken(secret, mailId, indexOf(url))}`;
  const trackedText = text.replace(URL_RE, (url) => clickUrl(url));
  const htmlBody = escapeHtml(text).replace(/https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/g, (escaped) => {
    const url = escaped.replace(/&amp;/g, '&');
    return `<a href="${escapeHtml(clickUrl(url))}">${escaped}</a>`;
  });
  if (links.length) {
    await sql`insert into mail_links ${sql(links.map((url, idx) => ({ mail_id: mailId, idx, url })))} on conflict do nothing`;
  }
  const pixel = `<img src="${escapeHtml(`${base}/api/track/open/${openToken(secret, mailId)}.gif`)}" width="1" height="1" alt="" style="display:block;border:0">`;
  const html = `<!doctype html>\n<html><body style="font-family: sans-serif; line-height: 1.4"><div style="white-space: pre-wrap">${htmlBody}</div>${pixel}</body></html>\n`;
  return { text: trackedText, html };
}

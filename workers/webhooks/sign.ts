import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new subscription secret: 32 random bytes, prefixed so it is recognisable in a receiver's configuration. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * The `X-Leadflow-Signature` value: HMAC-SHA256, hex, over `<timestamp>.<body>` with the subscription's secret.
 * @example signWebhook('whsec_…', '1767225600', '{"event":"lead.won"}')
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  const got = Buffer.from(signature, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

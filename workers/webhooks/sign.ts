import { createHmac, timingSafeEqual } from 'node:crypto';


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

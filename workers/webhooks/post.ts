import { WEBHOOK_HEADERS } from '../../engine/webhooks/schemas';
import { signWebhook } from './sign';

export interface PostOutcome {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** A receiver gets this long to answer; slower counts as a failed attempt. */
export const RECEIVER_TIMEOUT_MS = 10_000;

/** Sends one delivery, signed; never throws (a failure is an outcome the caller records). */
export async function postDelivery(a: { url: string; secret: string; deliveryId: string; event: string; body: string }): Promise<PostOutcome> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const started = performance.now();
  try {
    const res = await fetch(a.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Leadflow-Webhooks/1',
        [WEBHOOK_HEADERS.signature]: signWebhook(a.secret, timestamp, a.body),
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.event]: a.event,
        [WEBHOOK_HEADERS.delivery]: a.deliveryId,
        'idempotency-key': a.deliveryId,
      },
      body: a.body,
    });
    // The answer's body is not needed; reading it frees the connection.
    await res.arrayBuffer().catch(() => undefined);
    const durationMs = Math.round(performance.now() - started);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, error: ok ? null : `the receiver answered ${res.status}`, durationMs };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${RECEIVER_TIMEOUT_MS / 1000} s`
      : e.cause?.code ? `${e.cause.code}${e.cause.message ? `: ${e.cause.message}` : ''}` : e.message;
    return { ok: false, status: null, error: reason.slice(0, 500), durationMs: Math.round(performance.now() - started) };
  }
}

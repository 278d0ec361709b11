import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { DeliverResult } from '../../engine/webhooks/schemas';
import type { ActivityDeps } from '../deps';
import { notifyPaused } from './notify';
import { postDelivery } from './post';

interface Subscription {
  id: string;
  name: string;
  url: string;
  secret: string;
  status: 'active' | 'paused';
  owner_id: string | null;
  pause_after_failures: number | null;
  pause_after_hours: number;
}

interface Delivery {
  id: string;
  event: string;
  payload: unknown;
  created_at: Date;
}

/** How long one activity run waits for new deliveries before it hands back to its workflow. */
const RUN_MS = 25_000;
/** How often an idle run looks at the outbox (the outbox is a table; new rows come from any writer's transaction). */
const IDLE_POLL_MS = 500;

/** The body a receiver gets; the same bytes on every attempt of one delivery. */
export const deliveryBody = (d: Delivery) => JSON.stringify({ id: d.id, event: d.event, createdAt: d.created_at.toISOString(), data: d.payload });

/** Delivers webhook outboxes: one subscription per call, in order, recording every attempt in the delivery log. */
export function createWebhookActivities(deps: ActivityDeps) {
  const { sql } = deps;
  return {
    /**
     * Delivers the subscription's pending deliveries in order (pings first), waiting up to 25 s for new ones.
     * A failed attempt is recorded and thrown, so Temporal retries it with backoff; when the subscription's pause rule
     * is met it is paused, its owner told, and the run ends as 'paused'.
     */
    async deliverWebhooks(a: { subscriptionId: string }): Promise<DeliverResult> {
      const ctx = Context.current();
      const until = Date.now() + RUN_MS;
      let delivered = 0;
      for (;;) {
        ctx.heartbeat(delivered);
        if (ctx.cancellationSignal.aborted) return { state: 'idle', delivered };
        const [sub] = await sql<Subscription[]>`
          select id, name, url, secret, status, owner_id, pause_after_failures, pause_after_hours from webhook_subscriptions where id = ${a.subscriptionId}`;
        if (!sub) return { state: 'gone', delivered };
        // A paused subscription still answers pings: that is how an admin checks the receiver is back.
        const [next] = await sql<Delivery[]>`
          select id, event, payload, created_at from webhook_deliveries
          where subscription_id = ${sub.id} and status = 'pending' ${sub.status === 'paused' ? sql`and event = 'ping'` : sql``}
          order by (event = 'ping') desc, seq limit 1`;
        if (!next) {
          if (sub.status === 'paused') return { state: 'paused', delivered };
          if (delivered > 0 || Date.now() >= until) return { state: 'idle', delivered };
          await ctx.sleep(IDLE_POLL_MS).catch(() => undefined);
          continue;
        }
        const outcome = await postDelivery({ url: sub.url, secret: sub.secret, deliveryId: next.id, event: next.event, body: deliveryBody(next) });
        if (outcome.ok) {
          await sql.begin(async (tx) => {
            await tx`update webhook_deliveries set status = 'delivered', attempts = attempts + 1, response_code = ${outcome.status}, last_error = null,
                     duration_ms = ${outcome.durationMs}, last_attempt_at = now(), delivered_at = now() where id = ${next.id}`;
            await tx`update webhook_subscriptions set consecutive_failures = 0, failing_since = null where id = ${sub.id}`;
          });
          delivered++;
          continue;
        }
        if (next.event === 'ping') {
          // A ping is tried once: its log row says what the receiver did, and it never blocks the events behind it.
          await sql`update webhook_deliveries set status = 'failed', attempts = attempts + 1, response_code = ${outcome.status}, last_error = ${outcome.error},
                    duration_ms = ${outcome.durationMs}, last_attempt_at = now() where id = ${next.id}`;
          continue;
        }
        const paused = await sql.begin(async (tx) => {
          await tx`update webhook_deliveries set attempts = attempts + 1, response_code = ${outcome.status}, last_error = ${outcome.error},
                   duration_ms = ${outcome.durationMs}, last_attempt_at = now() where id = ${next.id}`;
          const [s] = await tx<{ consecutive_failures: number; failing_hours: number; status: string }[]>`
            update webhook_subscriptions set consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, now())
            where id = ${sub.id}
            returning consecutive_failures, extract(epoch from (now() - failing_since)) / 3600 as failing_hours, status`;
          if (!s || s.status === 'paused') return false;
          const byCount = sub.pause_after_failures !== null && s.consecutive_failures >= sub.pause_after_failures;
          const byTime = Number(s.failing_hours) >= sub.pause_after_hours;
          if (!byCount && !byTime) return false;
          const reason = byCount
            ? `${s.consecutive_failures} failed attempts in a row; last: ${outcome.error}`
            : `failing for ${sub.pause_after_hours} h without a success; last: ${outcome.error}`;
          await tx`update webhook_subscriptions set status = 'paused', paused_at = now(), paused_reason = ${reason}, updated_at = now() where id = ${sub.id}`;
          return reason;
        });
        if (paused) {
          log.warn('webhook subscription paused', { subscriptionId: sub.id, reason: paused });
          await notifyPaused(deps, { id: sub.id, name: sub.name, url: sub.url, ownerId: sub.owner_id, reason: paused });
          return { state: 'paused', delivered };
        }
        throw ApplicationFailure.retryable(`delivery ${next.id} to subscription ${sub.id} failed: ${outcome.error}`, 'WebhookDeliveryFailed');
      }
    },
  };
}

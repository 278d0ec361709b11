import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { behaviourSignal } from '../../engine/lead/messages';
import type { BehaviourEventType } from '../../engine/lead/schemas';

export interface BehaviourEvent {
  /** Who sent it: `key:<api key id>` for a partner, `mail` for the tracking of the mail the product sends. */
  source: string;
  eventId: string;
  leadId: string;
  type: BehaviourEventType;
  occurredAt: string;
  details: Record<string, unknown>;
}

/** How the timeline names the sender of an event. */
const senderOf = (source: string) => (source === 'mail' ? 'tracked mail' : 'partner API');

/**
 * Stores a behavioural event on its lead once per (source, event id), with its timeline entry in the same transaction,
 * then signals the lead's workflow (which re-scores). A repeat answers the first event and only signals again when the
 * first signal never got through. Answers the stored event (the first one's values for a repeat).
 */
export async function recordBehaviour(app: FastifyInstance, e: BehaviourEvent): Promise<{ event: BehaviourEvent; first: boolean }> {
  const { first, row } = await app.sql.begin(async (tx) => {
    const [inserted] = await tx<{ lead_id: string }[]>`
      insert into behaviour_events (source, event_id, lead_id, type, occurred_at, details)
      values (${e.source}, ${e.eventId}, ${e.leadId}, ${e.type}, ${e.occurredAt}, ${tx.json(e.details as never)})
      on conflict (source, event_id) do nothing returning lead_id`;
    if (inserted) {
      await tx`insert into lead_events (event_key, lead_id, type, context)
        values (${`behaviour:${e.source}:${e.eventId}`}, ${e.leadId}, 'behaviour',
                ${tx.json({ type: e.type, eventId: e.eventId, occurredAt: e.occurredAt, details: e.details, via: senderOf(e.source) } as never)})
        on conflict (event_key) do nothing`;
    }
    const [stored] = await tx<{ lead_id: string; type: BehaviourEventType; occurred_at: Date; details: Record<string, unknown>; signalled_at: Date | null }[]>`
      select lead_id, type, occurred_at, details, signalled_at from behaviour_events where source = ${e.source} and event_id = ${e.eventId}`;
    return { first: Boolean(inserted), row: stored! };
  });
  const event: BehaviourEvent = { source: e.source, eventId: e.eventId, leadId: row.lead_id, type: row.type, occurredAt: row.occurred_at.toISOString(), details: row.details };
  if (!row.signalled_at) await signalLead(app, event);
  return { event, first };
}

/** Tells the lead's workflow; a closed lead (no running workflow) keeps the event without a re-score. */
async function signalLead(app: FastifyInstance, e: BehaviourEvent): Promise<void> {
  try {
    await app.temporal.workflow.getHandle(e.leadId).signal(behaviourSignal, { eventId: `${e.source}:${e.eventId}`, type: e.type, at: e.occurredAt, source: e.source });
    await app.sql`update behaviour_events set signalled_at = now() where source = ${e.source} and event_id = ${e.eventId}`;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || /already completed|not found/i.test((err as Error).message ?? '')) {
      await app.sql`update behaviour_events set signalled_at = now() where source = ${e.source} and event_id = ${e.eventId}`;
      return;
    }
    // Temporal is unreachable: the event is stored; a repeat of it (or the next event) tells the lead.
    app.log.warn({ err, leadId: e.leadId }, 'behaviour event stored, its lead not signalled yet');
  }
}

/**
 * The lead a partner key may send events for: one it captured (the same answer, undefined, whether the lead does not
 * exist or belongs to someone else, so a key learns nothing about other leads).
 */
export async function leadVisibleToKey(app: FastifyInstance, keyId: string, ref: { leadId?: string; email?: string }): Promise<string | undefined> {
  const leadId = ref.leadId ?? (await app.sql<{ lead_id: string }[]>`select lead_id from person_claims where kind = 'email' and value = ${ref.email!}`)[0]?.lead_id;
  if (!leadId) return undefined;
  const [row] = await app.sql<{ lead_id: string }[]>`
    select lead_id from capture_inbox where lead_id = ${leadId} and input->'capture'->>'capturedBy' = ${keyId} limit 1`;
  return row?.lead_id;
}

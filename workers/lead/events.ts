import type { PendingQuery, Row } from 'postgres';
import type { Db } from '../../db/client';

/** Why something happened: the rule set, its version and the rules that matched. */
export interface EventCause {
  ruleSetId: string;
  ruleSetName?: string;
  version: number;
  matched: unknown[];
}

export interface LeadEvent {
  /** Makes the write idempotent: a retried activity writes the event once. */
  key: string;
  leadId: string;
  type: string;
  actor?: string | null;
  stage?: string | null;
  context?: Record<string, unknown>;
  cause?: EventCause | null;
}

/** Appends one event to the lead's timeline (the "event manager"), once per key. */
export async function recordEvent(sql: Db, e: LeadEvent): Promise<void> {
  await sql`
    insert into lead_events (event_key, lead_id, type, actor, stage, context, cause)
    values (${e.key}, ${e.leadId}, ${e.type}, ${e.actor ?? null}, ${e.stage ?? null},
            ${sql.json((e.context ?? {}) as never)}, ${e.cause ? sql.json(e.cause as never) : null})
    on conflict (event_key) do nothing`;
}

/**
 * Appends one event (once per key) and, in the same statement, runs `alsoUpdate` (an `update leads …` fragment): one
 * round trip and atomic without a transaction. The update runs whether or not the event was new (it is idempotent).
 * @example await recordEventWith(sql, event, sql`update leads set node_id = ${nodeId} where id = ${leadId}`)
 */
export async function recordEventWith(sql: Db, e: LeadEvent, alsoUpdate: PendingQuery<Row[]>): Promise<void> {
  await sql`
    with also as (${alsoUpdate})
    insert into lead_events (event_key, lead_id, type, actor, stage, context, cause)
    values (${e.key}, ${e.leadId}, ${e.type}, ${e.actor ?? null}, ${e.stage ?? null},
            ${sql.json((e.context ?? {}) as never)}, ${e.cause ? sql.json(e.cause as never) : null})
    on conflict (event_key) do nothing`;
}

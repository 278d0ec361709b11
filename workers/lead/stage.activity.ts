import { randomUUID } from 'node:crypto';
import type { ActivityDeps } from '../deps';
import { recordEvent } from './events';

/** Where the lead is (stage and node, for live counts) and how it ended. */
export function createStageActivities({ sql }: ActivityDeps) {
  return {
    async enterStage(a: { leadId: string; nodeId: string; stage: string; status: string }): Promise<void> {
      // One statement (one round trip, atomic): the lead's row as it was (locked), the stage changes so far, the
      // update, and the "stage_changed" event when stage or node changed, keyed by the number of changes before it.
      await sql`
        with prev as (select stage, node_id from leads where id = ${a.leadId} for update),
             changes as (select count(*)::int as n from lead_events where lead_id = ${a.leadId} and type = 'stage_changed'),
             also as (update leads set stage = ${a.stage}, status = ${a.status}, node_id = ${a.nodeId}, stage_entered_at = now(), updated_at = now()
                      where id = ${a.leadId})
        insert into lead_events (event_key, lead_id, type, stage, context)
        select ${a.leadId + ':stage:'} || changes.n || ${':' + a.nodeId}, ${a.leadId}, 'stage_changed', ${a.stage},
               jsonb_build_object('from', prev.stage, 'to', ${a.stage}::text, 'node', ${a.nodeId}::text)
        from prev, changes
        where prev.stage is distinct from ${a.stage} or prev.node_id is distinct from ${a.nodeId}
        on conflict (event_key) do nothing`;
    },

    async markNode(a: { leadId: string; nodeId: string }): Promise<void> {
      await sql`update leads set node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}`;
    },

    /** Closes the lead: won creates the order from the accepted offer (once); lost records the reason. */
    async closeLead(a: { leadId: string; result: 'won' | 'lost'; reason?: string; nodeId: string; offerId?: string; orderId?: string; by: string }): Promise<{ orderId?: string }> {
      return sql.begin(async (tx) => {
        let orderId: string | undefined;
        if (a.result === 'won') {
          const [offer] = a.offerId
            ? await tx<{ id: string; total: string; currency: string }[]>`select id, total, currency from offers where id = ${a.offerId}`
            : await tx<{ id: string; total: string; currency: string }[]>`select id, total, currency from offers where lead_id = ${a.leadId} and status = 'accepted' order by version desc limit 1`;
          const [order] = await tx<{ id: string; created: boolean }[]>`
            insert into orders (id, lead_id, offer_id, total, currency) values (${a.orderId ?? `ord-${randomUUID()}`}, ${a.leadId}, ${offer?.id ?? null}, ${offer?.total ?? 0}, ${offer?.currency ?? 'EUR'})
            on conflict (lead_id) do update set lead_id = excluded.lead_id returning id, (xmax = 0) as created`;
          orderId = order!.id;
          // The order keeps the accepted offer's lines as they were (product id and name included).
          if (order!.created && offer) {
            await tx`insert into order_lines (order_id, product, product_id, product_name, options, option_names, quantity, unit_price, total, price_source)
                     select ${orderId}, product, product_id, product_name, options, option_names, quantity, unit_price, total, price_source from offer_lines where offer_id = ${offer.id} order by id`;
          }
        }
        await tx`update leads set status = ${a.result}, stage = ${a.result}, node_id = ${a.nodeId}, lost_reason = ${a.result === 'lost' ? (a.reason ?? null) : null},
                 closed_at = coalesce(closed_at, now()), stage_entered_at = now(), next_deadline = null, updated_at = now() where id = ${a.leadId}`;
        await tx`update tasks set done = true, done_at = now() where lead_id = ${a.leadId} and not done`;
        await recordEvent(tx, { key: `${a.leadId}:closed`, leadId: a.leadId, type: a.result === 'won' ? 'won' : 'lost', actor: a.by, stage: a.result, context: { reason: a.reason ?? null, orderId: orderId ?? null, offerId: a.offerId ?? null } });
        return { orderId };
      }) as Promise<{ orderId?: string }>;
    },
  };
}

import { ApplicationFailure } from '@temporalio/activity';
import { offerTotal, toCents } from '../../engine/lead/bounds';
import type { LogVisitInput, OfferLineInput, OfferPricingInput } from '../../engine/lead/messages';
import type { ActivityDeps } from '../deps';
import { createMailActivities } from '../mail/send-email.activity';
import { recordEvent } from './events';
import { withFailureClassification } from './failures';

/**
 * The writes behind rep actions (the workflow validated the transition before calling these). A write the database
 * refuses for its input fails once as `InvalidInput` (see failures.ts), so the action answers and the lead stays usable.
 */
export function createRepActionActivities(deps: ActivityDeps) {
  const { sql } = deps;
  const mail = createMailActivities(deps);
  return withFailureClassification({
    async recordVisit(a: LogVisitInput & { leadId: string }): Promise<void> {
      const known = await sql`select 1 from constants where category = 'visit_type' and code = ${a.type} and active
                              union all select 1 from constants where category = 'visit_status' and code = ${a.status} and active`;
      if (known.length < 2) throw ApplicationFailure.nonRetryable(`unknown visit type "${a.type}" or status "${a.status}"`, 'InvalidInput');
      await sql.begin(async (tx) => {
        const [row] = await tx`
          insert into visits (id, lead_id, rep_id, type, status, outcome, notes, offer_id, occurred_at)
          values (${a.visitId}, ${a.leadId}, ${a.repId}, ${a.type}, ${a.status}, ${a.outcome ?? null}, ${a.notes ?? null}, ${a.offerId ?? null}, ${a.occurredAt})
          on conflict (id) do nothing returning id`;
        if (!row) return;
        await tx`update leads set last_visit_at = greatest(coalesce(last_visit_at, ${a.occurredAt}), ${a.occurredAt}), updated_at = now() where id = ${a.leadId}`;
        // A contact completes the "first contact" and reminder tasks.
        await tx`update tasks set done = true, done_at = now() where lead_id = ${a.leadId} and not done and kind in ('first_contact', 'contact_sla', 'contact_escalation')`;
        await recordEvent(tx, { key: `${a.leadId}:visit:${a.visitId}`, leadId: a.leadId, type: 'visit_logged', actor: a.repId, context: { visitId: a.visitId, type: a.type, status: a.status, outcome: a.outcome ?? null } });
      });
      if (a.type === 'on_site') await mail.sendEmail({ key: `${a.leadId}:visit:${a.visitId}:thank_you`, leadId: a.leadId, template: 'thank_you', to: 'lead' });
    },

    async recordDecision(a: { leadId: string; decision: 'qualified' | 'disqualified' | 'nurture'; by: string; reason?: string; note?: string }): Promise<void> {
      const status = a.decision === 'qualified' ? 'qualified' : a.decision === 'nurture' ? 'nurturing' : 'disqualified';
      await sql.begin(async (tx) => {
        if (a.decision === 'qualified') await tx`update leads set status = 'qualified', updated_at = now() where id = ${a.leadId}`;
        const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from lead_events where lead_id = ${a.leadId} and type = ${a.decision}`;
        await recordEvent(tx, { key: `${a.leadId}:${a.decision}:${n}`, leadId: a.leadId, type: a.decision, actor: a.by, context: { status, reason: a.reason ?? null, note: a.note ?? null } });
      });
    },

    async createOpportunity(a: { leadId: string; opportunityId: string; name: string; amount?: number; by: string }): Promise<void> {
      await sql.begin(async (tx) => {
        const [row] = await tx`insert into opportunities (id, lead_id, name, amount) values (${a.opportunityId}, ${a.leadId}, ${a.name}, ${a.amount ?? null})
                               on conflict do nothing returning id`;
        if (row) await recordEvent(tx, { key: `${a.leadId}:opportunity`, leadId: a.leadId, type: 'converted', actor: a.by, context: { opportunityId: a.opportunityId, name: a.name, amount: a.amount ?? null } });
      });
    },

    async createOffer(a: { leadId: string; offerId: string; lines: OfferLineInput[]; currency?: string; supersedes?: string; by: string; pricing?: OfferPricingInput }): Promise<{ version: number; total: number; opportunityId: string }> {
      return sql.begin(async (tx) => {
        const [existing] = await tx<{ version: number; total: string }[]>`select version, total from offers where id = ${a.offerId}`;
        const [opp] = await tx<{ id: string }[]>`
          insert into opportunities (id, lead_id, name) select ${`opp-${a.leadId}`}, id, coalesce(company, name) from leads where id = ${a.leadId}
          on conflict (lead_id) do update set lead_id = excluded.lead_id returning id`;
        if (existing) return { version: existing.version, total: Number(existing.total), opportunityId: opp!.id };
        // Each line is stored rounded to cents and the total is their sum, so the offer and its lines always agree.
        const total = offerTotal(a.lines);
        await tx`select id from leads where id = ${a.leadId} for update`;
        const [{ version }] = await tx<{ version: number }[]>`select coalesce(max(version), 0) + 1 as version from offers where lead_id = ${a.leadId}`;
        // Lines typed by hand have no list price: their list total is their total (no discount).
        const listTotal = a.pricing?.listTotal ?? total;
        const discountPct = a.pricing?.discountPct ?? 0;
        await tx`insert into offers (id, lead_id, version, supersedes_id, status, total, currency, list_total, discount_pct, price_list_id, contract_months)
                 values (${a.offerId}, ${a.leadId}, ${version}, ${a.supersedes ?? null}, 'draft', ${total}, ${a.currency ?? 'EUR'}, ${listTotal}, ${discountPct},
                         ${a.pricing?.priceListId ?? null}, ${a.pricing?.contractMonths ?? null})`;
        for (const l of a.lines) {
          await tx`insert into offer_lines (offer_id, product, options, quantity, unit_price, total, product_id, product_name, option_names, list_unit_price, price_source, adjustments)
                   values (${a.offerId}, ${l.product}, ${l.options}, ${l.quantity}, ${l.unitPrice}, ${toCents(l.quantity * l.unitPrice)},
                           ${l.productId ?? null}, ${l.productName ?? null}, ${l.optionNames ?? null}, ${l.listUnitPrice ?? null}, ${l.source ?? null}, ${tx.json((l.adjustments ?? []) as never)})`;
        }
        if (a.supersedes) {
          await tx`update offers set status = 'renegotiated', updated_at = now() where id = ${a.supersedes}`;
        }
        await tx`update leads set updated_at = now() where id = ${a.leadId}`;
        await recordEvent(tx, { key: `${a.leadId}:offer:${a.offerId}`, leadId: a.leadId, type: 'offer_created', actor: a.by, context: { offerId: a.offerId, version, total, supersedes: a.supersedes ?? null } });
        return { version, total, opportunityId: opp!.id };
      }) as Promise<{ version: number; total: number; opportunityId: string }>;
    },

    async setOfferStatus(a: { leadId: string; offerId: string; status: string; reason?: string; by: string }): Promise<void> {
      await sql.begin(async (tx) => {
        const [row] = await tx<{ status: string }[]>`select status from offers where id = ${a.offerId} and lead_id = ${a.leadId} for update`;
        if (!row) throw ApplicationFailure.nonRetryable(`offer ${a.offerId} not found`, 'InvalidInput');
        if (row.status === a.status) return; // a retry after the write
        await tx`update offers set status = ${a.status}, rejection_reason = ${a.status === 'rejected' ? (a.reason ?? null) : null},
                 sent_at = case when ${a.status} = 'sent' then now() else sent_at end,
                 confirmed_at = case when ${a.status} = 'confirmed' then now() else confirmed_at end, updated_at = now()
                 where id = ${a.offerId}`;
        const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from lead_events where lead_id = ${a.leadId} and type = 'offer_status'`;
        await recordEvent(tx, { key: `${a.leadId}:offer_status:${n}:${a.offerId}:${a.status}`, leadId: a.leadId, type: 'offer_status', actor: a.by, context: { offerId: a.offerId, from: row.status, status: a.status, reason: a.reason ?? null } });
        if (['confirmed', 'accepted', 'rejected'].includes(a.status)) {
          await tx`update tasks set done = true, done_at = now() where lead_id = ${a.leadId} and not done and kind = 'offer_confirmation'`;
        }
      });
    },
  });
}

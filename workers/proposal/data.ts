import type { Sql } from '../../db/client';
import { defaultProposalTemplate, proposalTemplateSchema, type ProposalTemplate } from '../../engine/proposal/template';
import type { ProposalData } from './render';

/** The stored proposal template, or the default one when ops never saved one. */
export async function loadProposalTemplate(sql: Sql): Promise<ProposalTemplate & { updatedAt: string | null; updatedBy: string | null }> {
  const [row] = await sql<{ title: string; intro: string; closing: string; validity_days: number; updated_at: Date; updated_by: string | null }[]>`
    select title, intro, closing, validity_days, updated_at, updated_by from proposal_templates where id = 'default'`;
  if (!row) return { ...defaultProposalTemplate, updatedAt: null, updatedBy: null };
  return { title: row.title, intro: row.intro, closing: row.closing, validityDays: row.validity_days, updatedAt: row.updated_at.toISOString(), updatedBy: row.updated_by };
}

export async function saveProposalTemplate(sql: Sql, t: ProposalTemplate, by: string): Promise<void> {
  const v = proposalTemplateSchema.parse(t);
  await sql`insert into proposal_templates (id, title, intro, closing, validity_days, updated_by, updated_at)
            values ('default', ${v.title}, ${v.intro}, ${v.closing}, ${v.validityDays}, ${by}, now())
            on conflict (id) do update set title = excluded.title, intro = excluded.intro, closing = excluded.closing,
              validity_days = excluded.validity_days, updated_by = excluded.updated_by, updated_at = now()`;
}

/**
 * The figures of one offer as the proposal shows them. The date is the day the offer was sent (today for a preview
 * of an offer not sent yet), so a re-render of the same version prints the same dates.
 */
export async function loadProposalData(sql: Sql, offerId: string): Promise<ProposalData | null> {
  const [o] = await sql<{
    id: string; lead_id: string; version: number; currency: string; total: string; list_total: string | null; discount_pct: string; sent_at: Date | null;
    account_name: string | null; account_country: string | null; company: string | null; lead_name: string; lead_email: string | null; country: string | null;
    contact_name: string | null; contact_email: string | null; rep_name: string | null; rep_email: string | null;
  }[]>`
    select o.id, o.lead_id, o.version, o.currency, o.total, o.list_total, o.discount_pct, o.sent_at,
           a.name as account_name, a.country as account_country, l.company, l.name as lead_name, l.email as lead_email, l.country,
           c.name as contact_name, c.email as contact_email, u.name as rep_name, u.email as rep_email
      from offers o join leads l on l.id = o.lead_id
      left join accounts a on a.id = l.account_id left join contacts c on c.id = l.contact_id left join users u on u.id = l.owner_id
     where o.id = ${offerId}`;
  if (!o) return null;
  // Names as priced (product and option names from the catalog); lines typed by hand carry their own text.
  const lines = await sql<{ product: string; options: string[]; quantity: number; unit_price: string; total: string }[]>`
    select coalesce(product_name, product) as product, coalesce(option_names, options) as options, quantity, unit_price, total from offer_lines where offer_id = ${offerId} order by id`;
  return {
    leadId: o.lead_id, offerId: o.id, version: o.version, currency: o.currency,
    accountName: o.account_name ?? o.company ?? o.lead_name, accountCountry: o.account_country ?? o.country,
    contactName: o.contact_name ?? o.lead_name, contactEmail: o.contact_email ?? o.lead_email, repName: o.rep_name, repEmail: o.rep_email,
    lines: lines.map((l) => ({ product: l.product, options: l.options, quantity: l.quantity, unitPrice: Number(l.unit_price), total: Number(l.total) })),
    listTotal: o.list_total === null ? null : Number(o.list_total), discountPct: Number(o.discount_pct), total: Number(o.total),
    date: (o.sent_at ?? new Date()).toISOString().slice(0, 10),
  };
}

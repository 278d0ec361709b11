import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { leadScope } from '../auth/scope';
import { anyUser, type AuthUser } from '../auth/types';
import { notFound } from '../errors';
import { leadSchema, loadLeads } from '../leads/finder';

const accountItemSchema = z.object({
  id: z.string(), name: z.string(), domain: z.string().nullable(), country: z.string().nullable(), industry: z.string().nullable(),
  leadCount: z.number(), openLeadCount: z.number(), lastActivityAt: z.string().nullable(), ownerName: z.string().nullable(),
});
const accountSchema = z.object({
  id: z.string(), name: z.string(), domain: z.string().nullable(), country: z.string().nullable(), industry: z.string().nullable(),
  companySize: z.number().nullable(), importance: z.string(), ownerId: z.string().nullable(), ownerName: z.string().nullable(), createdAt: z.string(),
});
const accountPageSchema = z.object({
  account: accountSchema,
  contacts: z.array(z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), jobTitle: z.string().nullable(), leadId: z.string().nullable() })),
  leads: z.array(leadSchema),
  visits: z.array(z.object({ id: z.string(), leadId: z.string(), leadName: z.string(), type: z.string(), status: z.string(), occurredAt: z.string(), repId: z.string().nullable(), repName: z.string().nullable(), notes: z.string().nullable() })),
  offers: z.array(z.object({ id: z.string(), leadId: z.string(), leadName: z.string(), version: z.number(), status: z.string(), total: z.number(), currency: z.string(), createdAt: z.string() })),
  orders: z.array(z.object({ id: z.string(), leadId: z.string(), leadName: z.string(), offerId: z.string().nullable(), total: z.number(), currency: z.string(), createdAt: z.string() })),
});

const seesEverything = (u: AuthUser) => u.role === 'ops' || u.role === 'admin';
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Accounts (companies) and everything of theirs the user may see: contacts, leads, visits, offers, orders. */
export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/accounts', {
    config: { access: anyUser },
    schema: {
      tags: ['accounts'], summary: 'Accounts with leads you may see (ops and admins: all), most recently active first',
      querystring: z.object({
        q: z.string().trim().max(100).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }).strict(),
      response: { 200: z.object({ total: z.number(), items: z.array(accountItemSchema) }) },
    },
  }, async (req) => {
    const sql = app.sql;
    const user = req.user!;
    const like = req.query.q ? `%${req.query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = await sql<{ id: string; name: string; domain: string | null; country: string | null; industry: string | null; lead_count: number; open_lead_count: number; last_activity_at: Date | null; owner_name: string | null; total: number }[]>`
      with visible as (select l.id, l.account_id, l.status, l.owner_id, l.updated_at, l.last_visit_at from leads l where l.account_id is not null and ${leadScope(sql, user, 'l')})
      select a.id, a.name, a.domain, a.country, a.industry, count(v.id)::int as lead_count,
             (count(v.id) filter (where v.status in ('open', 'nurturing', 'qualified')))::int as open_lead_count,
             greatest(max(v.last_visit_at), max(v.updated_at)) as last_activity_at,
             coalesce(min(ou.name), (select u.name from visible v2 join users u on u.id = v2.owner_id
                                      where v2.account_id = a.id and v2.status in ('open', 'nurturing', 'qualified') order by v2.updated_at desc limit 1)) as owner_name,
             (count(*) over ())::int as total
        from accounts a
        left join visible v on v.account_id = a.id
        left join users ou on ou.id = a.owner_id
       where ${like ? sql`(a.name ilike ${like} or a.domain ilike ${like})` : sql`true`}
       group by a.id
      having ${seesEverything(user) ? sql`true` : sql`count(v.id) > 0`}
       order by last_activity_at desc nulls last, a.name, a.id
       limit ${req.query.limit} offset ${req.query.offset}`;
    let total = rows[0]?.total ?? 0;
    if (!rows.length && req.query.offset > 0) {
      // Past the last page: still say how many there are.
      const [c] = await sql<{ n: number }[]>`select count(*)::int as n from accounts a where ${like ? sql`(a.name ilike ${like} or a.domain ilike ${like})` : sql`true`}
        and ${seesEverything(user) ? sql`true` : sql`exists (select 1 from leads l where l.account_id = a.id and ${leadScope(sql, user, 'l')})`}`;
      total = c?.n ?? 0;
    }
    return {
      total,
      items: rows.map((r) => ({
        id: r.id, name: r.name, domain: r.domain, country: r.country, industry: r.industry, leadCount: r.lead_count, openLeadCount: r.open_lead_count,
        lastActivityAt: iso(r.last_activity_at), ownerName: r.owner_name,
      })),
    };
  });

  app.get('/api/accounts/:id', {
    config: { access: anyUser },
    schema: {
      tags: ['accounts'], summary: 'An account with the contacts, leads, visits, offers and orders you may see',
      params: z.object({ id: z.string().min(1).max(80) }), response: { 200: accountPageSchema },
    },
  }, async (req) => {
    const sql = app.sql;
    const user = req.user!;
    const id = req.params.id;
    const [account] = await sql<{ id: string; name: string; domain: string | null; country: string | null; industry: string | null; company_size: number | null; importance: string; owner_id: string | null; owner_name: string | null; created_at: Date }[]>`
      select a.*, u.name as owner_name from accounts a left join users u on u.id = a.owner_id where a.id = ${id}`;
    if (!account) throw notFound('account');
    const visible = await sql<{ id: string }[]>`select l.id from leads l where l.account_id = ${id} and ${leadScope(sql, user, 'l')} order by l.created_at desc, l.id`;
    // An account with nothing the user may see does not exist for them.
    if (!visible.length && !seesEverything(user)) throw notFound('account');
    const ids = visible.map((l) => l.id);
    // `in ()` is not SQL: an id no lead has stands in for an empty list.
    const none = [''];
    const [leads, contacts, visits, offers, orders] = await Promise.all([
      loadLeads(sql, ids),
      sql<{ id: string; name: string; email: string | null; phone: string | null; job_title: string | null; lead_id: string | null }[]>`
        select c.id, c.name, c.email, c.phone, c.job_title, l.id as lead_id from contacts c left join leads l on l.contact_id = c.id
         where c.account_id = ${id} and ${seesEverything(user) ? sql`true` : sql`l.id in ${sql(ids.length ? ids : none)}`} order by c.name, c.id`,
      sql<{ id: string; lead_id: string; lead_name: string; type: string; status: string; occurred_at: Date; rep_id: string | null; rep_name: string | null; notes: string | null }[]>`
        select v.id, v.lead_id, l.name as lead_name, v.type, v.status, v.occurred_at, v.rep_id, u.name as rep_name, v.notes
          from visits v join leads l on l.id = v.lead_id left join users u on u.id = v.rep_id
         where v.lead_id in ${sql(ids.length ? ids : none)} order by v.occurred_at desc`,
      sql<{ id: string; lead_id: string; lead_name: string; version: number; status: string; total: number; currency: string; created_at: Date }[]>`
        select o.id, o.lead_id, l.name as lead_name, o.version, o.status, o.total::float8 as total, o.currency, o.created_at
          from offers o join leads l on l.id = o.lead_id where o.lead_id in ${sql(ids.length ? ids : none)} order by o.created_at desc`,
      sql<{ id: string; lead_id: string; lead_name: string; offer_id: string | null; total: number; currency: string; created_at: Date }[]>`
        select r.id, r.lead_id, l.name as lead_name, r.offer_id, r.total::float8 as total, r.currency, r.created_at
          from orders r join leads l on l.id = r.lead_id where r.lead_id in ${sql(ids.length ? ids : none)} order by r.created_at desc`,
    ]);
    return {
      account: {
        id: account.id, name: account.name, domain: account.domain, country: account.country, industry: account.industry, companySize: account.company_size,
        importance: account.importance, ownerId: account.owner_id, ownerName: account.owner_name, createdAt: account.created_at.toISOString(),
      },
      contacts: contacts.map((c) => ({ id: c.id, name: c.name, email: c.email, phone: c.phone, jobTitle: c.job_title, leadId: c.lead_id })),
      leads,
      visits: visits.map((v) => ({ id: v.id, leadId: v.lead_id, leadName: v.lead_name, type: v.type, status: v.status, occurredAt: v.occurred_at.toISOString(), repId: v.rep_id, repName: v.rep_name, notes: v.notes })),
      offers: offers.map((o) => ({ id: o.id, leadId: o.lead_id, leadName: o.lead_name, version: o.version, status: o.status, total: Number(o.total), currency: o.currency, createdAt: o.created_at.toISOString() })),
      orders: orders.map((o) => ({ id: o.id, leadId: o.lead_id, leadName: o.lead_name, offerId: o.offer_id, total: Number(o.total), currency: o.currency, createdAt: o.created_at.toISOString() })),
    };
  });
};

import type { Sql } from './client';
import { seededRandom } from './seeded-random';

// Twelve months of closed sales history for the demo: accounts with several people each, worked by different reps,
// with visits, offers (accepted, rejected) and orders, so the finder, board, account pages and reports look real on
// first start. Closed leads need no running workflow; open demo leads are captured through the API (see
// `demoOpenLeads`), so every open lead is a real workflow.

interface DemoAccount { name: string; domain: string; country: string; industry: string; size: number; importance: 'A' | 'B' | 'C'; reps: string[] }

export const demoAccounts: DemoAccount[] = [
  { name: 'Nordlicht Maschinenbau GmbH', domain: 'nordlicht-maschinenbau.example', country: 'DE', industry: 'Manufacturing', size: 1200, importance: 'A', reps: ['u-anna', 'u-ben'] },
  { name: 'Brenner Logistik AG', domain: 'brenner-logistik.example', country: 'AT', industry: 'Logistics', size: 640, importance: 'B', reps: ['u-ben', 'u-anna'] },
  { name: 'Alpenglas AG', domain: 'alpenglas.example', country: 'CH', industry: 'Manufacturing', size: 310, importance: 'B', reps: ['u-ben'] },
  { name: 'Rheinwerk Software GmbH', domain: 'rheinwerk-software.example', country: 'DE', industry: 'Software', size: 85, importance: 'C', reps: ['u-anna'] },
  { name: 'Fjordkraft Energi AS', domain: 'fjordkraft-energi.example', country: 'NO', industry: 'Energy', size: 2100, importance: 'A', reps: ['u-carla'] },
  { name: 'Saimaa Paper Oy', domain: 'saimaa-paper.example', country: 'FI', industry: 'Manufacturing', size: 900, importance: 'B', reps: ['u-carla'] },
  { name: 'Lindqvist Retail AB', domain: 'lindqvist-retail.example', country: 'SE', industry: 'Retail', size: 450, importance: 'C', reps: ['u-carla'] },
  { name: 'Atelier Lumière SA', domain: 'atelier-lumiere.example', country: 'FR', industry: 'Retail', size: 120, importance: 'C', reps: ['u-dario', 'u-eva'] },
  { name: 'Van Dijk Health BV', domain: 'vandijk-health.example', country: 'NL', industry: 'Healthcare', size: 1500, importance: 'A', reps: ['u-eva', 'u-dario'] },
  { name: 'Thames Analytics Ltd', domain: 'thames-analytics.example', country: 'GB', industry: 'Software', size: 230, importance: 'B', reps: ['u-dario'] },
  { name: 'Costa Verde Hoteles SL', domain: 'costaverde-hoteles.example', country: 'ES', industry: 'Hospitality', size: 780, importance: 'B', reps: ['u-eva'] },
];

const firstNames = ['Lena', 'Jonas', 'Marie', 'Felix', 'Sofia', 'Elias', 'Hanna', 'Noah', 'Clara', 'Paul', 'Ida', 'Emil', 'Lea', 'Oskar', 'Mila', 'Anton', 'Nora', 'Theo', 'Alma', 'Karl'];
const lastNames = ['Becker', 'Lindgren', 'Moreau', 'de Vries', 'Huber', 'Virtanen', 'García', 'Smith', 'Keller', 'Nilsen', 'Fischer', 'Dubois', 'Jansen', 'Wagner', 'Berg'];
const interests = ['crm', 'analytics', 'cpq', 'support'];
const products: Record<string, { product: string; price: number }> = {
  crm: { product: 'crm-suite', price: 45 }, analytics: { product: 'analytics-cloud', price: 60 }, cpq: { product: 'cpq-engine', price: 80 }, support: { product: 'support-plan', price: 25 },
};
const lossReasons = ['price', 'competition', 'no_budget', 'timing', 'no_response'];
const visitTypes = ['phone', 'on_site', 'telepresence', 'email'];


const DAY = 86_400_000;

/**
 * Loads the closed demo history (idempotent: a marker in `settings`). Leads, visits, offers, orders and their
 * timeline events are written as the workflows would have written them.
 */
export async function loadDemoHistory(sql: Sql, now = new Date()): Promise<{ leads: number }> {
  const [done] = await sql`select 1 from settings where key = 'demo_history_loaded'`;
  if (done) return { leads: 0 };
  const r = seededRandom(20_260_101);
  let leads = 0;
  await sql.begin(async (tx) => {
    for (const [ai, acc] of demoAccounts.entries()) {
      const [account] = await tx<{ id: string }[]>`
        insert into accounts (name, domain, country, industry, company_size, importance, owner_id)
        values (${acc.name}, ${acc.domain}, ${acc.country}, ${acc.industry}, ${acc.size}, ${acc.importance}, ${acc.reps[0]!})
        on conflict (domain) do update set importance = excluded.importance returning id`;
      const people = r.int(3, 6);
      for (let p = 0; p < people; p++) {
        leads++;
        const id = `demo-${ai + 1}-${p + 1}`;
        const first = r.pick(firstNames);
        const last = r.pick(lastNames);
        const name = `${first} ${last}`;
        const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `.${p + 1}@${acc.domain}`;
        // The first two people of an account were worked recently, so a colleague's visit shows on the lead page.
        const ageDays = p < 2 ? r.int(4, 20) : r.int(30, 360);
        const created = new Date(now.getTime() - (ageDays + r.int(20, 45)) * DAY);
        const owner = acc.reps[p % acc.reps.length]!;
        const interest = r.pick(interests);
        const won = r.next() < 0.45;
        const closedAt = new Date(now.getTime() - ageDays * DAY);
        const score = won ? r.int(55, 95) : r.int(15, 70);
        const grade = score >= 70 ? 'A' : score >= 40 ? 'B' : 'C';
        const lostReason = won ? null : r.pick(lossReasons);
        const [contact] = await tx<{ id: string }[]>`
          insert into contacts (account_id, name, email, job_title) values (${account!.id}, ${name}, ${email}, ${r.pick(['Head of Sales', 'CTO', 'Purchasing manager', 'Operations lead', 'CFO'])}) returning id`;
        await tx`
          insert into leads (id, dedupe_key, source, status, stage, node_id, score, grade, owner_id, team_id, account_id, contact_id, name, email, company,
                             company_domain, country, industry, company_size, product_interest, pipeline_id, pipeline_version, lost_reason, closed_at,
                             stage_entered_at, created_at, updated_at)
          values (${id}, ${`email:${email}`}, ${r.pick(['web', 'web', 'partner', 'manual', 'import'])}, ${won ? 'won' : 'lost'}, ${won ? 'won' : 'lost'},
                  ${won ? 'won' : 'lost'}, ${score}, ${grade}, ${owner}, (select team_id from users where id = ${owner}), ${account!.id}, ${contact!.id},
                  ${name}, ${email}, ${acc.name}, ${acc.domain}, ${acc.country}, ${acc.industry}, ${acc.size}, ${interest}, 'default', 1, ${lostReason},
                  ${closedAt}, ${closedAt}, ${created}, ${closedAt})
          on conflict (id) do nothing`;
        const events: { type: string; at: Date; actor: string | null; stage: string | null; context: Record<string, unknown> }[] = [
          { type: 'captured', at: created, actor: 'web', stage: 'captured', context: { source: 'web', productInterest: interest } },
          { type: 'scored', at: created, actor: null, stage: null, context: { score, grade } },
          { type: 'assigned', at: created, actor: null, stage: null, context: { ownerId: owner, how: 'demo history' } },
        ];
        const visits = r.int(1, 3);
        let lastVisit: Date | null = null;
        for (let v = 0; v < visits; v++) {
          // The last visit shortly before the close, the others spread over the lead's life.
          const at = v === visits - 1 ? new Date(closedAt.getTime() - r.int(1, 3) * DAY)
            : new Date(created.getTime() + ((closedAt.getTime() - created.getTime()) * (v + 1)) / (visits + 1));
          const type = r.pick(visitTypes);
          await tx`insert into visits (id, lead_id, rep_id, type, status, outcome, notes, occurred_at)
                   values (${`${id}-v${v + 1}`}, ${id}, ${owner}, ${type}, ${v === 0 ? 'initial_contact' : v === visits - 1 ? 'offer_follow_up' : 'contact'},
                           ${r.pick(['interested', 'asked for references', 'needs budget approval', 'wants a demo'])},
                           ${r.pick(['Good first call.', 'Met the buying team on site.', 'Walked through the pricing.', 'Demo of the reporting.'])}, ${at})
                   on conflict (id) do nothing`;
          events.push({ type: 'visit_logged', at, actor: owner, stage: 'qualification', context: { visitId: `${id}-v${v + 1}`, type } });
          lastVisit = at;
        }
        if (lastVisit) await tx`update leads set last_visit_at = ${lastVisit} where id = ${id}`;
        const hasOffer = won || r.next() < 0.5;
        if (hasOffer) {
          const offerAt = new Date(closedAt.getTime() - r.int(2, 10) * DAY);
          const { product, price } = products[interest]!;
          const quantity = r.int(5, 120);
          const total = quantity * price;
          const status = won ? 'accepted' : 'rejected';
          const offerId = `${id}-o1`;
          events.push({ type: 'qualified', at: new Date(offerAt.getTime() - DAY), actor: owner, stage: 'qualification', context: { status: 'qualified' } });
          await tx`insert into offers (id, lead_id, version, status, rejection_reason, total, sent_at, created_at, updated_at)
                   values (${offerId}, ${id}, 1, ${status}, ${won ? null : r.pick(['price', 'competition', 'other'])}, ${total}, ${offerAt}, ${offerAt}, ${closedAt})
                   on conflict (id) do nothing`;
          await tx`insert into offer_lines (offer_id, product, quantity, unit_price, total) values (${offerId}, ${product}, ${quantity}, ${price}, ${total})`;
          events.push({ type: 'offer_created', at: offerAt, actor: owner, stage: 'offer', context: { offerId, version: 1, total } });
          events.push({ type: 'offer_status', at: closedAt, actor: owner, stage: 'offer', context: { offerId, from: 'sent', status } });
          if (won) await tx`insert into orders (id, lead_id, offer_id, total, created_at) values (${`ord-${id}`}, ${id}, ${offerId}, ${total}, ${closedAt}) on conflict do nothing`;
        }
        events.push({ type: won ? 'won' : 'lost', at: closedAt, actor: owner, stage: won ? 'won' : 'lost', context: { reason: lostReason } });
        for (const [i, e] of events.entries()) {
          await tx`insert into lead_events (event_key, lead_id, type, at, actor, stage, context)
                   values (${`${id}:demo:${i}`}, ${id}, ${e.type}, ${e.at}, ${e.actor}, ${e.stage}, ${tx.json(e.context as never)})
                   on conflict (event_key) do nothing`;
        }
      }
    }
    await tx`insert into settings (key, value) values ('demo_history_loaded', 'true'::jsonb) on conflict do nothing`;
  });
  return { leads };
}

/** Open demo leads, captured through the API on first start so each one is a live workflow (scored and routed). */
export const demoOpenLeads: { name: string; email: string; company: string; country: string; productInterest: string; companySize: number; industry: string; jobTitle: string; message: string }[] =
  demoAccounts.flatMap((acc, i) => [0, 1].slice(0, i % 3 === 2 ? 1 : 2).map((n) => {
    const first = firstNames[(i * 3 + n * 7) % firstNames.length]!;
    const last = lastNames[(i * 5 + n * 2) % lastNames.length]!;
    return {
      name: `${first} ${last}`, email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${acc.domain}`, company: acc.name, country: acc.country,
      productInterest: interests[(i + n) % interests.length]!, companySize: acc.size, industry: acc.industry,
      jobTitle: n === 0 ? 'Head of Sales' : 'IT lead', message: n === 0 ? 'Please send us a quote.' : 'We would like a demo next month.',
    };
  }));

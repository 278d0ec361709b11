import type { Sql } from './client';
import { seededRandom } from './seeded-random';
import { demoProductName } from './catalog-demo';

// Twelve months of closed sales history for the demo: ~2,300 leads on ~150 accounts of classes A, B and C in the demo
// teams' countries, worked by the demo reps, with visits of every visit type, offers in every status (renegotiated
// ones superseded by a new version), orders for won deals, losses with reasons and the timeline a workflow would have
// written (captured, stage changes, visits, offers, won or lost), so the finder, board, account pages, reports and
// the dashboard (time in stage, capture → won cycle) show real numbers on first start. Closed leads need no running
// workflow and are written in bulk; open demo leads are captured through the API (see `demoOpenLeads` and
// runtime/demo-leads.ts), so every open lead is a real workflow. Everything comes from one seed and is dated in whole
// days before today (UTC), so two fresh starts on the same day show the same numbers.

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
const jobTitles = ['Head of Sales', 'CTO', 'Purchasing manager', 'Operations lead', 'CFO', 'IT lead', 'Managing director'];
const interests = ['crm', 'analytics', 'cpq', 'support'];
const products: Record<string, { product: string; price: number }> = {
  crm: { product: 'crm-suite', price: 45 }, analytics: { product: 'analytics-cloud', price: 60 }, cpq: { product: 'cpq-engine', price: 80 }, support: { product: 'support-plan', price: 25 },
};

/** The generated accounts: a name from a place and a trade, in the demo teams' countries (where their reps work). */
const places: Record<string, string[]> = {
  DE: ['Hansa', 'Elbtal', 'Schwarzwald', 'Isar', 'Weser', 'Spree'], AT: ['Donau', 'Tirol', 'Salzach'], CH: ['Limmat', 'Jura', 'Säntis'],
  SE: ['Vänern', 'Norrland', 'Skåne'], NO: ['Bergen', 'Trondheim'], DK: ['Øresund', 'Jylland'], FI: ['Pohjola', 'Kuopio'],
  FR: ['Loire', 'Provence', 'Bretagne'], BE: ['Schelde', 'Ardennes'], NL: ['Zuiderzee', 'Maas'], GB: ['Pennine', 'Severn', 'Cotswold'],
  IE: ['Liffey'], ES: ['Ebro', 'Sierra'], IT: ['Adige', 'Arno'],
};
const legalForm: Record<string, string> = { DE: 'GmbH', AT: 'GmbH', CH: 'AG', SE: 'AB', NO: 'AS', DK: 'A/S', FI: 'Oy', FR: 'SAS', BE: 'NV', NL: 'BV', GB: 'Ltd', IE: 'Ltd', ES: 'SL', IT: 'S.p.A.' };
const trades: Record<string, string[]> = {
  Manufacturing: ['Maschinenwerk', 'Precision Parts', 'Metallbau', 'Components'], Logistics: ['Logistics', 'Freight', 'Spedition'],
  Software: ['Software', 'Data Systems', 'Cloud Works'], Energy: ['Energy', 'Power', 'Wind'], Retail: ['Retail', 'Stores', 'Trading'],
  Healthcare: ['Health', 'Medical', 'Clinics'], Hospitality: ['Hotels', 'Resorts'], Finance: ['Finance', 'Capital', 'Insurance'],
};
/** Who works which country: the territory of the demo teams (see db/seed.ts). */
const repsOf: Record<string, string[]> = {
  DE: ['u-anna'], AT: ['u-ben'], CH: ['u-ben'], SE: ['u-carla'], NO: ['u-carla'], DK: ['u-carla'], FI: ['u-carla'],
  FR: ['u-dario', 'u-eva'], BE: ['u-eva'], NL: ['u-eva'], GB: ['u-dario'], IE: ['u-dario'], ES: ['u-eva'], IT: ['u-dario'],
};
const teamOfRep: Record<string, string> = { 'u-anna': 'team-dach', 'u-ben': 'team-dach', 'u-carla': 'team-nordics', 'u-dario': 'team-west', 'u-eva': 'team-west' };
const colleagues: Record<string, string[]> = { 'team-dach': ['u-anna', 'u-ben'], 'team-nordics': ['u-carla'], 'team-west': ['u-dario', 'u-eva'] };
const countries = ['DE', 'DE', 'DE', 'AT', 'CH', 'SE', 'NO', 'DK', 'FI', 'FR', 'BE', 'NL', 'GB', 'GB', 'IE', 'ES', 'IT'];

/** How many accounts are generated besides the named ones, and how many closed leads in all. */
const GENERATED_ACCOUNTS = 140;
const HISTORY_LEADS = 2300;
const DAY = 86_400_000;
const HOUR = 3_600_000;

type Json = Record<string, unknown>;
interface History { accounts: Json[]; contacts: Json[]; leads: Json[]; visits: Json[]; offers: Json[]; lines: Json[]; orders: Json[]; events: Json[] }

function generatedAccounts(r: ReturnType<typeof seededRandom>): DemoAccount[] {
  const out: DemoAccount[] = [];
  const names = new Set(demoAccounts.map((a) => a.name));
  for (let i = 0; out.length < GENERATED_ACCOUNTS; i++) {
    const country = r.pick(countries);
    const industry = r.pick(Object.keys(trades));
    let name = `${r.pick(places[country]!)} ${r.pick(trades[industry]!)} ${legalForm[country]!}`;
    if (names.has(name)) name = `${name.replace(` ${legalForm[country]!}`, '')} ${i + 2} ${legalForm[country]!}`;
    names.add(name);
    const roll = r.next();
    const importance = roll < 0.15 ? 'A' : roll < 0.5 ? 'B' : 'C';
    const size = importance === 'A' ? r.int(800, 5000) : importance === 'B' ? r.int(150, 1200) : r.int(10, 300);
    const slug = name.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    out.push({ name, domain: `${slug}.example`, country, industry, size, importance, reps: repsOf[country]! });
  }
  return out;
}

/**
 * The whole closed history as rows, from the seed and today's date (UTC midnight `base`): pure, so it can be checked
 * without a database. Account ids are resolved by domain when loading.
 */
export function buildDemoHistory(base: Date): History {
  const r = seededRandom(20_260_101);
  const t0 = Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate());
  const h: History = { accounts: [], contacts: [], leads: [], visits: [], offers: [], lines: [], orders: [], events: [] };
  const all = [...demoAccounts, ...generatedAccounts(r)];
  for (const a of all) {
    h.accounts.push({ name: a.name, domain: a.domain, country: a.country, industry: a.industry, company_size: a.size, importance: a.importance, owner_id: a.reps[0]! });
  }

  /** One closed lead with its whole story. `endAgoDays` pins when it closed (the named accounts' recent work). */
  const lead = (id: string, acc: DemoAccount, owner: string, n: number, endAgoDays?: number) => {
    const first = r.pick(firstNames);
    const last = r.pick(lastNames);
    const name = `${first} ${last}`;
    const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `.${n}@${acc.domain}`;
    const source = r.pick(['web', 'web', 'web', 'partner', 'partner', 'import', 'manual', 'manual'] as const);
    const interest = r.pick(interests);
    const roll = r.next();
    const path = roll < 0.33 ? 'won' : roll < 0.6 ? 'lostOffer' : roll < 0.82 ? 'lostQualification' : 'goneQuiet';
    const nurturedFirst = path === 'goneQuiet' || r.next() < 0.2;
    // Durations (ms) of each part of the story; the close falls between 1 and 365 days before today.
    const nurture = nurturedFirst ? r.int(10, 50) * DAY : 0;
    const qualification = path === 'goneQuiet' ? 0 : r.int(2, 24) * DAY + r.int(1, 8) * HOUR;
    const offerStage = path === 'won' || path === 'lostOffer' ? r.int(8, 45) * DAY : 0;
    const span = nurture + qualification + offerStage + r.int(1, 6) * HOUR;
    const closedAt = endAgoDays !== undefined
      ? t0 - endAgoDays * DAY + r.int(8, 17) * HOUR
      : t0 - DAY + r.int(8, 17) * HOUR - Math.floor(Math.pow(r.next(), 1.2) * Math.max(0, 364 * DAY - span) / DAY) * DAY;
    const created = closedAt - span;
    const won = path === 'won';
    const score = won ? r.int(50, 95) : r.int(15, 75);
    const lostReason = won ? null : path === 'goneQuiet' ? 'no_response' : path === 'lostQualification' ? r.pick(['no_budget', 'timing', 'no_response', 'competition']) : null;
    const contactId = `${id}-c`;
    h.contacts.push({ id: contactId, account_domain: acc.domain, name, email, job_title: r.pick(jobTitles) });
    const events: Json[] = [];
    const ev = (type: string, at: number, stage: string | null, context: Json, actor: string | null = owner) =>
      events.push({ type, at: new Date(at).toISOString(), actor, stage, context });
    ev('captured', created, 'captured', { source, productInterest: interest }, source);
    ev('scored', created + 60_000, null, { score, grade: score >= 70 ? 'A' : score >= 40 ? 'B' : 'C' }, null);
    ev('assigned', created + 120_000, null, { ownerId: owner, how: 'territory' }, null);
    let t = created + 300_000;
    let stage = 'captured';
    const enter = (to: string, at: number) => {
      ev('stage_changed', at, to, { from: stage, to, node: to }, null);
      stage = to;
    };
    const visits: { at: number; type: string; status: string }[] = [];
    if (nurturedFirst) {
      enter('nurturing', t);
      if (r.next() < 0.5) visits.push({ at: t + r.int(2, 9) * DAY, type: r.pick(['email', 'phone']), status: 'initial_contact' });
      t += nurture;
    }
    if (path !== 'goneQuiet') {
      enter('qualification', t);
      const firstType = source === 'import' ? 'trade_fair' : r.pick(['phone', 'phone', 'email', 'telepresence', 'on_site']);
      // A few leads lost in qualification were never reached at all.
      if (!(path === 'lostQualification' && lostReason === 'no_response' && r.next() < 0.5)) {
        visits.push({ at: t + Math.floor(qualification * 0.3), type: firstType, status: visits.length ? 'contact' : 'initial_contact' });
        if (r.next() < 0.5) visits.push({ at: t + Math.floor(qualification * 0.8), type: r.pick(['phone', 'on_site', 'telepresence']), status: 'contact' });
      }
      t += qualification;
    }
    if (path === 'won' || path === 'lostOffer') {
      ev('qualified', t, null, { status: 'qualified', note: null });
      enter('offer', t + 60_000);
      const { product, price } = products[interest]!;
      const quantity = r.int(5, 150);
      const lines = [{ product, quantity, unit_price: price, total: quantity * price }];
      if (r.next() < 0.35) lines.push({ product: 'support-plan', quantity, unit_price: 25, total: quantity * 25 });
      const total1 = lines.reduce((s, l) => s + l.total, 0);
      const offerAt = t + r.int(1, 3) * DAY;
      visits.push({ at: offerAt - r.int(2, 20) * HOUR, type: r.pick(['offer_request', 'on_site', 'telepresence']), status: 'offer' });
      const renegotiated = r.next() < 0.25;
      const finalStatus = won ? 'accepted' : (() => {
        const x = r.next();
        return x < 0.6 ? 'rejected' : x < 0.75 ? 'postponed' : x < 0.85 ? 'sent' : x < 0.95 ? 'in_follow_up' : 'confirmed';
      })();
      const rejection = finalStatus === 'rejected' ? r.pick(['price', 'price', 'competition', 'other']) : null;
      const offers: { id: string; version: number; total: number; at: number; supersedes: string | null; status: string; lines: typeof lines }[] = [
        { id: `${id}-o1`, version: 1, total: total1, at: offerAt, supersedes: null, status: renegotiated ? 'renegotiated' : finalStatus, lines },
      ];
      if (renegotiated) {
        const factor = r.pick([0.85, 0.9, 0.92, 0.95]);
        const lines2 = lines.map((l) => ({ ...l, unit_price: Math.round(l.unit_price * factor * 100) / 100, total: Math.round(l.quantity * l.unit_price * factor * 100) / 100 }));
        offers.push({ id: `${id}-o2`, version: 2, total: Math.round(lines2.reduce((s, l) => s + l.total, 0) * 100) / 100, at: offerAt + r.int(4, Math.max(5, Math.floor(offerStage / DAY) - 3)) * DAY,
          supersedes: `${id}-o1`, status: finalStatus, lines: lines2 });
      }
      for (const o of offers) {
        const at = Math.min(o.at, closedAt - HOUR);
        const confirmed = ['confirmed', 'in_follow_up', 'accepted'].includes(o.status) ? Math.min(at + r.int(1, 5) * DAY, closedAt - 30 * 60_000) : null;
        h.offers.push({ id: o.id, lead_id: id, version: o.version, supersedes_id: o.supersedes, status: o.status, rejection_reason: o.status === 'rejected' ? rejection : null,
          total: o.total, list_total: total1, discount_pct: Math.round((1 - o.total / total1) * 10_000) / 100,
          sent_at: new Date(at + HOUR).toISOString(), confirmed_at: confirmed ? new Date(confirmed).toISOString() : null,
          created_at: new Date(at).toISOString(), updated_at: new Date(o.status === finalStatus ? closedAt : at + DAY).toISOString() });
        // Catalog products (db/catalog-demo.ts): the line keeps the product's id and name, as a priced line does.
        for (const l of o.lines) h.lines.push({ offer_id: o.id, ...l, product_id: l.product, product_name: demoProductName(l.product) });
        ev('offer_created', at, null, { offerId: o.id, version: o.version, total: o.total, supersedes: o.supersedes });
        ev('offer_status', at + HOUR, null, { offerId: o.id, from: 'draft', status: 'sent' });
        if (o.version > 1 || !renegotiated) {
          if (confirmed) ev('offer_status', confirmed, null, { offerId: o.id, from: 'sent', status: 'confirmed' });
          if (['in_follow_up', 'accepted'].includes(o.status)) visits.push({ at: Math.min((confirmed ?? at) + r.int(1, 4) * DAY, closedAt - 2 * HOUR), type: r.pick(['phone', 'on_site', 'telepresence']), status: 'offer_follow_up' });
          if (!['sent', 'confirmed'].includes(o.status)) {
            ev('offer_status', closedAt - HOUR, null, { offerId: o.id, from: confirmed ? 'confirmed' : 'sent', status: o.status, ...(rejection ? { reason: rejection } : {}) });
          }
        }
      }
      // The last visit shortly before the close, so the account shows recent contact.
      visits.push({ at: closedAt - r.int(1, 3) * DAY, type: r.pick(['phone', 'on_site', 'telepresence', 'email']), status: 'offer_follow_up' });
      const last = offers[offers.length - 1]!;
      if (won) h.orders.push({ id: `ord-${id}`, lead_id: id, offer_id: last.id, total: last.total, created_at: new Date(closedAt).toISOString() });
    }
    const finalReason = lostReason ?? (won ? null : (() => {
      const o = h.offers.filter((x) => x.lead_id === id).at(-1)!;
      return o.status === 'rejected' ? (o.rejection_reason === 'competition' ? 'competition' : o.rejection_reason === 'price' ? 'price' : 'other')
        : o.status === 'postponed' ? 'timing' : o.status === 'sent' ? 'no_response' : 'no_budget';
    })());
    const inLife = visits.filter((v) => v.at > created && v.at < closedAt).sort((a, b) => a.at - b.at);
    for (const [k, v] of inLife.entries()) {
      const vid = `${id}-v${k + 1}`;
      h.visits.push({ id: vid, lead_id: id, rep_id: owner, type: v.type, status: v.status,
        outcome: r.pick(['interested', 'asked for references', 'needs budget approval', 'wants a demo', 'comparing offers']),
        notes: r.pick(['Good first call.', 'Met the buying team on site.', 'Walked through the pricing.', 'Demo of the reporting.', 'Answered questions on the contract.']),
        occurred_at: new Date(v.at).toISOString(), created_at: new Date(v.at).toISOString() });
      ev('visit_logged', v.at, null, { visitId: vid, type: v.type, status: v.status });
    }
    ev(won ? 'won' : 'lost', closedAt, won ? 'won' : 'lost', { reason: finalReason, orderId: won ? `ord-${id}` : null });
    events.sort((a, b) => String(a.at).localeCompare(String(b.at)));
    for (const [i, e] of events.entries()) h.events.push({ event_key: `${id}:demo:${i}`, lead_id: id, ...e });
    h.leads.push({
      id, dedupe_key: `email:${email}`, source, status: won ? 'won' : 'lost', stage: won ? 'won' : 'lost', node_id: won ? 'won' : 'lost', score,
      grade: score >= 70 ? 'A' : score >= 40 ? 'B' : 'C', owner_id: owner, team_id: teamOfRep[owner]!, account_domain: acc.domain, contact_id: contactId, name, email,
      company: acc.name, company_domain: acc.domain, country: acc.country, industry: acc.industry, company_size: acc.size, job_title: null, product_interest: interest,
      lost_reason: finalReason, closed_at: new Date(closedAt).toISOString(), stage_entered_at: new Date(closedAt).toISOString(),
      last_visit_at: inLife.length ? new Date(inLife[inLife.length - 1]!.at).toISOString() : null,
      created_at: new Date(created).toISOString(), updated_at: new Date(closedAt).toISOString(),
    });
  };

  // The named accounts: several people each, the first two worked in the last weeks (a colleague's recent visit shows
  // on the lead page), the others over the year.
  for (const [ai, acc] of demoAccounts.entries()) {
    const people = r.int(3, 6);
    for (let p = 0; p < people; p++) lead(`demo-${ai + 1}-${p + 1}`, acc, acc.reps[p % acc.reps.length]!, p + 1, p < 2 ? r.int(4, 20) : undefined);
  }
  // The rest of the year: most leads with their account's rep, some with a colleague of the same team.
  const generated = all.slice(demoAccounts.length);
  for (let i = 0; h.leads.length < HISTORY_LEADS; i++) {
    const acc = r.next() < 0.15 ? r.pick(demoAccounts) : r.pick(generated);
    const team = teamOfRep[acc.reps[0]!]!;
    const owner = r.next() < 0.8 ? r.pick(acc.reps) : r.pick(colleagues[team]!);
    lead(`hist-${String(i + 1).padStart(4, '0')}`, acc, owner, 100 + i);
  }
  return h;
}

/**
 * Inserts rows through one JSON parameter per chunk (`jsonb_to_recordset`): a few statements for thousands of rows.
 * `columns` are the fields of the JSON rows with their types; `into` and `select` map them to the table when they differ.
 */
async function bulkInsert(sql: Pick<Sql, 'unsafe'>, table: string, columns: Record<string, string>, rows: Json[], opts: { into?: string; select?: string; suffix?: string } = {}): Promise<void> {
  const names = Object.keys(columns);
  const defs = names.map((c) => `${c} ${columns[c]!}`).join(', ');
  for (let i = 0; i < rows.length; i += 2000) {
    await sql.unsafe(`insert into ${table} (${opts.into ?? names.join(', ')})
      select ${opts.select ?? names.join(', ')} from jsonb_to_recordset($1::jsonb) as x(${defs}) ${opts.suffix ?? ''}`, [rows.slice(i, i + 2000) as never]);
  }
}

const leadColumns = {
  id: 'text', dedupe_key: 'text', source: 'text', status: 'text', stage: 'text', node_id: 'text', score: 'int', grade: 'text', owner_id: 'text', team_id: 'text',
  account_domain: 'text', contact_id: 'text', name: 'text', email: 'text', company: 'text', company_domain: 'text', country: 'text', industry: 'text',
  company_size: 'int', job_title: 'text', product_interest: 'text', lost_reason: 'text', closed_at: 'timestamptz', stage_entered_at: 'timestamptz',
  last_visit_at: 'timestamptz', created_at: 'timestamptz', updated_at: 'timestamptz',
};

/**
 * Loads the closed demo history once (a marker in `settings`), in bulk, in one transaction. Returns how many leads it
 * wrote (0 when it was already there) and how long it took.
 */
export async function loadDemoHistory(sql: Sql, now = new Date()): Promise<{ leads: number; ms?: number }> {
  const [done] = await sql`select 1 from settings where key = 'demo_history_loaded'`;
  if (done) return { leads: 0 };
  const started = Date.now();
  const h = buildDemoHistory(now);
  const accountOf = '(select a.id from accounts a where a.domain = x.account_domain)';
  await sql.begin(async (tx) => {
    // The report rollups are counted once after the load (the same recount the migration does) instead of row by row.
    await tx`select set_config('leadflow.rollups', 'off', true)`;
    await bulkInsert(tx, 'accounts', { name: 'text', domain: 'text', country: 'text', industry: 'text', company_size: 'int', importance: 'text', owner_id: 'text' }, h.accounts,
      { suffix: 'on conflict (domain) do update set importance = excluded.importance' });
    await bulkInsert(tx, 'contacts', { id: 'text', account_domain: 'text', name: 'text', email: 'text', job_title: 'text' }, h.contacts,
      { into: 'id, account_id, name, email, job_title', select: `x.id, ${accountOf}, x.name, x.email, x.job_title`, suffix: 'on conflict (id) do nothing' });
    const leadNames = Object.keys(leadColumns);
    await bulkInsert(tx, 'leads', leadColumns, h.leads, {
      into: [...leadNames.map((c) => (c === 'account_domain' ? 'account_id' : c)), 'pipeline_id', 'pipeline_version'].join(', '),
      select: [...leadNames.map((c) => (c === 'account_domain' ? accountOf : `x.${c}`)), `'default'`, '1'].join(', '),
      suffix: 'on conflict (id) do nothing',
    });
    await bulkInsert(tx, 'offers', {
      id: 'text', lead_id: 'text', version: 'int', supersedes_id: 'text', status: 'text', rejection_reason: 'text', total: 'numeric', list_total: 'numeric',
      discount_pct: 'numeric', sent_at: 'timestamptz', confirmed_at: 'timestamptz', created_at: 'timestamptz', updated_at: 'timestamptz',
    }, h.offers, { suffix: 'order by x.version on conflict (id) do nothing' });
    await bulkInsert(tx, 'offer_lines', { offer_id: 'text', product: 'text', product_id: 'text', product_name: 'text', quantity: 'int', unit_price: 'numeric', total: 'numeric' }, h.lines);
    await bulkInsert(tx, 'orders', { id: 'text', lead_id: 'text', offer_id: 'text', total: 'numeric', created_at: 'timestamptz' }, h.orders, { suffix: 'on conflict do nothing' });
    await bulkInsert(tx, 'visits', {
      id: 'text', lead_id: 'text', rep_id: 'text', type: 'text', status: 'text', outcome: 'text', notes: 'text', occurred_at: 'timestamptz', created_at: 'timestamptz',
    }, h.visits, { suffix: 'on conflict (id) do nothing' });
    await bulkInsert(tx, 'lead_events', { event_key: 'text', lead_id: 'text', type: 'text', at: 'timestamptz', actor: 'text', stage: 'text', context: 'jsonb' }, h.events,
      { suffix: 'on conflict (event_key) do nothing' });
    await tx`insert into settings (key, value) values ('demo_history_loaded', 'true'::jsonb) on conflict do nothing`;
    await tx`select set_config('leadflow.rollups', 'on', true)`;
    await tx`select report_rollups_rebuild()`;
  });
  return { leads: h.leads.length, ms: Date.now() - started };
}

export interface DemoOpenLead { name: string; email: string; company: string; country: string; productInterest: string; companySize: number; industry: string; jobTitle: string; message: string }

/** The channel each open demo lead came through (same order as `demoOpenLeads`). */
export const demoOpenLeadSources: ('web' | 'partner' | 'import' | 'manual')[] = [];

/**
 * Open demo leads (50), captured through the API on first start so each one is a live workflow (scored, routed, then
 * worked into every stage by runtime/demo-leads.ts). People of the named accounts and of generated ones.
 */
export const demoOpenLeads: DemoOpenLead[] = (() => {
  const r = seededRandom(20_260_202);
  const accounts = [...demoAccounts, ...generatedAccounts(seededRandom(20_260_101))];
  const out: DemoOpenLead[] = [];
  const emails = new Set<string>();
  for (let i = 0; out.length < 50; i++) {
    const acc = i < demoAccounts.length * 2 ? demoAccounts[i % demoAccounts.length]! : r.pick(accounts);
    const first = firstNames[(i * 3 + Math.floor(i / 20) * 7) % firstNames.length]!;
    const last = lastNames[(i * 5 + Math.floor(i / 15) * 2) % lastNames.length]!;
    const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${acc.domain}`;
    if (emails.has(email)) continue;
    emails.add(email);
    out.push({
      name: `${first} ${last}`, email, company: acc.name, country: acc.country, productInterest: interests[i % interests.length]!, companySize: acc.size, industry: acc.industry,
      jobTitle: r.pick(jobTitles), message: i % 2 === 0 ? 'Please send us a quote.' : 'We would like a demo next month.',
    });
    demoOpenLeadSources.push(r.pick(['web', 'web', 'partner', 'import', 'manual'] as const));
  }
  return out;
})();

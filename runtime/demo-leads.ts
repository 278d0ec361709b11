import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { captureLead } from '../api/leads/capture';
import { demoOpenLeadSources, demoOpenLeads } from '../db/demo-history';
import { demoProductName } from '../db/catalog-demo';
import * as msg from '../engine/lead/messages';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What happens to each open demo lead (by index, in turn), so the board and dashboard have leads in every stage. */
const plans = ['new', 'new', 'contacted', 'nurturing', 'offer_draft', 'sent', 'confirmed', 'in_follow_up', 'postponed', 'renegotiated'] as const;
type Plan = (typeof plans)[number];
const visitTypes = ['phone', 'on_site', 'telepresence', 'email', 'offer_request', 'trade_fair'];
const prices: Record<string, { product: string; unitPrice: number }> = {
  crm: { product: 'crm-suite', unitPrice: 45 }, analytics: { product: 'analytics-cloud', unitPrice: 60 }, cpq: { product: 'cpq-engine', unitPrice: 80 }, support: { product: 'support-plan', unitPrice: 25 },
};
/** Where a worked lead ends up; the records are dated back only once it is there. */
const expectedStage: Partial<Record<Plan, string>> = { nurturing: 'nurturing', offer_draft: 'offer', sent: 'offer', confirmed: 'offer', in_follow_up: 'offer', postponed: 'offer', renegotiated: 'offer' };

/** Runs `work` over the items with at most `n` at a time. */
async function pool<T>(items: T[], n: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
}

/**
 * Captures the open demo leads through the normal capture path on first start, so each one is a live workflow:
 * scored, routed to a rep and linked to its account (which already has a closed history). Then each is worked by its
 * owner through the same workflow updates the API runs, by its plan: left new, contacted, sent to nurturing, or
 * qualified with an offer that is a draft, sent, confirmed, in follow-up, postponed or renegotiated (a second version).
 * Finally their records are dated back (captured days or weeks ago, in the current stage for part of that time) and
 * their open tasks fall due today or are overdue, so "never contacted", stalled deals and the inbox have something to
 * show. Returns how many leads were captured.
 */
export async function captureDemoLeads(app: FastifyInstance, log: (m: string) => void, opts: { timeoutMs?: number; stopped?: () => boolean } = {}): Promise<number> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const stopped = opts.stopped ?? (() => false);
  const ids: string[] = [];
  for (const [i, lead] of demoOpenLeads.entries()) {
    if (stopped()) return ids.length;
    try {
      ids.push((await captureLead(app, lead, demoOpenLeadSources[i] ?? 'manual', 'u-admin')).leadId);
    } catch (err) {
      log(`demo lead ${lead.email} was not captured: ${(err as Error).message}`);
    }
  }
  const deadline = Date.now() + timeoutMs;
  const owners = new Map<string, string>();
  await pool(ids, 5, async (id, i) => {
    const plan = plans[i % plans.length]!;
    if (stopped()) return;
    try {
      let owner: string | null = null;
      while (!owner && Date.now() < deadline && !stopped()) {
        const [row] = await app.sql<{ owner_id: string | null; stage: string }[]>`select owner_id, stage from leads where id = ${id}`;
        owner = row && row.stage !== 'captured' ? row.owner_id : null;
        if (!owner) await sleep(200);
      }
      if (!owner) return;
      owners.set(id, owner);
      if (plan === 'new') return;
      const handle = app.temporal.workflow.getHandle(id);
      await handle.executeUpdate(msg.logVisitUpdate, { args: [{ visitId: `vis-${randomUUID()}`, repId: owner, type: visitTypes[i % visitTypes.length]!, status: 'initial_contact', outcome: 'interested', notes: 'Intro call: wants to see pricing.', occurredAt: new Date().toISOString() }] });
      if (plan === 'contacted') return;
      if (plan === 'nurturing') {
        await handle.executeUpdate(msg.nurtureUpdate, { args: [{ by: owner, note: 'No budget before next quarter; keep in touch.' }] });
        return;
      }
      await handle.executeUpdate(msg.qualifyUpdate, { args: [{ by: owner, note: 'Budget and timeline confirmed.' }] });
      const { product, unitPrice } = prices[demoOpenLeads[i]!.productInterest] ?? prices.crm!;
      const quantity = 10 + (i * 7) % 90;
      const offerId = `off-${randomUUID()}`;
      await handle.executeUpdate(msg.createOfferUpdate, { args: [{ by: owner, offerId, lines: [{ product, productId: product, productName: demoProductName(product), options: [], quantity, unitPrice }], currency: 'EUR' }] });
      if (plan === 'offer_draft') return;
      await handle.executeUpdate(msg.setOfferStatusUpdate, { args: [{ by: owner, offerId, status: 'sent' }] });
      if (plan === 'confirmed' || plan === 'in_follow_up' || plan === 'postponed') {
        await handle.executeUpdate(msg.setOfferStatusUpdate, { args: [{ by: owner, offerId, status: plan }] });
      } else if (plan === 'renegotiated') {
        const second = `off-${randomUUID()}`;
        await handle.executeUpdate(msg.createOfferUpdate, { args: [{ by: owner, offerId: second, supersedes: offerId, lines: [{ product, productId: product, productName: demoProductName(product), options: [], quantity, unitPrice: Math.round(unitPrice * 0.9 * 100) / 100 }], currency: 'EUR' }] });
        await handle.executeUpdate(msg.setOfferStatusUpdate, { args: [{ by: owner, offerId: second, status: 'sent' }] });
      }
    } catch (err) {
      log(`demo lead ${id} was not worked (${plan}): ${(err as Error).message}`);
    }
  });
  // Wait until the worked leads have reached their stage (the workflow moves on after an update answers).
  const waiting = ids.map((id, i) => ({ id, stage: expectedStage[plans[i % plans.length]!] })).filter((x) => x.stage && owners.has(x.id));
  while (waiting.length && Date.now() < deadline && !stopped()) {
    const rows = await app.sql<{ id: string; stage: string }[]>`select id, stage from leads where id in ${app.sql(waiting.map((w) => w.id))}`;
    if (waiting.every((w) => rows.some((r) => r.id === w.id && r.stage === w.stage))) break;
    await sleep(200);
  }
  await sleep(500);
  if (stopped()) return ids.length;
  await dateBack(app, ids);
  return ids.length;
}

/**
 * Dates the open demo leads' records back: captured `age` days ago, the rest of their story (stage entered, visits,
 * offers, tasks) `recent` days ago; then every open task is due today, overdue or later, and each lead with an offer
 * has a follow-up task.
 */
async function dateBack(app: FastifyInstance, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const shifts = ids.map((id, i) => {
    const plan = plans[i % plans.length]!;
    // One worked deal in six has sat in its stage for seven to ten weeks: longer than three in four of its team's
    // past stays there (the history's p75 is 3 to 6 weeks), so the dashboard has stalled deals to show.
    const stalled = plan !== 'new' && plan !== 'contacted' && i % 6 === 5;
    const age = plan === 'new' ? i % 3 : plan === 'contacted' ? 3 + (i % 8) : stalled ? 52 + (i % 20) : 12 + ((i * 7) % 40);
    const recent = plan === 'new' ? age : stalled ? age - 3 : Math.max(1, Math.floor(age * (0.25 + ((i * 13) % 50) / 100)));
    return { id, age, recent, due: i % 3, plan };
  });
  const sql = app.sql;
  await sql.begin(async (tx) => {
    await tx`create temporary table demo_shift (id text primary key, age int, recent int, due int, plan text) on commit drop`;
    await tx`insert into demo_shift ${tx(shifts.map((s) => ({ id: s.id, age: s.age, recent: s.recent, due: s.due, plan: s.plan })))}`;
    await tx`
      update lead_events e set at = e.at - make_interval(days => case
          when e.type in ('captured', 'scored', 'assigned', 'routed', 'decision', 'unassigned')
            or e.id = (select min(f.id) from lead_events f where f.lead_id = e.lead_id and f.type = 'stage_changed') then s.age
          else s.recent end)
        from demo_shift s where s.id = e.lead_id`;
    await tx`
      update leads l set created_at = l.created_at - make_interval(days => s.age), stage_entered_at = l.stage_entered_at - make_interval(days => s.recent),
             updated_at = l.updated_at - make_interval(days => s.recent), last_visit_at = l.last_visit_at - make_interval(days => s.recent)
        from demo_shift s where s.id = l.id`;
    await tx`update visits v set occurred_at = v.occurred_at - make_interval(days => s.recent), created_at = v.created_at - make_interval(days => s.recent)
               from demo_shift s where s.id = v.lead_id`;
    await tx`update offers o set created_at = o.created_at - make_interval(days => s.recent), updated_at = o.updated_at - make_interval(days => s.recent),
                    sent_at = o.sent_at - make_interval(days => s.recent), confirmed_at = o.confirmed_at - make_interval(days => s.recent)
               from demo_shift s where s.id = o.lead_id`;
    await tx`
      insert into tasks (id, lead_id, owner_id, kind, title, due_at)
      select 'demo-follow-up-' || s.id, s.id, l.owner_id, 'follow_up', 'Follow up on the offer', now()
        from demo_shift s join leads l on l.id = s.id
       where l.owner_id is not null and l.stage = 'offer' and exists (select 1 from offers o where o.lead_id = s.id)
      on conflict (id) do nothing`;
    await tx`
      update tasks t set created_at = t.created_at - make_interval(days => s.recent),
             due_at = case s.due
               when 0 then least(greatest(now() + interval '1 hour', date_trunc('day', now()) + interval '16 hours'), date_trunc('day', now()) + interval '23 hours 59 minutes')
               when 1 then now() - make_interval(days => 1 + (s.age % 4))
               else now() + make_interval(days => 2 + (s.age % 5)) end
        from demo_shift s where s.id = t.lead_id and not t.done`;
  });
}

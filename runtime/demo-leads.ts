import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { captureLead } from '../api/leads/capture';
import { demoOpenLeads } from '../db/demo-history';
import * as msg from '../engine/lead/messages';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Captures the open demo leads through the normal capture path on first start, so each one is a live workflow:
 * scored, routed to a rep and linked to its account (which already has a closed history). Then some of them are
 * worked by their owner through the same workflow updates the API runs (a visit; a qualification and a sent offer),
 * so the board has leads in several stages.
 */
export async function captureDemoLeads(app: FastifyInstance, log: (m: string) => void, timeoutMs = 30_000): Promise<number> {
  const ids: string[] = [];
  for (const lead of demoOpenLeads) {
    try {
      ids.push((await captureLead(app, lead, 'manual', 'u-admin')).leadId);
    } catch (err) {
      log(`demo lead ${lead.email} was not captured: ${(err as Error).message}`);
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const [i, id] of ids.entries()) {
    if (i % 3 === 2) continue; // a third stay untouched: new leads waiting for a first contact
    try {
      let owner: string | null = null;
      while (!owner && Date.now() < deadline) {
        const [row] = await app.sql<{ owner_id: string | null; stage: string }[]>`select owner_id, stage from leads where id = ${id}`;
        owner = row && row.stage !== 'captured' ? row.owner_id : null;
        if (!owner) await sleep(200);
      }
      if (!owner) continue;
      const handle = app.temporal.workflow.getHandle(id);
      await handle.executeUpdate(msg.logVisitUpdate, { args: [{ visitId: `vis-${randomUUID()}`, repId: owner, type: 'phone', status: 'initial_contact', outcome: 'interested', notes: 'Intro call: wants to see pricing.', occurredAt: new Date().toISOString() }] });
      if (i % 3 !== 0) continue;
      await handle.executeUpdate(msg.qualifyUpdate, { args: [{ by: owner, note: 'Budget and timeline confirmed.' }] });
      const offerId = `off-${randomUUID()}`;
      await handle.executeUpdate(msg.createOfferUpdate, { args: [{ by: owner, offerId, lines: [{ product: 'crm-suite', options: ['cloud'], quantity: 10 + i * 5, unitPrice: 45 }], currency: 'EUR' }] });
      await handle.executeUpdate(msg.setOfferStatusUpdate, { args: [{ by: owner, offerId, status: 'sent' }] });
    } catch (err) {
      log(`demo lead ${id} was not worked: ${(err as Error).message}`);
    }
  }
  return ids.length;
}

import type { FastifyInstance } from 'fastify';
import { captureLead } from '../api/leads/capture';
import { demoOpenLeads } from '../db/demo-history';

/**
 * Captures the open demo leads through the normal capture path on first start, so each one is a live workflow:
 * scored, routed to a rep and linked to its account (which already has a closed history).
 */
export async function captureDemoLeads(app: FastifyInstance, log: (m: string) => void): Promise<number> {
  let captured = 0;
  for (const lead of demoOpenLeads) {
    try {
      await captureLead(app, lead, 'manual', 'u-admin');
      captured++;
    } catch (err) {
      log(`demo lead ${lead.email} was not captured: ${(err as Error).message}`);
    }
  }
  return captured;
}

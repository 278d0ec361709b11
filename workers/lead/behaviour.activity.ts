import { leadFactsFor } from '../../db/lead-facts';
import type { RescoreReason } from '../../engine/lead/types';
import { scoreLead } from '../../rules/decide/score';
import type { ActivityDeps } from '../deps';
import { recordEvent } from './events';
import { createRuleSetLoader } from './rule-cache';

/** Continuous scoring: a lead re-scores after behavioural events and logged visits (patch `behaviour-rescoring`). */
export function createBehaviourActivities({ sql }: ActivityDeps) {
  const load = createRuleSetLoader(sql);
  return {
    /**
     * Re-runs the lead's scoring rule set on its current facts (behaviour counts included) and, when the score or
     * grade changed, records a `scored` event with its why: old → new, the rules that fired and the events that
     * triggered it. Idempotent per `key` (one re-score of the workflow).
     */
    async rescoreLead(a: {
      leadId: string; ruleSetId: string; key: string; previous: { score: number; grade: 'A' | 'B' | 'C' | null }; reasons: RescoreReason[];
    }): Promise<{ score: number; grade: 'A' | 'B' | 'C'; changed: boolean }> {
      const rs = await load(a.ruleSetId, 'scoring');
      const facts = await leadFactsFor(sql, a.leadId);
      if (!facts) throw new Error(`lead ${a.leadId} is not on the read side yet`);
      const r = await scoreLead(rs.document, facts);
      const changed = r.score !== a.previous.score || r.grade !== a.previous.grade;
      if (changed) {
        await sql.begin(async (tx) => {
          await tx`update leads set score = ${r.score}, grade = ${r.grade}, updated_at = now() where id = ${a.leadId}`;
          await recordEvent(tx, {
            key: `${a.key}:scored`, leadId: a.leadId, type: 'scored',
            context: {
              score: r.score, grade: r.grade, previousScore: a.previous.score, previousGrade: a.previous.grade, rescore: true,
              rawPoints: r.rawPoints, capped: r.capped, points: r.matched.map((m) => ({ rule: m.rule, points: m.points })),
              trigger: a.reasons.slice(-20).map((x) => ({ kind: x.kind, type: x.type, id: x.id, at: x.at })),
              behaviour: Object.fromEntries(Object.entries(facts).filter(([k]) => k.startsWith('behaviour.'))),
            },
            cause: { ruleSetId: a.ruleSetId, ruleSetName: rs.document.name, version: rs.version, matched: r.explanation.matched },
          });
        });
      }
      return { score: r.score, grade: r.grade, changed };
    },

    /** A behavioural signal the workflow could not use: on the timeline as refused, with the reason. */
    async refuseBehaviourEvent(a: { leadId: string; eventId: string; reason: string }): Promise<void> {
      await recordEvent(sql, {
        key: `${a.leadId}:behaviour-refused:${a.eventId.slice(0, 200)}:${a.reason.slice(0, 100)}`, leadId: a.leadId, type: 'behaviour_refused',
        context: { eventId: a.eventId, reason: a.reason },
      });
    },
  };
}

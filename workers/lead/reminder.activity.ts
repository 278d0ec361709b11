import { leadFactsFor } from '../../db/lead-facts';
import { remindersFor } from '../../rules/decide/remind';
import type { ActivityDeps } from '../deps';
import { createMailActivities } from '../mail/send-email.activity';
import { recipientFor, responsiblesFor } from '../routing/responsible';
import { recordEvent } from './events';
import { createRuleSetLoader } from './rule-cache';
import { createTaskActivities } from './tasks.activity';

/** SLA reminders and escalations: planned by reminder rules, re-checked when the durable timer fires. */
export function createReminderActivities(deps: ActivityDeps) {
  const { sql } = deps;
  const load = createRuleSetLoader(sql);
  const tasks = createTaskActivities(deps);
  const mail = createMailActivities(deps);
  return {
    /** The reminders that apply now; `trigger` tells apart repeated triggers (e.g. each offer sent). */
    async planReminders(a: { leadId: string; ruleSetId: string }) {
      const rs = await load(a.ruleSetId, 'reminder');
      const facts = await leadFactsFor(sql, a.leadId);
      if (!facts) throw new Error(`lead ${a.leadId} is not on the read side yet`);
      const { reminders } = await remindersFor(rs.document, facts);
      const [sent] = await sql<{ n: number }[]>`select count(*)::int as n from lead_events where lead_id = ${a.leadId} and type = 'offer_status' and context->>'status' = 'sent'`;
      return reminders.map((r) => ({ ...r, trigger: r.kind.startsWith('offer') ? `sent${sent?.n ?? 0}` : 'stage', version: rs.version }));
    },

    /** Fires a due reminder if its rule still matches (a visit in the meantime cancels the SLA reminder). */
    async fireReminder(a: { leadId: string; key: string; ruleSetId: string; rule: string; recipient: 'owner' | 'manager'; template: string; kind: string }): Promise<{ fired: boolean }> {
      const rs = await load(a.ruleSetId, 'reminder');
      const facts = await leadFactsFor(sql, a.leadId);
      if (!facts) return { fired: false };
      const { reminders, explanation } = await remindersFor(rs.document, facts);
      const still = reminders.find((r) => r.rule === a.rule);
      const cause = { ruleSetId: a.ruleSetId, ruleSetName: rs.document.name, version: rs.version, matched: explanation.matched.filter((m) => (m as { rule?: string }).rule === a.rule) };
      if (!still) {
        await recordEvent(sql, { key: `${a.key}:skipped`, leadId: a.leadId, type: 'reminder_skipped', context: { rule: a.rule, kind: a.kind, why: 'the rule no longer matches' }, cause });
        return { fired: false };
      }
      // The owner's reminder goes to the team's manager while the lead waits unassigned; nobody at all: skipped, never "sent".
      const who = recipientFor(await responsiblesFor(sql, a.leadId), a.recipient);
      if (!who) {
        await recordEvent(sql, { key: `${a.key}:skipped`, leadId: a.leadId, type: 'reminder_skipped', context: { rule: a.rule, kind: a.kind, why: 'the lead has no owner and its team no manager' }, cause });
        return { fired: false };
      }
      const title = a.recipient === 'manager' ? `Escalation: lead not handled in time (${a.kind})`
        : who.standsInForOwner ? `Unassigned lead: no rep could take it yet, assign an owner (${a.kind})`
          : a.kind.startsWith('offer') ? 'Follow up the offer: not confirmed yet' : 'Reminder: contact the lead';
      await tasks.createTask({ key: `${a.key}:task`, leadId: a.leadId, kind: a.kind, title, dueHours: 24, assignee: a.recipient });
      await mail.sendEmail({ key: `${a.key}:mail`, leadId: a.leadId, template: who.standsInForOwner ? 'unassigned' : a.template, to: who.role });
      await recordEvent(sql, {
        key: `${a.key}:fired`, leadId: a.leadId, type: a.recipient === 'manager' ? 'escalated' : 'reminded',
        context: { rule: a.rule, kind: a.kind, recipient: a.recipient, to: who.userId, standsInForOwner: who.standsInForOwner }, cause,
      });
      return { fired: true };
    },
  };
}

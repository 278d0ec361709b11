import type { ReminderRuleSet } from '../schema';
import { evaluateRules, explain, type DecisionOptions, type Explanation } from './evaluate';

export interface Reminder {
  rule: string;
  delayHours: number;
  recipient: 'owner' | 'manager';
  template: string;
  /** The event-log kind; defaults to the rule name. */
  kind: string;
}

/**
 * Reminders to schedule for a lead: every matched rule, ordered by delay (then document order).
 *
 * @example
 * ```ts
 * const { reminders } = await remindersFor(packs.reminder, { stage: 'new' });
 * reminders[0]; // { rule: 'contact-sla', delayHours: 48, recipient: 'owner', template: 'reminder', kind: 'contact_sla' }
 * ```
 */
export async function remindersFor(doc: ReminderRuleSet, facts: object, opts?: DecisionOptions): Promise<{ reminders: Reminder[]; explanation: Explanation }> {
  const evaluated = await evaluateRules(doc, facts, opts);
  // Array.prototype.sort is stable, so equal delays keep document order.
  const hits = evaluated.filter((e) => e.matched).sort((a, b) => a.rule.event.params.delayHours - b.rule.event.params.delayHours);
  const reminders = hits.map((e) => {
    const p = e.rule.event.params;
    return { rule: e.rule.name, delayHours: p.delayHours, recipient: p.recipient, template: p.template, kind: p.kind ?? e.rule.name };
  });
  return { reminders, explanation: explain(doc, hits) };
}

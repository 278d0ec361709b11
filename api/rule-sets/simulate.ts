/**
 * Simulation: one decision of a rule set (draft or published) over given or stored facts, with its
 * explanation — the reference evaluator (json-rules-engine), exactly what a lead would get.
 */
import { checkConfiguration, remindersFor, routeLead, scoreLead, type RuleSetDocument } from '../../rules';
import { unprocessable } from '../errors';

export async function decide(doc: RuleSetDocument, facts: object, now: Date): Promise<{ decision: Record<string, unknown>; explanation: Record<string, unknown> }> {
  const opts = { now };
  switch (doc.kind) {
    case 'scoring': {
      const { explanation, ...decision } = await scoreLead(doc, facts, opts);
      return { decision, explanation: { ...explanation } };
    }
    case 'routing': {
      const { explanation, ...decision } = await routeLead(doc, facts, opts);
      return { decision, explanation: { ...explanation } };
    }
    case 'reminder': {
      const { explanation, ...decision } = await remindersFor(doc, facts, opts);
      return { decision, explanation: { ...explanation } };
    }
    case 'configurator': {
      const { explanation, ...decision } = await checkConfiguration(doc, facts, opts);
      return { decision, explanation: { ...explanation } };
    }
  }
}

/** Refuses facts of the wrong family for the rule set's kind (lead facts for a configurator set, …). */
export function assertFactsFit(kind: RuleSetDocument['kind'], given: 'lead' | 'leadId' | 'configuration'): void {
  if (kind === 'configurator' && given !== 'configuration') {
    throw unprocessable('a configurator rule set is simulated with "configuration" facts', [{ path: `body.${given}`, message: 'use "configuration" for configurator rule sets' }]);
  }
  if (kind !== 'configurator' && given === 'configuration') {
    throw unprocessable(`a ${kind} rule set is simulated with "lead" or "leadId"`, [{ path: 'body.configuration', message: `not used by ${kind} rule sets` }]);
  }
}

/**
 * Default rule packs, loaded into the database on first start. Parsed through the schema at import so the
 * exported documents are typed and carry defaults (priorities, scoring settings); a test checks that each
 * also passes `validateRuleSet`.
 *
 * @example
 * ```ts
 * import { packs } from './packs';
 * await scoreLead(packs.scoring, facts);
 * ```
 */
import {
  ruleSetDocumentSchema,
  type ConfiguratorRuleSet,
  type ReminderRuleSet,
  type RoutingRuleSet,
  type RuleSetDocument,
  type ScoringRuleSet,
} from '../schema';
import configuratorJson from './configurator.default.json';
import reminderJson from './reminder.default.json';
import routingJson from './routing.default.json';
import scoringJson from './scoring.default.json';

function load<K extends RuleSetDocument['kind']>(kind: K, json: unknown): Extract<RuleSetDocument, { kind: K }> {
  const doc = ruleSetDocumentSchema.parse(json);
  if (doc.kind !== kind) throw new Error(`pack is a ${doc.kind} rule set, expected ${kind}`);
  return doc as Extract<RuleSetDocument, { kind: K }>;
}

/** The raw JSON of each pack, as stored (what `validateRuleSet` sees on save). */
export const packJson = { scoring: scoringJson, routing: routingJson, reminder: reminderJson, configurator: configuratorJson } as const;

export const packs: {
  scoring: ScoringRuleSet;
  routing: RoutingRuleSet;
  reminder: ReminderRuleSet;
  configurator: ConfiguratorRuleSet;
} = {
  scoring: load('scoring', scoringJson),
  routing: load('routing', routingJson),
  reminder: load('reminder', reminderJson),
  configurator: load('configurator', configuratorJson),
};

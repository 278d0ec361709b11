import type { ConfiguratorRuleSet } from '../schema';
import { evaluateRules, explain, type DecisionOptions, type Explanation } from './evaluate';

export interface ConfigurationCheck {
  valid: boolean;
  violations: { rule: string; message: string }[];
  adjustments: { rule: string; label: string; amount?: number; percent?: number }[];
  explanation: Explanation;
}

/**
 * Checks a product configuration: matched `violation` rules make it invalid, matched `priceAdjustment`
 * rules list price changes (document order; applying them to a price is the quote's job).
 *
 * @example
 * ```ts
 * const r = await checkConfiguration(packs.configurator, { product: 'crm-suite', options: ['on-prem', 'cloud'], quantity: 5 });
 * r.valid; // false
 * ```
 */
export async function checkConfiguration(doc: ConfiguratorRuleSet, facts: object, opts?: DecisionOptions): Promise<ConfigurationCheck> {
  const evaluated = await evaluateRules(doc, facts, opts);
  const hits = evaluated.filter((e) => e.matched);
  const violations: ConfigurationCheck['violations'] = [];
  const adjustments: ConfigurationCheck['adjustments'] = [];
  for (const { rule } of hits) {
    const ev = rule.event;
    if (ev.type === 'violation') {
      violations.push({ rule: rule.name, message: ev.params.violation });
    } else {
      const { label, amount, percent } = ev.params.priceAdjustment;
      const adj: ConfigurationCheck['adjustments'][number] = { rule: rule.name, label };
      if (amount !== undefined) adj.amount = amount;
      if (percent !== undefined) adj.percent = percent;
      adjustments.push(adj);
    }
  }
  return { valid: violations.length === 0, violations, adjustments, explanation: explain(doc, hits) };
}

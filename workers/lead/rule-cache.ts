import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../../db/client';
import { getPublishedRuleSet, type PublishedRuleSet } from '../../db/rule-sets';
import type { RuleSetDocument } from '../../rules/schema';

/**
 * The newest published version of a rule set, cached for a few seconds per worker: json-rules-engine engines are
 * cached per document object by rules/, so reusing the object reuses the engine.
 */
export function createRuleSetLoader(sql: Sql, ttlMs = 2000) {
  const cache = new Map<string, { at: number; value: PublishedRuleSet }>();
  return async function load<K extends RuleSetDocument['kind']>(id: string, kind: K): Promise<PublishedRuleSet & { document: Extract<RuleSetDocument, { kind: K }> }> {
    const hit = cache.get(id);
    let value = hit && Date.now() - hit.at < ttlMs ? hit.value : undefined;
    if (!value) {
      value = await getPublishedRuleSet(sql, id);
      if (!value) throw ApplicationFailure.nonRetryable(`rule set "${id}" has no published version`, 'InvalidInput');
      const prev = hit?.value;
      // Keep the same document object while the version is unchanged, so its compiled engine is reused.
      if (prev && prev.version === value.version) value = prev;
      cache.set(id, { at: Date.now(), value });
    }
    if (value.document.kind !== kind) throw ApplicationFailure.nonRetryable(`rule set "${id}" is a ${value.document.kind} set, not ${kind}`, 'InvalidInput');
    return value as PublishedRuleSet & { document: Extract<RuleSetDocument, { kind: K }> };
  };
}

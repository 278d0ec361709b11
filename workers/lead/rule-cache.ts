import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../../db/client';
import { getPublishedRuleSet, type PublishedRuleSet } from '../../db/rule-sets';
import type { RuleSetDocument } from '../../rules/schema';

interface Entry { at: number; value?: PublishedRuleSet; loading?: Promise<PublishedRuleSet | undefined> }

/** One cache per pool: scoring, routing and reminder activities of a worker share it. */
const caches = new WeakMap<object, Map<string, Entry>>();

/**
 * The newest published version of a rule set, cached for a few seconds per worker: json-rules-engine engines are
 * cached per document object by rules/, so reusing the object reuses the engine. A published version never changes,
 * so the cache only asks which version is the newest; concurrent leads that find the entry stale wait for one read
 * instead of each sending their own.
 */
export function createRuleSetLoader(sql: Sql, ttlMs = 2000) {
  let cache = caches.get(sql);
  if (!cache) caches.set(sql, (cache = new Map()));
  const entries = cache;
  return async function load<K extends RuleSetDocument['kind']>(id: string, kind: K): Promise<PublishedRuleSet & { document: Extract<RuleSetDocument, { kind: K }> }> {
    const hit = entries.get(id);
    let value = hit?.value && Date.now() - hit.at < ttlMs ? hit.value : undefined;
    if (!value) {
      let loading = hit?.loading;
      if (!loading) {
        const prev = hit?.value;
        loading = getPublishedRuleSet(sql, id).then((fresh) => {
          // Keep the same document object while the version is unchanged, so its compiled engine is reused.
          const v = fresh && prev && prev.version === fresh.version ? prev : fresh;
          entries.set(id, v ? { at: Date.now(), value: v } : { at: 0 });
          return v;
        }, (err: unknown) => {
          entries.set(id, { at: 0, value: prev });
          throw err;
        });
        entries.set(id, { at: hit?.at ?? 0, value: prev, loading });
      }
      value = await loading;
      if (!value) throw ApplicationFailure.nonRetryable(`rule set "${id}" has no published version`, 'InvalidInput');
    }
    if (value.document.kind !== kind) throw ApplicationFailure.nonRetryable(`rule set "${id}" is a ${value.document.kind} set, not ${kind}`, 'InvalidInput');
    return value as PublishedRuleSet & { document: Extract<RuleSetDocument, { kind: K }> };
  };
}

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { listEntryRules, openPipelines, type EntryRule } from '../../db/entry-rules';
import type { Sql } from '../../db/client';
import type { CaptureInput, PipelineEntry } from '../../engine/lead/types';
import { evaluateRules, explain } from '../../rules/decide/evaluate';
import { ruleSetDocumentSchema, isLeaf, type Condition, type ScoringRuleSet } from '../../rules/schema';
import { checkCondition, type Problem } from '../../rules/validate-condition';

/** The pipeline a lead enters when no entry rule takes it. */
export const DEFAULT_PIPELINE_ID = 'default';

/** Facts known when a lead is captured (a subset of the lead facts of the catalog): entry conditions may use these. */
export const entryFacts = ['source', 'country', 'productInterest', 'companySize', 'industry', 'jobTitle', 'emailDomain', 'hasPhone'] as const;

/** One entry rule as the editor sends it; `conditions` is checked against the fact catalog by `checkEntryRules`. */
export const entryRuleInputSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').optional(),
  name: z.string().trim().min(1, 'name the rule').max(80),
  pipelineId: z.string().min(1, 'choose a pipeline').max(64),
  conditions: z.record(z.string(), z.unknown()),
});
export const entryRulesBodySchema = z.object({ rules: z.array(entryRuleInputSchema).max(100) });
export type EntryRuleInput = z.infer<typeof entryRuleInputSchema>;

function leafFacts(c: unknown, path: string, out: { fact: string; path: string }[]): void {
  if (typeof c !== 'object' || c === null) return;
  const o = c as Record<string, unknown>;
  if (Array.isArray(o.all)) o.all.forEach((x, i) => leafFacts(x, `${path}.all[${i}]`, out));
  else if (Array.isArray(o.any)) o.any.forEach((x, i) => leafFacts(x, `${path}.any[${i}]`, out));
  else if (o.not) leafFacts(o.not, `${path}.not`, out);
  else if (typeof o.fact === 'string') out.push({ fact: o.fact, path: `${path}.fact` });
}

/**
 * Checks the whole ordered list: each rule's conditions against the catalog (facts, operators, values) and the
 * facts known at capture, and its pipeline (exists, published, not archived). Every problem carries its path.
 */
export async function checkEntryRules(sql: Sql, rules: EntryRuleInput[]): Promise<Problem[]> {
  const open = await openPipelines(sql);
  const known = new Set((await sql<{ id: string }[]>`select id from pipelines`).map((r) => r.id));
  const problems: Problem[] = [];
  const ids = new Set<string>();
  rules.forEach((r, i) => {
    const at = `rules[${i}]`;
    if (r.id && ids.has(r.id)) problems.push({ path: `${at}.id`, message: `duplicate rule id "${r.id}"` });
    if (r.id) ids.add(r.id);
    checkCondition(r.conditions, 'scoring', `${at}.conditions`, problems, true);
    const facts: { fact: string; path: string }[] = [];
    leafFacts(r.conditions, `${at}.conditions`, facts);
    for (const f of facts) {
      if (!(entryFacts as readonly string[]).includes(f.fact) && !problems.some((p) => p.path === f.path)) {
        problems.push({ path: f.path, message: `"${f.fact}" is not known when a lead is captured; use one of ${entryFacts.join(', ')}` });
      }
    }
    if (!known.has(r.pipelineId)) problems.push({ path: `${at}.pipelineId`, message: `pipeline "${r.pipelineId}" does not exist` });
    else if (!open.has(r.pipelineId)) problems.push({ path: `${at}.pipelineId`, message: `pipeline "${r.pipelineId}" is archived or not published yet: it cannot receive leads` });
  });
  return problems;
}

/** Gives rules without an id one (ids are stable across edits, so the timeline's "rule X" stays meaningful). */
export const withIds = (rules: EntryRuleInput[]): EntryRule[] => rules.map((r) => ({ ...r, id: r.id ?? `entry-${randomUUID().slice(0, 8)}` }));

// ---- the choice at capture ------------------------------------------------------------------------------------
interface Loaded { at: number; rules: EntryRule[]; doc: ScoringRuleSet | null; open: Map<string, { name: string; version: number }> }
let loaded: Loaded | undefined;

/** Forget the cached rules (after an edit in this process; other processes see it within two seconds). */
export function forgetEntryRules(): void {
  loaded = undefined;
}

async function load(sql: Sql): Promise<Loaded> {
  if (loaded && Date.now() - loaded.at < 2000) return loaded;
  const [rules, open] = await Promise.all([listEntryRules(sql), openPipelines(sql)]);
  // The rules run as one json-rules-engine document (one engine per list, reused while the list is unchanged).
  const parsed = rules.length
    ? ruleSetDocumentSchema.safeParse({
      name: 'entry rules', kind: 'scoring',
      rules: rules.map((r) => ({ name: r.id, priority: 1, conditions: r.conditions as Condition, event: { type: 'score', params: { points: 0 } } })),
    })
    : undefined;
  loaded = { at: Date.now(), rules, doc: parsed?.success ? (parsed.data as ScoringRuleSet) : null, open };
  return loaded;
}

/** The facts of a capture that entry rules may read. */
export function entryFactsOf(c: Pick<CaptureInput, 'source' | 'country' | 'productInterest' | 'companySize' | 'industry' | 'jobTitle' | 'email' | 'phone'>): Record<string, unknown> {
  const domain = c.email?.split('@')[1]?.toLowerCase();
  return {
    source: c.source, country: c.country, productInterest: c.productInterest, companySize: c.companySize, industry: c.industry,
    jobTitle: c.jobTitle, emailDomain: domain || undefined, hasPhone: Boolean(c.phone),
  };
}

const describe = (c: Condition): string => {
  if ('all' in c) return c.all.map(describe).join(' and ');
  if ('any' in c) return `(${c.any.map(describe).join(' or ')})`;
  if ('not' in c) return `not (${describe(c.not)})`;
  if (!isLeaf(c)) return '';
  return `${c.fact} ${c.operator} ${JSON.stringify(c.value)}`;
};

/**
 * Which pipeline a captured lead enters: the first entry rule (in order) whose conditions match and whose pipeline
 * is published and not archived; else the default pipeline. The answer says why, for the lead's timeline.
 * @example const entry = await chooseEntry(sql, capture); // { pipelineId: 'partners', rule: { id, name }, reason: 'entry rule "Partners" matched: source equal "partner"' }
 */
export async function chooseEntry(sql: Sql, capture: Parameters<typeof entryFactsOf>[0]): Promise<PipelineEntry | undefined> {
  const { rules, doc, open } = await load(sql);
  const skipped: string[] = [];
  if (doc) {
    const evaluated = await evaluateRules(doc, entryFactsOf(capture));
    for (const e of evaluated) {
      if (!e.matched) continue;
      const rule = rules[e.index]!;
      const target = open.get(rule.pipelineId);
      if (!target) {
        skipped.push(`entry rule "${rule.name}" matched but pipeline "${rule.pipelineId}" is archived or unpublished`);
        continue;
      }
      const why = explain(doc, [e]);
      return {
        pipelineId: rule.pipelineId, version: target.version, rule: { id: rule.id, name: rule.name },
        reason: `entry rule "${rule.name}" matched: ${describe(rule.conditions as Condition)}`, matched: why.matched,
      };
    }
  }
  const fallback = open.get(DEFAULT_PIPELINE_ID);
  if (!fallback) return undefined;
  const reason = [...skipped, rules.length ? 'no entry rule matched: the default pipeline takes it' : 'no entry rules: the default pipeline takes it'].join('; ');
  return { pipelineId: DEFAULT_PIPELINE_ID, version: fallback.version, rule: null, reason };
}

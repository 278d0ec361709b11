/**
 * Rule sets in Postgres: a mutable draft per rule set (`rule_sets.draft`, always a valid document: it is
 * validated before it is saved) and immutable published versions (`rule_set_versions`, numbered 1, 2, …).
 *
 * @example
 * ```ts
 * await createRuleSet(sql, 'scoring-emea', doc);
 * const r = await publishDraft(sql, 'scoring-emea', userId, 'first cut'); // { ok: true, version: 1 }
 * const v = await getPublishedRuleSet(sql, 'scoring-emea');               // newest version
 * ```
 */
import { packs } from '../rules/packs/index';
import type { RuleSetDocument, RuleSetKind } from '../rules/schema';
import { validateRuleSet, type Problem } from '../rules/validate';
import type { Sql } from './client';

export interface PublishedRuleSet {
  id: string;
  version: number;
  document: RuleSetDocument;
}

export interface RuleSetSummary {
  id: string;
  name: string;
  kind: RuleSetKind;
  latestVersion: number | null;
  publishedAt: Date | null;
  draftUpdatedAt: Date;
}

export interface RuleSetDraft {
  id: string;
  name: string;
  kind: RuleSetKind;
  draft: RuleSetDocument;
  draftUpdatedAt: Date;
  createdAt: Date;
}

export interface VersionInfo {
  version: number;
  note: string;
  publishedBy: string | null;
  publishedAt: Date;
}

/** Runs in the publishing transaction (e.g. to write the audit entry atomically with the version). */
export type OnPublished = (tx: Sql, version: number) => Promise<void>;

/** The published rule set a decision uses: a given version, or the newest one. */
export async function getPublishedRuleSet(sql: Sql, id: string, version?: number): Promise<PublishedRuleSet | undefined> {
  const rows = version
    ? await sql<{ version: number; document: RuleSetDocument }[]>`
        select version, document from rule_set_versions where rule_set_id = ${id} and version = ${version}`
    : await sql<{ version: number; document: RuleSetDocument }[]>`
        select version, document from rule_set_versions where rule_set_id = ${id} order by version desc limit 1`;
  const row = rows[0];
  return row ? { id, version: row.version, document: row.document } : undefined;
}

/** Every rule set with its newest version (null before the first publish). */
export async function listRuleSets(sql: Sql, kind?: RuleSetKind): Promise<RuleSetSummary[]> {
  const rows = await sql<{ id: string; name: string; kind: RuleSetKind; latest: number | null; published_at: Date | null; draft_updated_at: Date }[]>`
    select r.id, r.name, r.kind, v.version as latest, v.published_at, r.draft_updated_at
    from rule_sets r
    left join lateral (
      select version, published_at from rule_set_versions where rule_set_id = r.id order by version desc limit 1
    ) v on true
    where ${kind ? sql`r.kind = ${kind}` : sql`true`}
    order by r.kind, r.id`;
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, latestVersion: r.latest, publishedAt: r.published_at, draftUpdatedAt: r.draft_updated_at }));
}

export async function getRuleSetDraft(sql: Sql, id: string): Promise<RuleSetDraft | undefined> {
  const [r] = await sql<{ id: string; name: string; kind: RuleSetKind; draft: RuleSetDocument; draft_updated_at: Date; created_at: Date }[]>`
    select id, name, kind, draft, draft_updated_at, created_at from rule_sets where id = ${id}`;
  return r ? { id: r.id, name: r.name, kind: r.kind, draft: r.draft, draftUpdatedAt: r.draft_updated_at, createdAt: r.created_at } : undefined;
}

/** Creates a rule set whose draft is `doc` (validated by the caller); false when the id is taken. */
export async function createRuleSet(sql: Sql, id: string, doc: RuleSetDocument): Promise<boolean> {
  const rows = await sql`
    insert into rule_sets (id, name, kind, draft) values (${id}, ${doc.name}, ${doc.kind}, ${sql.json({ ...doc, id } as never)})
    on conflict (id) do nothing returning id`;
  return rows.length === 1;
}

/** Replaces the draft (validated by the caller); undefined when there is no such rule set. */
export async function saveDraft(sql: Sql, id: string, doc: RuleSetDocument): Promise<Date | undefined> {
  const [row] = await sql<{ draft_updated_at: Date }[]>`
    update rule_sets set draft = ${sql.json({ ...doc, id } as never)}, name = ${doc.name}, draft_updated_at = now()
    where id = ${id} returning draft_updated_at`;
  return row?.draft_updated_at;
}

export async function listVersions(sql: Sql, id: string): Promise<VersionInfo[]> {
  const rows = await sql<{ version: number; note: string; published_by: string | null; published_at: Date }[]>`
    select version, note, published_by, published_at from rule_set_versions where rule_set_id = ${id} order by version desc`;
  return rows.map((r) => ({ version: r.version, note: r.note, publishedBy: r.published_by, publishedAt: r.published_at }));
}

async function insertVersion(tx: Sql, id: string, doc: RuleSetDocument, by: string | null, note: string): Promise<number> {
  const [row] = await tx<{ version: number }[]>`
    insert into rule_set_versions (rule_set_id, version, document, note, published_by)
    select ${id}, coalesce(max(version), 0) + 1, ${tx.json({ ...doc, id } as never)}, ${note}, ${by}
    from rule_set_versions where rule_set_id = ${id}
    returning version`;
  return row!.version;
}

/**
 * Stores a validated document as the next immutable version (creating the rule set, with the document as
 * its draft, when it does not exist). The row lock on `rule_sets` serialises concurrent publishes.
 */
export async function publishRuleSet(sql: Sql, id: string, doc: RuleSetDocument, by: string | null, note = '', onPublished?: OnPublished): Promise<number> {
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Sql;
    await tx`insert into rule_sets (id, name, kind, draft) values (${id}, ${doc.name}, ${doc.kind}, ${tx.json({ ...doc, id } as never)})
             on conflict (id) do update set name = excluded.name`;
    await tx`select id from rule_sets where id = ${id} for update`;
    const version = await insertVersion(tx, id, doc, by, note);
    if (onPublished) await onPublished(tx, version);
    return version;
  }) as Promise<number>;
}

export type PublishOutcome = { ok: true; version: number; document: RuleSetDocument } | { ok: false; problems: Problem[] } | { ok: false; missing: true };

/**
 * Publishes the current draft as the next version, re-validating it under the row lock (the catalog may
 * have changed since it was saved). An invalid draft publishes nothing.
 */
export async function publishDraft(sql: Sql, id: string, by: string | null, note = '', onPublished?: OnPublished): Promise<PublishOutcome> {
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Sql;
    const [row] = await tx<{ draft: unknown; kind: RuleSetKind }[]>`select draft, kind from rule_sets where id = ${id} for update`;
    if (!row) return { ok: false, missing: true } as const;
    const checked = validateRuleSet(row.draft);
    if (!checked.ok) return { ok: false, problems: checked.problems } as const;
    const version = await insertVersion(tx, id, checked.doc, by, note);
    if (onPublished) await onPublished(tx, version);
    return { ok: true, version, document: { ...checked.doc, id } } as const;
  }) as Promise<PublishOutcome>;
}

/** The default packs, published once under stable ids (scoring-default, routing-default, …). */
export async function ensureDefaultRuleSets(sql: Sql): Promise<void> {
  for (const doc of Object.values(packs) as RuleSetDocument[]) {
    const id = `${doc.kind}-default`;
    if (!(await getPublishedRuleSet(sql, id))) await publishRuleSet(sql, id, doc, null, 'shipped default');
  }
}

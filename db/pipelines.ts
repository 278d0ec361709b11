import type postgres from 'postgres';
import { defaultPipeline } from '../engine/pipeline/default-pipeline';
import type { PipelineDocument } from '../engine/pipeline/schema';
import type { Sql } from './client';

export interface PublishedPipeline {
  pipelineId: string;
  version: number;
  document: PipelineDocument;
}

/** The newest published version of a pipeline, or undefined when none was published. */
export async function getLatestPublishedPipeline(sql: Sql, pipelineId: string): Promise<PublishedPipeline | undefined> {
  const [row] = await sql<{ version: number; document: PipelineDocument }[]>`
    select version, document from pipeline_versions where pipeline_id = ${pipelineId} order by version desc limit 1`;
  return row ? { pipelineId, version: row.version, document: row.document } : undefined;
}

/** One published version (immutable). */
export async function getPipelineVersion(sql: Sql, pipelineId: string, version: number): Promise<PublishedPipeline | undefined> {
  const [row] = await sql<{ document: PipelineDocument }[]>`
    select document from pipeline_versions where pipeline_id = ${pipelineId} and version = ${version}`;
  return row ? { pipelineId, version, document: row.document } : undefined;
}

/**
 * Stores a validated document as the next immutable version (the caller validates first).
 * Concurrent publishes get distinct versions: the insert picks max+1 under the pipeline row lock.
 */
export async function publishPipeline(sql: Sql, doc: PipelineDocument, by: string | null, note = ''): Promise<number> {
  return sql.begin(async (tx) => {
    await tx`insert into pipelines (id, name, draft) values (${doc.id}, ${doc.name}, ${tx.json(doc as never)})
             on conflict (id) do update set name = excluded.name`;
    await tx`select id from pipelines where id = ${doc.id} for update`;
    const [row] = await tx<{ version: number }[]>`
      insert into pipeline_versions (pipeline_id, version, document, note, published_by)
      select ${doc.id}, coalesce(max(version), 0) + 1, ${tx.json(doc as never)}, ${note}, ${by}
      from pipeline_versions where pipeline_id = ${doc.id}
      returning version`;
    return row!.version;
  }) as Promise<number>;
}

/** Publishes the shipped default pipeline once, so a fresh installation can capture leads. */
export async function ensureDefaultPipeline(sql: Sql): Promise<void> {
  const existing = await getLatestPublishedPipeline(sql, defaultPipeline.id);
  if (!existing) await publishPipeline(sql, defaultPipeline, null, 'shipped default');
}

/** One row of the pipeline list. */
export interface PipelineSummary {
  id: string;
  name: string;
  draftUpdatedAt: Date;
  latestVersion: number | null;
  publishedAt: Date | null;
  /** Set when archived: the pipeline receives no new leads (its running leads go on). */
  archivedAt: Date | null;
}

/** Every pipeline with its newest published version (if any). */
export async function listPipelines(sql: Sql): Promise<PipelineSummary[]> {
  const rows = await sql<{ id: string; name: string; draft_updated_at: Date; latest_version: number | null; published_at: Date | null; archived_at: Date | null }[]>`
    select p.id, p.name, p.draft_updated_at, v.version as latest_version, v.published_at, p.archived_at
    from pipelines p
    left join lateral (select version, published_at from pipeline_versions where pipeline_id = p.id order by version desc limit 1) v on true
    order by p.archived_at is not null, p.name`;
  return rows.map((r) => ({
    id: r.id, name: r.name, draftUpdatedAt: r.draft_updated_at, latestVersion: r.latest_version, publishedAt: r.published_at, archivedAt: r.archived_at,
  }));
}

export interface PipelineVersionInfo {
  version: number;
  note: string;
  publishedBy: string | null;
  publishedAt: Date;
}

/** The editable draft (any shape the editor saved) and the list of published versions. */
export async function getPipelineWithVersions(sql: Sql, pipelineId: string): Promise<{ id: string; name: string; draft: unknown; draftUpdatedAt: Date; versions: PipelineVersionInfo[] } | undefined> {
  const [row] = await sql<{ id: string; name: string; draft: unknown; draft_updated_at: Date }[]>`
    select id, name, draft, draft_updated_at from pipelines where id = ${pipelineId}`;
  if (!row) return undefined;
  const versions = await sql<{ version: number; note: string; published_by: string | null; published_at: Date }[]>`
    select version, note, published_by, published_at from pipeline_versions where pipeline_id = ${pipelineId} order by version desc`;
  return {
    id: row.id, name: row.name, draft: row.draft, draftUpdatedAt: row.draft_updated_at,
    versions: versions.map((v) => ({ version: v.version, note: v.note, publishedBy: v.published_by, publishedAt: v.published_at })),
  };
}

/** Stores the editor's draft as is (graph problems included: the user's work is never thrown away). */
export async function savePipelineDraft(sql: Sql, pipelineId: string, name: string, draft: unknown): Promise<Date> {
  const [row] = await sql<{ draft_updated_at: Date }[]>`
    insert into pipelines (id, name, draft) values (${pipelineId}, ${name}, ${sql.json(draft as never)})
    on conflict (id) do update set name = excluded.name, draft = excluded.draft, draft_updated_at = now()
    returning draft_updated_at`;
  return row!.draft_updated_at;
}

/** Leads of a pipeline counted per node and per stage: open, closed (won, lost, disqualified) and failed apart. */
export async function countLeadsByNode(sql: Sql, pipelineId: string, visible?: postgres.PendingQuery<postgres.Row[]>): Promise<{ nodeId: string | null; stage: string; open: number; closed: number; failed: number }[]> {
  const rows = await sql<{ node_id: string | null; stage: string; open: number; closed: number; failed: number }[]>`
    select node_id, stage,
           count(*) filter (where status not in ('won', 'lost', 'disqualified', 'failed'))::int as open,
           count(*) filter (where status in ('won', 'lost', 'disqualified'))::int as closed,
           count(*) filter (where status = 'failed')::int as failed
    from leads where pipeline_id = ${pipelineId} and ${visible ?? sql`true`}
    group by node_id, stage order by stage, node_id`;
  return rows.map((r) => ({ nodeId: r.node_id, stage: r.stage, open: r.open, closed: r.closed, failed: r.failed }));
}

export interface LeadAtNode {
  id: string;
  name: string;
  company: string | null;
  ownerId: string | null;
  ownerName: string | null;
  score: number;
  grade: string | null;
  stage: string;
  status: string;
  pipelineVersion: number;
  updatedAt: Date;
}

/** Leads currently at a node (or, with `byStage`, in a stage) of a pipeline, newest first. */
/** `visible` is the caller's object-level filter on alias `l` (api/auth/scope.ts leadScope): reps see only their own leads. */
export async function listLeadsAt(sql: Sql, pipelineId: string, where: { nodeId?: string; stage?: string }, visible: postgres.PendingQuery<postgres.Row[]>, limit = 200): Promise<LeadAtNode[]> {
  const rows = await sql<{ id: string; name: string; company: string | null; owner_id: string | null; owner_name: string | null; score: number; grade: string | null; stage: string; status: string; pipeline_version: number; updated_at: Date }[]>`
    select l.id, l.name, l.company, l.owner_id, u.name as owner_name, l.score, l.grade, l.stage, l.status, l.pipeline_version, l.updated_at
    from leads l left join users u on u.id = l.owner_id
    where l.pipeline_id = ${pipelineId}
      and (${where.nodeId ?? null}::text is null or l.node_id = ${where.nodeId ?? null})
      and (${where.stage ?? null}::text is null or l.stage = ${where.stage ?? null})
      and ${visible}
    order by l.updated_at desc limit ${limit}`;
  return rows.map((r) => ({
    id: r.id, name: r.name, company: r.company, ownerId: r.owner_id, ownerName: r.owner_name, score: r.score, grade: r.grade,
    stage: r.stage, status: r.status, pipelineVersion: r.pipeline_version, updatedAt: r.updated_at,
  }));
}

/** Name and archive state of a pipeline, undefined when there is none. */
export async function getPipelineMeta(sql: Sql, pipelineId: string): Promise<{ id: string; name: string; archivedAt: Date | null } | undefined> {
  const [row] = await sql<{ id: string; name: string; archived_at: Date | null }[]>`select id, name, archived_at from pipelines where id = ${pipelineId}`;
  return row ? { id: row.id, name: row.name, archivedAt: row.archived_at } : undefined;
}

/** Renames a pipeline (its draft too); returns the former name, undefined when there is no such pipeline. */
export async function renamePipeline(sql: Sql, pipelineId: string, name: string): Promise<string | undefined> {
  return sql.begin(async (tx) => {
    const [before] = await tx<{ name: string }[]>`select name from pipelines where id = ${pipelineId} for update`;
    if (!before) return undefined;
    await tx`update pipelines set name = ${name}, draft = jsonb_set(draft, '{name}', to_jsonb(${name}::text)) where id = ${pipelineId}`;
    return before.name;
  }) as Promise<string | undefined>;
}

/**
 * Copies a pipeline's draft into a new, unpublished pipeline `newId`. Returns false when `newId` is taken;
 * throws nothing for a missing source (the caller checks it exists).
 */
export async function duplicatePipeline(sql: Sql, fromId: string, newId: string, name: string): Promise<boolean> {
  const rows = await sql`
    insert into pipelines (id, name, draft)
    select ${newId}, ${name}, jsonb_set(jsonb_set(draft, '{id}', to_jsonb(${newId}::text)), '{name}', to_jsonb(${name}::text))
    from pipelines where id = ${fromId}
    on conflict (id) do nothing
    returning id`;
  return rows.length === 1;
}

/** Archives (no new leads) or restores a pipeline; returns false when it does not exist. */
export async function setPipelineArchived(sql: Sql, pipelineId: string, archived: boolean, by: string | null): Promise<boolean> {
  const rows = await sql`
    update pipelines set archived_at = ${archived ? sql`coalesce(archived_at, now())` : null}, archived_by = ${archived ? by : null}
    where id = ${pipelineId} returning id`;
  return rows.length === 1;
}

/**
 * Publishes an earlier version again as the newest one (with the pipeline's current name) and makes it the draft,
 * so the designer shows what runs. The caller checks the document first.
 */
export async function rollbackPipeline(sql: Sql, doc: PipelineDocument, by: string | null, note: string): Promise<number> {
  const version = await publishPipeline(sql, doc, by, note);
  await sql`update pipelines set draft = ${sql.json(doc as never)}, draft_updated_at = now() where id = ${doc.id}`;
  return version;
}

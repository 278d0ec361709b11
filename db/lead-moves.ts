import type postgres from 'postgres';
import type { Sql } from './client';

/** Which live leads a move is about: all of a pipeline's, narrowed by version, stage, node or explicit ids. */
export interface MoveFilter {
  fromVersion?: number;
  stage?: string;
  nodeId?: string;
  leadIds?: string[];
}

/** A lead as the move planner sees it. */
export interface MoveCandidate {
  id: string;
  name: string;
  company: string | null;
  status: string;
  stage: string;
  nodeId: string | null;
  pipelineVersion: number;
  /** Another move still waiting for this lead to reach a node boundary. */
  pendingMoveId: string | null;
}

/** The most leads one move takes (a larger set is moved in several jobs, by stage or version). */
export const MOVE_LIMIT = 1000;

/** The leads a filter selects, oldest first; `visible` is the caller's lead scope on alias `l`. */
export async function findMoveCandidates(sql: Sql, pipelineId: string, f: MoveFilter, visible: postgres.PendingQuery<postgres.Row[]>): Promise<MoveCandidate[]> {
  const rows = await sql<{ id: string; name: string; company: string | null; status: string; stage: string; node_id: string | null; pipeline_version: number; pending_move_id: string | null }[]>`
    select l.id, l.name, l.company, l.status, l.stage, l.node_id, l.pipeline_version,
           (select i.move_id from lead_move_items i where i.lead_id = l.id and i.status = 'pending' limit 1) as pending_move_id
    from leads l
    where l.pipeline_id = ${pipelineId}
      and (${f.fromVersion ?? null}::int is null or l.pipeline_version = ${f.fromVersion ?? null})
      and (${f.stage ?? null}::text is null or l.stage = ${f.stage ?? null})
      and (${f.nodeId ?? null}::text is null or l.node_id = ${f.nodeId ?? null})
      and (${f.leadIds ? true : false} = false or l.id = any(${f.leadIds ?? []}::text[]))
      and ${visible}
    order by l.created_at, l.id limit ${MOVE_LIMIT}`;
  return rows.map((r) => ({
    id: r.id, name: r.name, company: r.company, status: r.status, stage: r.stage, nodeId: r.node_id, pipelineVersion: r.pipeline_version, pendingMoveId: r.pending_move_id,
  }));
}

export type MoveItemStatus = 'pending' | 'moved' | 'refused';

export interface MoveItem {
  leadId: string;
  fromVersion: number;
  fromNodeId: string | null;
  toNodeId: string | null;
  status: MoveItemStatus;
  reason: string | null;
}

export interface MoveJob {
  id: string;
  pipelineId: string;
  fromVersion: number | null;
  toVersion: number;
  filter: MoveFilter;
  mapping: Record<string, string>;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  items: (MoveItem & { name: string; updatedAt: Date })[];
}

/** Stores a new job with one row per chosen lead; false when a job with this id already exists (a repeated request). */
export async function createMoveJob(sql: Sql, job: { id: string; pipelineId: string; fromVersion: number | null; toVersion: number; filter: MoveFilter; mapping: Record<string, string>; by: string }, items: MoveItem[]): Promise<boolean> {
  return sql.begin(async (tx) => {
    const created = await tx`
      insert into lead_moves (id, pipeline_id, from_version, to_version, filter, mapping, created_by)
      values (${job.id}, ${job.pipelineId}, ${job.fromVersion}, ${job.toVersion}, ${tx.json(job.filter as never)}, ${tx.json(job.mapping as never)}, ${job.by})
      on conflict (id) do nothing returning id`;
    if (!created.length) return false;
    for (let i = 0; i < items.length; i += 500) {
      const chunk = items.slice(i, i + 500).map((it) => ({
        move_id: job.id, lead_id: it.leadId, from_version: it.fromVersion, from_node_id: it.fromNodeId, to_node_id: it.toNodeId, status: it.status, reason: it.reason,
      }));
      await tx`insert into lead_move_items ${tx(chunk)}`;
    }
    return true;
  }) as Promise<boolean>;
}

/** A job and its rows (with the leads' names), or undefined. */
export async function getMoveJob(sql: Sql, pipelineId: string, id: string): Promise<MoveJob | undefined> {
  const [row] = await sql<{ id: string; pipeline_id: string; from_version: number | null; to_version: number; filter: MoveFilter; mapping: Record<string, string>; created_by: string | null; created_by_name: string | null; created_at: Date; finished_at: Date | null }[]>`
    select m.*, u.name as created_by_name from lead_moves m left join users u on u.id = m.created_by where m.id = ${id} and m.pipeline_id = ${pipelineId}`;
  if (!row) return undefined;
  const items = await sql<{ lead_id: string; name: string; from_version: number; from_node_id: string | null; to_node_id: string | null; status: MoveItemStatus; reason: string | null; updated_at: Date }[]>`
    select i.lead_id, l.name, i.from_version, i.from_node_id, i.to_node_id, i.status, i.reason, i.updated_at
    from lead_move_items i join leads l on l.id = i.lead_id where i.move_id = ${id} order by l.name, i.lead_id`;
  return {
    id: row.id, pipelineId: row.pipeline_id, fromVersion: row.from_version, toVersion: row.to_version, filter: row.filter, mapping: row.mapping,
    createdBy: row.created_by, createdByName: row.created_by_name, createdAt: row.created_at, finishedAt: row.finished_at,
    items: items.map((i) => ({ leadId: i.lead_id, name: i.name, fromVersion: i.from_version, fromNodeId: i.from_node_id, toNodeId: i.to_node_id, status: i.status, reason: i.reason, updatedAt: i.updated_at })),
  };
}

/** Records what a lead answered; a row the workflow already settled (moved) is left as it is. */
export async function settleMoveItem(sql: Sql, moveId: string, leadId: string, status: MoveItemStatus, reason: string | null): Promise<void> {
  await sql`update lead_move_items set status = ${status}, reason = ${reason}, updated_at = now()
            where move_id = ${moveId} and lead_id = ${leadId} and status = 'pending'`;
}

/** Marks the job finished once no row is pending any more. */
export async function finishMoveJobIfDone(sql: Sql, moveId: string): Promise<void> {
  await sql`update lead_moves set finished_at = now()
            where id = ${moveId} and finished_at is null
              and not exists (select 1 from lead_move_items where move_id = ${moveId} and status = 'pending')`;
}

export interface MoveJobSummary { id: string; fromVersion: number | null; toVersion: number; createdByName: string | null; createdAt: Date; finishedAt: Date | null; moved: number; refused: number; pending: number }

/** The newest jobs of a pipeline with their counts. */
export async function listMoveJobs(sql: Sql, pipelineId: string, limit = 50): Promise<MoveJobSummary[]> {
  const rows = await sql<{ id: string; from_version: number | null; to_version: number; created_by_name: string | null; created_at: Date; finished_at: Date | null; moved: number; refused: number; pending: number }[]>`
    select m.id, m.from_version, m.to_version, u.name as created_by_name, m.created_at, m.finished_at,
           count(*) filter (where i.status = 'moved')::int as moved,
           count(*) filter (where i.status = 'refused')::int as refused,
           count(*) filter (where i.status = 'pending')::int as pending
    from lead_moves m left join users u on u.id = m.created_by left join lead_move_items i on i.move_id = m.id
    where m.pipeline_id = ${pipelineId}
    group by m.id, u.name order by m.created_at desc limit ${limit}`;
  return rows.map((r) => ({ id: r.id, fromVersion: r.from_version, toVersion: r.to_version, createdByName: r.created_by_name, createdAt: r.created_at, finishedAt: r.finished_at, moved: r.moved, refused: r.refused, pending: r.pending }));
}

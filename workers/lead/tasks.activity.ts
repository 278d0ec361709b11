import type { OpenTask } from '../../engine/lead/types';
import type { ActivityDeps } from '../deps';
import { recipientFor, responsiblesFor } from '../routing/responsible';
import { recordEvent } from './events';

/**
 * Tasks for reps: created once per key (a retry never creates a second task). Never a task owned by nobody:
 * when the lead has nobody to do it (no owner, no team manager) no task is created and `task_skipped` says why.
 */
export function createTaskActivities({ sql }: ActivityDeps) {
  return {
    async createTask(a: { key: string; leadId: string; kind: string; title: string; dueHours: number; assignee: 'owner' | 'manager'; nodeId?: string }): Promise<OpenTask | null> {
      // A lead without an owner (its team was at capacity) has its owner's tasks done by the team's manager meanwhile.
      const who = recipientFor(await responsiblesFor(sql, a.leadId), a.assignee);
      if (!who) {
        const [existing] = await sql<{ owner_id: string | null; due_at: Date | null }[]>`select owner_id, due_at from tasks where id = ${a.key}`;
        if (existing) return { id: a.key, kind: a.kind, title: a.title, ownerId: existing.owner_id, dueAt: existing.due_at ? existing.due_at.toISOString() : null };
        await recordEvent(sql, { key: `${a.key}:task_skipped`, leadId: a.leadId, type: 'task_skipped', context: { taskId: a.key, kind: a.kind, title: a.title, why: `the lead has no ${a.assignee} and no team manager` } });
        return null;
      }
      const ownerId = who.userId;
      // The task, the lead's node and the "task_created" event in one statement; a retry (the task exists) changes
      // nothing and answers the task as it was first created.
      const event = sql.json({ taskId: a.key, kind: a.kind, title: a.title, ownerId, standsInForOwner: who.standsInForOwner } as never);
      const [row] = await sql<{ owner_id: string | null; due_at: Date | null }[]>`
        with created as (
          insert into tasks (id, lead_id, owner_id, kind, title, due_at, stands_in_for_owner)
          values (${a.key}, ${a.leadId}, ${ownerId}, ${a.kind}, ${a.title}, now() + ${a.dueHours + ' hours'}::interval, ${who.standsInForOwner})
          on conflict (id) do nothing returning owner_id, due_at),
        node as (update leads set node_id = ${a.nodeId ?? null}, updated_at = now() where id = ${a.leadId} and ${a.nodeId ?? null}::text is not null and exists (select 1 from created)),
        event as (
          insert into lead_events (event_key, lead_id, type, context)
          select ${`${a.key}:task`}, ${a.leadId}, 'task_created', ${event} from created
          on conflict (event_key) do nothing)
        select owner_id, due_at from created
        union all
        select owner_id, due_at from tasks where id = ${a.key} and not exists (select 1 from created)`;
      const due = row?.due_at ?? null;
      return { id: a.key, kind: a.kind, title: a.title, ownerId: row?.owner_id ?? ownerId, dueAt: due ? due.toISOString() : null };
    },

    async openTasks(a: { leadId: string }): Promise<OpenTask[]> {
      const rows = await sql<{ id: string; kind: string; title: string; owner_id: string | null; due_at: Date | null }[]>`
        select id, kind, title, owner_id, due_at from tasks where lead_id = ${a.leadId} and not done order by due_at nulls last, id`;
      return rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, ownerId: r.owner_id, dueAt: r.due_at ? r.due_at.toISOString() : null }));
    },
  };
}

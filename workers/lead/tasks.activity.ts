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
      const [existing] = await sql<{ owner_id: string | null; due_at: Date | null }[]>`select owner_id, due_at from tasks where id = ${a.key}`;
      if (existing) return { id: a.key, kind: a.kind, title: a.title, ownerId: existing.owner_id, dueAt: existing.due_at ? existing.due_at.toISOString() : null };
      // A lead without an owner (its team was at capacity) has its owner's tasks done by the team's manager meanwhile.
      const who = recipientFor(await responsiblesFor(sql, a.leadId), a.assignee);
      if (!who) {
        await recordEvent(sql, { key: `${a.key}:task_skipped`, leadId: a.leadId, type: 'task_skipped', context: { taskId: a.key, kind: a.kind, title: a.title, why: `the lead has no ${a.assignee} and no team manager` } });
        return null;
      }
      const ownerId = who.userId;
      const [row] = await sql.begin(async (tx) => {
        const rows = await tx<{ id: string; due_at: Date | null }[]>`
          insert into tasks (id, lead_id, owner_id, kind, title, due_at, stands_in_for_owner)
          values (${a.key}, ${a.leadId}, ${ownerId}, ${a.kind}, ${a.title}, now() + ${a.dueHours + ' hours'}::interval, ${who.standsInForOwner})
          on conflict (id) do nothing returning id, due_at`;
        if (rows.length) {
          if (a.nodeId) await tx`update leads set node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}`;
          await recordEvent(tx, { key: `${a.key}:task`, leadId: a.leadId, type: 'task_created', context: { taskId: a.key, kind: a.kind, title: a.title, ownerId, standsInForOwner: who.standsInForOwner } });
        }
        return rows;
      });
      const due = row?.due_at ?? (await sql<{ due_at: Date | null }[]>`select due_at from tasks where id = ${a.key}`)[0]?.due_at ?? null;
      return { id: a.key, kind: a.kind, title: a.title, ownerId, dueAt: due ? due.toISOString() : null };
    },

    async openTasks(a: { leadId: string }): Promise<OpenTask[]> {
      const rows = await sql<{ id: string; kind: string; title: string; owner_id: string | null; due_at: Date | null }[]>`
        select id, kind, title, owner_id, due_at from tasks where lead_id = ${a.leadId} and not done order by due_at nulls last, id`;
      return rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, ownerId: r.owner_id, dueAt: r.due_at ? r.due_at.toISOString() : null }));
    },
  };
}

/**
 * Capacity freed (a lead closed or was reassigned, a rep's capacity was raised or a rep joined a team): the
 * team's unassigned leads are woken with `capacityFreedSignal`, so their workflows route again now instead of
 * at their next retry timer. Oldest first; a woken lead that still finds nobody simply waits again, and
 * concurrent wake-ups are safe because assignment re-counts capacity under row locks (`assignLeadAtomically`).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Sql } from '../../db/client';
import { capacityFreedSignal } from '../../engine/lead/messages';
import { OPEN_LEAD_STATUSES } from './candidates';

/** How many waiting leads one freed slot wakes: enough that a lead whose rules route elsewhere does not block the queue. */
export const WAKE_LIMIT = 5;

/** The unassigned, still open leads waiting in these teams, oldest first. */
export async function waitingLeads(sql: Sql, teamIds: readonly string[], opts: { exceptLeadId?: string; limit?: number } = {}): Promise<string[]> {
  if (teamIds.length === 0) return [];
  const rows = await sql<{ id: string }[]>`
    select id from leads
    where owner_id is null and team_id in ${sql(teamIds as string[])} and closed_at is null
      and status in ${sql(OPEN_LEAD_STATUSES as unknown as string[])} and id <> ${opts.exceptLeadId ?? ''}
    order by created_at, id limit ${opts.limit ?? WAKE_LIMIT}`;
  return rows.map((r) => r.id);
}

/** The team of each user (reps whose capacity was freed or raised). */
export async function teamsOfUsers(sql: Sql, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await sql<{ team_id: string }[]>`select distinct team_id from users where id in ${sql(userIds as string[])} and team_id is not null`;
  return rows.map((r) => r.team_id);
}

/**
 * Signals the waiting leads of these teams; answers the ids signalled. A lead whose workflow is gone is skipped;
 * other errors propagate (an activity retries them).
 * @example await wakeUnassignedLeads(sql, client, ['team-dach'], { exceptLeadId: closedLeadId })
 */
export async function wakeUnassignedLeads(sql: Sql, client: Pick<Client, 'workflow'>, teamIds: readonly string[], opts: { exceptLeadId?: string; limit?: number } = {}): Promise<string[]> {
  const ids = await waitingLeads(sql, teamIds, opts);
  const woken: string[] = [];
  for (const id of ids) {
    try {
      await client.workflow.getHandle(id).signal(capacityFreedSignal);
      woken.push(id);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return woken;
}

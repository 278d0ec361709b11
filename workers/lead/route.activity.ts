import { ApplicationFailure, Context } from '@temporalio/activity';
import { leadFactsFor } from '../../db/lead-facts';
import { routeLead } from '../../rules/decide/route';
import type { ActivityDeps } from '../deps';
import { assignLeadWithReason } from '../routing/resolve';
import { responsiblesFor } from '../routing/responsible';
import { teamsOfUsers, wakeUnassignedLeads } from '../routing/wake';
import { recordEvent, recordEventWith } from './events';
import { createRuleSetLoader } from './rule-cache';

/** What routing answers the workflow; `retryAfterMs` is how long an unassigned lead waits before routing again. */
export interface RouteOutcome { ownerId: string | null; managerId: string | null; teamId: string | null; how: string; retryAfterMs: number }

/** Assignment by routing rules (the choice is the activity result, so replay never re-rolls it) and reassignment. */
export function createRouteActivities({ sql, unassignedRetryMinutes = 60 }: ActivityDeps) {
  const load = createRuleSetLoader(sql);
  const retryAfterMs = Math.round(unassignedRetryMinutes * 60_000);
  const outcome = async (leadId: string, ownerId: string | null, how: string): Promise<RouteOutcome> => {
    const r = await responsiblesFor(sql, leadId);
    return { ownerId, managerId: r?.managerId ?? null, teamId: r?.teamId ?? null, how, retryAfterMs };
  };
  return {
    /**
     * Routes the lead by the routing rules. `retry`: a later attempt for a lead that found nobody before (it
     * waits in its team's unassigned queue): the lead stays where it is in the pipeline, a failed attempt records
     * nothing, and on success the tasks its manager did in the owner's stead move to the new owner.
     */
    async routeLead(a: { leadId: string; ruleSetId: string; nodeId: string; key: string; retry?: boolean }): Promise<RouteOutcome> {
      // A retry after a successful assignment returns the same owner instead of rolling again (one read: the lead's
      // owner and country, and whether this routing already recorded its event).
      const [lead] = await sql<{ country: string | null; owner_id: string | null; done: boolean }[]>`
        select country, owner_id, exists (select 1 from lead_events e where e.event_key = ${`${a.key}:assigned`} and e.lead_id = l.id) as done
        from leads l where id = ${a.leadId}`;
      if (lead?.done) return outcome(a.leadId, lead.owner_id, 'already assigned');
      if (a.retry && lead?.owner_id) return outcome(a.leadId, lead.owner_id, 'assigned meanwhile');

      const rs = await load(a.ruleSetId, 'routing');
      const facts = await leadFactsFor(sql, a.leadId);
      if (!facts) throw new Error(`lead ${a.leadId} is not on the read side yet`);
      const decision = await routeLead(rs.document, facts);
      const result = decision.rule ? await assignLeadWithReason(sql, a.leadId, decision.strategy, { id: a.leadId, country: lead?.country ?? null }) : null;
      const choice = result?.userId ? result : null;
      const how = !decision.rule ? 'no routing rule matched' : result!.how;
      if (a.retry && !choice) return outcome(a.leadId, null, how);
      // The event with the lead's node (first routing) or the stand-in tasks handed to the new owner (a retry), in one statement.
      await recordEventWith(sql, {
        key: `${a.key}:assigned`, leadId: a.leadId, type: choice ? 'assigned' : 'unassigned',
        context: { ownerId: choice?.userId ?? null, teamId: result?.teamId ?? null, how, strategy: decision.rule ? decision.strategy : null, ...(a.retry ? { rerouted: true } : {}) },
        cause: { ruleSetId: a.ruleSetId, ruleSetName: rs.document.name, version: rs.version, matched: decision.explanation.matched },
      }, !a.retry
        ? sql`update leads set node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}`
        : sql`update tasks set owner_id = ${choice?.userId ?? null}, stands_in_for_owner = false where ${choice !== null} and lead_id = ${a.leadId} and not done and stands_in_for_owner`);
      return outcome(a.leadId, choice?.userId ?? null, how);
    },

    async reassignLead(a: { leadId: string; ownerId: string; by: string; reason?: string }): Promise<{ managerId: string | null }> {
      const [user] = await sql<{ id: string; team_id: string | null; active: boolean }[]>`select id, team_id, active from users where id = ${a.ownerId}`;
      if (!user || !user.active) throw ApplicationFailure.nonRetryable(`user ${a.ownerId} does not exist or is disabled`, 'InvalidInput');
      await sql.begin(async (tx) => {
        const [prev] = await tx<{ owner_id: string | null }[]>`select owner_id from leads where id = ${a.leadId} for update`;
        await tx`update leads set owner_id = ${a.ownerId}, team_id = ${user.team_id}, updated_at = now() where id = ${a.leadId}`;
        // Open tasks follow the lead to its new owner.
        await tx`update tasks set owner_id = ${a.ownerId}, stands_in_for_owner = false where lead_id = ${a.leadId} and not done`;
        await recordEvent(tx, {
          key: `${a.leadId}:reassigned:${a.ownerId}:${prev?.owner_id ?? 'none'}`, leadId: a.leadId, type: 'reassigned', actor: a.by,
          context: { from: prev?.owner_id ?? null, to: a.ownerId, reason: a.reason ?? null },
        });
        await tx`insert into audit_log (actor_id, action, target_type, target_id, details)
                 values (${a.by}, 'lead.reassigned', 'lead', ${a.leadId}, ${tx.json({ from: prev?.owner_id ?? null, to: a.ownerId } as never)})`;
      });
      return { managerId: (await responsiblesFor(sql, a.leadId))?.managerId ?? null };
    },

    /**
     * A lead owned by `freedOwnerId` closed or moved away: wakes the unassigned leads waiting in that rep's team
     * (regular activity: it signals other workflows through the worker's client).
     */
    async wakeUnassignedLeads(a: { leadId: string; freedOwnerId: string }): Promise<{ woken: string[] }> {
      const teams = await teamsOfUsers(sql, [a.freedOwnerId]);
      return { woken: await wakeUnassignedLeads(sql, Context.current().client, teams, { exceptLeadId: a.leadId }) };
    },
  };
}

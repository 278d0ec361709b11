import { ApplicationFailure } from '@temporalio/activity';
import { leadFactsFor } from '../../db/lead-facts';
import { routeLead } from '../../rules/decide/route';
import type { ActivityDeps } from '../deps';
import { assignLeadAtomically } from '../routing/resolve';
import { recordEvent } from './events';
import { createRuleSetLoader } from './rule-cache';

async function managerOf(sql: ActivityDeps['sql'], userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const [row] = await sql<{ manager_id: string | null }[]>`
    select t.manager_id from users u left join teams t on t.id = u.team_id where u.id = ${userId}`;
  return row?.manager_id ?? null;
}

/** Assignment by routing rules (the choice is the activity result, so replay never re-rolls it) and reassignment. */
export function createRouteActivities({ sql }: ActivityDeps) {
  const load = createRuleSetLoader(sql);
  return {
    async routeLead(a: { leadId: string; ruleSetId: string; nodeId: string; key: string }): Promise<{ ownerId: string | null; managerId: string | null; how: string }> {
      // A retry after a successful assignment returns the same owner instead of rolling again.
      const [done] = await sql<{ owner_id: string | null }[]>`
        select l.owner_id from lead_events e join leads l on l.id = e.lead_id where e.event_key = ${`${a.key}:assigned`}`;
      if (done) return { ownerId: done.owner_id, managerId: await managerOf(sql, done.owner_id), how: 'already assigned' };

      const rs = await load(a.ruleSetId, 'routing');
      const facts = await leadFactsFor(sql, a.leadId);
      if (!facts) throw new Error(`lead ${a.leadId} is not on the read side yet`);
      const decision = await routeLead(rs.document, facts);
      const [lead] = await sql<{ country: string | null }[]>`select country from leads where id = ${a.leadId}`;
      const choice = decision.rule ? await assignLeadAtomically(sql, a.leadId, decision.strategy, { id: a.leadId, country: lead?.country }) : null;
      const how = !decision.rule ? 'no routing rule matched' : choice ? choice.how : 'no rep available for the strategy';
      await sql.begin(async (tx) => {
        await tx`update leads set node_id = ${a.nodeId}, updated_at = now() where id = ${a.leadId}`;
        await recordEvent(tx, {
          key: `${a.key}:assigned`, leadId: a.leadId, type: choice ? 'assigned' : 'unassigned',
          context: { ownerId: choice?.userId ?? null, teamId: choice?.teamId ?? null, how, strategy: decision.rule ? decision.strategy : null },
          cause: { ruleSetId: a.ruleSetId, ruleSetName: rs.document.name, version: rs.version, matched: decision.explanation.matched },
        });
      });
      return { ownerId: choice?.userId ?? null, managerId: await managerOf(sql, choice?.userId ?? null), how };
    },

    async reassignLead(a: { leadId: string; ownerId: string; by: string; reason?: string }): Promise<{ managerId: string | null }> {
      const [user] = await sql<{ id: string; team_id: string | null; active: boolean }[]>`select id, team_id, active from users where id = ${a.ownerId}`;
      if (!user || !user.active) throw ApplicationFailure.nonRetryable(`user ${a.ownerId} does not exist or is disabled`, 'InvalidInput');
      await sql.begin(async (tx) => {
        const [prev] = await tx<{ owner_id: string | null }[]>`select owner_id from leads where id = ${a.leadId} for update`;
        await tx`update leads set owner_id = ${a.ownerId}, team_id = ${user.team_id}, updated_at = now() where id = ${a.leadId}`;
        // Open tasks follow the lead to its new owner.
        await tx`update tasks set owner_id = ${a.ownerId} where lead_id = ${a.leadId} and not done`;
        await recordEvent(tx, {
          key: `${a.leadId}:reassigned:${a.ownerId}:${prev?.owner_id ?? 'none'}`, leadId: a.leadId, type: 'reassigned', actor: a.by,
          context: { from: prev?.owner_id ?? null, to: a.ownerId, reason: a.reason ?? null },
        });
        await tx`insert into audit_log (actor_id, action, target_type, target_id, details)
                 values (${a.by}, 'lead.reassigned', 'lead', ${a.leadId}, ${tx.json({ from: prev?.owner_id ?? null, to: a.ownerId } as never)})`;
      });
      return { managerId: await managerOf(sql, a.ownerId) };
    },
  };
}

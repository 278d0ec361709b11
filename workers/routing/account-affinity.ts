/**
 * Account affinity: a new lead of a company someone already works goes to that rep, so one account has one face.
 * The owner is the active rep who owns an open lead of the same account (the most recently active one); without
 * such a rep the strategy answers nobody and the caller falls through to the next strategy.
 */
import type { Sql } from '../../db/client';

export async function resolveAccountAffinity(sql: Sql, leadId: string) {
  const [owner] = await sql<{ id: string; team_id: string | null; account: string }[]>`
    select u.id, u.team_id, a.name as account
      from leads me
      join accounts a on a.id = me.account_id
      join leads other on other.account_id = me.account_id and other.id <> me.id
                      and other.status in ('open', 'nurturing', 'qualified') and other.owner_id is not null
      join users u on u.id = other.owner_id and u.active and u.role = 'rep'
     where me.id = ${leadId}
     order by other.updated_at desc, other.id
     limit 1`;
  if (!owner) return { userId: null, teamId: null, how: 'no active rep owns an open lead of this account' } as const;
  return { userId: owner.id, teamId: owner.team_id, how: `account affinity: ${owner.id} owns an open lead of ${owner.account}` } as const;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadScope, taskScope } from '../../api/auth/scope';
import type { AuthUser } from '../../api/auth/types';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { createUser, type TestUser } from '../helpers/auth';

/** Object-level rules behind every lead and task route: reps own, managers their team, ops and admins all. */
describe('leadScope and taskScope', () => {
  let db: TestDatabase;
  const u: Record<string, TestUser> = {};
  const asAuth = (t: TestUser | undefined): AuthUser | undefined => t && { id: t.id, email: t.email, name: t.id, role: t.role, teamId: t.teamId };

  beforeAll(async () => {
    db = await createTestDatabase();
    const sql = db.sql;
    u.repA = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-a' });
    u.repA2 = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-a2' });
    u.repB = await createUser(sql, { role: 'rep', teamId: 'team-b', id: 'rep-b' });
    u.managerA = await createUser(sql, { role: 'manager', teamId: 'team-a', id: 'mgr-a' });
    u.managerNoTeam = await createUser(sql, { role: 'manager', id: 'mgr-none' });
    u.ops = await createUser(sql, { role: 'ops', id: 'ops-1' });
    u.admin = await createUser(sql, { role: 'admin', id: 'admin-1' });
    const leads: [string, string | null, string | null][] = [
      ['lead-a', 'rep-a', 'team-a'], ['lead-a2', 'rep-a2', null], ['lead-b', 'rep-b', 'team-b'],
      ['lead-team-a-unassigned', null, 'team-a'], ['lead-unassigned', null, null],
    ];
    for (const [id, owner, team] of leads) {
      await sql`insert into leads (id, dedupe_key, source, name, owner_id, team_id, pipeline_id, pipeline_version)
                values (${id}, ${id}, 'manual', ${id}, ${owner}, ${team}, 'p', 1)`;
    }
    for (const [id, owner] of [['task-a', 'rep-a'], ['task-a2', 'rep-a2'], ['task-b', 'rep-b'], ['task-none', null]] as const) {
      await sql`insert into tasks (id, owner_id, kind, title) values (${id}, ${owner}, 'call', ${id})`;
    }
  });
  afterAll(async () => db?.drop());

  const visibleLeads = async (who: TestUser | undefined) =>
    (await db.sql<{ id: string }[]>`select l.id from leads l where ${leadScope(db.sql, asAuth(who), 'l')} order by l.id`).map((r) => r.id);
  const visibleTasks = async (who: TestUser | undefined) =>
    (await db.sql<{ id: string }[]>`select id from tasks where ${taskScope(db.sql, asAuth(who))} order by id`).map((r) => r.id);

  it('reps see only their own leads; another rep\'s lead by id is not found', async () => {
    expect(await visibleLeads(u.repA)).toEqual(['lead-a']);
    expect(await visibleLeads(u.repB)).toEqual(['lead-b']);
    const [byId] = await db.sql`select id from leads where id = 'lead-b' and ${leadScope(db.sql, asAuth(u.repA))}`;
    expect(byId).toBeUndefined();
  });

  it('managers see their team\'s leads (by lead team or owner\'s team), not other teams\'', async () => {
    expect(await visibleLeads(u.managerA)).toEqual(['lead-a', 'lead-a2', 'lead-team-a-unassigned']);
    // A manager without a team sees nothing but what they own.
    expect(await visibleLeads(u.managerNoTeam)).toEqual([]);
  });

  it('ops and admins see every lead; nobody signed in sees none', async () => {
    expect(await visibleLeads(u.ops)).toHaveLength(5);
    expect(await visibleLeads(u.admin)).toHaveLength(5);
    expect(await visibleLeads(undefined)).toEqual([]);
  });

  it('applies the same rule to tasks', async () => {
    expect(await visibleTasks(u.repA)).toEqual(['task-a']);
    expect(await visibleTasks(u.managerA)).toEqual(['task-a', 'task-a2']);
    expect(await visibleTasks(u.managerNoTeam)).toEqual([]);
    expect(await visibleTasks(u.ops)).toHaveLength(4);
    expect(await visibleTasks(undefined)).toEqual([]);
  });

  it('refuses an alias that is not a plain identifier', () => {
    expect(() => leadScope(db.sql, asAuth(u.repA), 'l; drop table leads')).toThrow(/alias/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, type Sql } from '../../db/client';
import { assignLeadAtomically, assignLeadWithReason, resolveAssignee, resolveAssignment } from '../../workers/routing/resolve';
import { pickWeighted } from '../../workers/routing/weighted';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { insertLead } from '../rules-api/fixtures';

async function team(sql: Sql, id: string, territory: string[] = []) {
  await sql`insert into teams (id, name, territory) values (${id}, ${id}, ${territory})`;
}
async function user(sql: Sql, id: string, o: { team?: string; role?: string; capacity?: number; active?: boolean; territory?: string[] } = {}) {
  await sql`insert into users (id, email, name, role, team_id, capacity, active, territory)
            values (${id}, ${`${id}@example.test`}, ${id}, ${o.role ?? 'rep'}, ${o.team ?? null}, ${o.capacity ?? 50}, ${o.active ?? true}, ${o.territory ?? []})`;
}
const tally = (ids: (string | null | undefined)[]) => ids.reduce<Record<string, number>>((m, id) => ({ ...m, [id ?? 'none']: (m[id ?? 'none'] ?? 0) + 1 }), {});

describe('routing strategies against Postgres', () => {
  let db: TestDatabase;
  /** Several pools, like several workers; embedded PGlite has one connection, so there it is just one. */
  let pools: Sql[];
  beforeAll(async () => {
    db = await createTestDatabase();
    pools = db.embedded ? [db.sql] : [db.sql, ...[1, 2, 3].map(() => createSql(db.url, { max: 5 }))];
    const { sql } = db;
    await team(sql, 'team-rr');
    for (const id of ['rr-c', 'rr-a', 'rr-b']) await user(sql, id, { team: 'team-rr' });
    await user(sql, 'rr-gone', { team: 'team-rr', active: false });
    await user(sql, 'rr-boss', { team: 'team-rr', role: 'manager' });
    await team(sql, 'team-cap');
    await user(sql, 'cap-a', { team: 'team-cap', capacity: 5 });
    await user(sql, 'cap-b', { team: 'team-cap', capacity: 5 });
    await user(sql, 'cap-c', { team: 'team-cap', capacity: 4 });
    await team(sql, 'team-dach', ['DACH']);
    await user(sql, 'dach-1', { team: 'team-dach' });
    await user(sql, 'lone-pl', { territory: ['PL'] });
  });
  afterAll(async () => {
    for (const p of pools?.slice(1) ?? []) await p.end({ timeout: 5 });
    await db?.drop();
  });

  it('round robin: 60 concurrent leads on several pools are spread exactly evenly over the active reps, ordered by id', async () => {
    const picks = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      resolveAssignee(pools[i % pools.length]!, { type: 'round_robin', team: 'team-rr' }, { id: `l${i}` })));
    expect(tally(picks.map((p) => p?.userId))).toEqual({ 'rr-a': 20, 'rr-b': 20, 'rr-c': 20 });
    expect(picks.every((p) => p?.teamId === 'team-rr')).toBe(true);
    const [ptr] = await db.sql`select position from routing_pointers where scope = 'team:team-rr'`;
    expect(Number(ptr!.position)).toBe(59);
    const next = await resolveAssignee(db.sql, { type: 'round_robin', team: 'team-rr' }, { id: 'l60' });
    expect(next?.userId).toBe('rr-a'); // position 60 → first rep by id
  });

  it('capacity: concurrent atomic assignments fill every rep exactly to capacity and never beyond', async () => {
    // cap-a already holds 2 open leads; closed leads do not count.
    for (let i = 0; i < 2; i++) await insertLead(db.sql, { ownerId: 'cap-a', status: 'nurturing' });
    await insertLead(db.sql, { ownerId: 'cap-a', status: 'won' });
    const leads: string[] = [];
    for (let i = 0; i < 30; i++) leads.push(await insertLead(db.sql, { country: 'DE' }));
    const results = await Promise.all(leads.map((id, i) =>
      assignLeadWithReason(pools[i % pools.length]!, id, { type: 'capacity', team: 'team-cap' })));
    const assigned = results.filter((r) => r.userId !== null);
    expect(assigned).toHaveLength(3 + 5 + 4);
    expect(results.filter((r) => r.userId === null).every((r) => r.how === 'all reps at capacity')).toBe(true);
    const open = await db.sql<{ owner_id: string; n: number }[]>`
      select owner_id, count(*)::int as n from leads where owner_id like 'cap-%' and status in ('open', 'nurturing', 'qualified')
      group by owner_id order by owner_id`;
    expect(open).toEqual([{ owner_id: 'cap-a', n: 5 }, { owner_id: 'cap-b', n: 5 }, { owner_id: 'cap-c', n: 4 }]);
    // The owners written match the answers given.
    const owners = await db.sql<{ id: string; owner_id: string | null }[]>`select id, owner_id from leads where id in ${db.sql(leads)}`;
    const byId = new Map(owners.map((o) => [o.id, o.owner_id]));
    leads.forEach((id, i) => expect(byId.get(id)).toBe(results[i]!.userId));
    // Once full: resolveAssignee answers null and resolveAssignment says why.
    expect(await resolveAssignee(db.sql, { type: 'capacity', team: 'team-cap' }, { id: 'x' })).toBeNull();
    expect(await resolveAssignment(db.sql, { type: 'capacity', team: 'team-cap' }, { id: 'x' })).toMatchObject({ userId: null, how: 'all reps at capacity' });
    // A lead closing frees a slot.
    await db.sql`update leads set status = 'lost' where id = ${assigned.length ? leads[results.findIndex((r) => r.userId === 'cap-b')]! : ''}`;
    const again = await assignLeadAtomically(db.sql, leads[29]!, { type: 'capacity', team: 'team-cap' });
    expect(again?.userId).toBe('cap-b');
  });

  it('capacity with an explicit list skips reps outside it and inactive ones', async () => {
    const id = await insertLead(db.sql);
    const r = await assignLeadAtomically(db.sql, id, { type: 'capacity', userIds: ['rr-a', 'rr-gone'] });
    expect(r).toMatchObject({ userId: 'rr-a', teamId: 'team-rr' });
    const [row] = await db.sql`select owner_id, team_id from leads where id = ${id}`;
    expect(row).toEqual({ owner_id: 'rr-a', team_id: 'team-rr' });
  });

  it('territory: the team whose territory (named territories expanded) holds the country, else reps covering it', async () => {
    expect(await resolveAssignee(db.sql, { type: 'territory' }, { id: 'l', country: 'AT' })).toMatchObject({ userId: 'dach-1', teamId: 'team-dach' });
    expect(await resolveAssignee(db.sql, { type: 'territory' }, { id: 'l', country: 'pl' })).toMatchObject({ userId: 'lone-pl', teamId: null });
    expect(await resolveAssignment(db.sql, { type: 'territory' }, { id: 'l', country: 'JP' })).toMatchObject({ userId: null, how: 'no team or rep covers territory JP' });
    expect(await resolveAssignee(db.sql, { type: 'territory' }, { id: 'l', country: null })).toBeNull();
  });

  it('named and weighted: only active users are chosen', async () => {
    expect(await resolveAssignee(db.sql, { type: 'named', userId: 'rr-b' }, { id: 'l' })).toMatchObject({ userId: 'rr-b', teamId: 'team-rr' });
    expect(await resolveAssignee(db.sql, { type: 'named', userId: 'rr-gone' }, { id: 'l' })).toBeNull();
    const picks = await Promise.all(Array.from({ length: 40 }, () =>
      resolveAssignee(db.sql, { type: 'weighted', weights: [{ userId: 'rr-gone', weight: 100 }, { userId: 'rr-a', weight: 1 }, { userId: 'rr-b', weight: 3 }] }, { id: 'l' })));
    const t = tally(picks.map((p) => p?.userId));
    expect(Object.keys(t).sort()).toEqual(expect.arrayContaining(['rr-b']));
    expect(t['rr-gone']).toBeUndefined();
    expect(await resolveAssignee(db.sql, { type: 'weighted', weights: [{ userId: 'rr-gone', weight: 1 }] }, { id: 'l' })).toBeNull();
  });

  it('weighted choice follows the weights exactly over every possible draw', () => {
    const counts = [0, 0, 0];
    for (let r = 0; r < 6000; r++) counts[pickWeighted([1, 2, 3], () => r)]!++;
    expect(counts).toEqual([1000, 2000, 3000]);
    expect(pickWeighted([0, 0])).toBe(-1);
  });
});

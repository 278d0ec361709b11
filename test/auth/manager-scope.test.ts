import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerHeaders } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, type TestStack } from '../helpers/stack';
import { createActivities } from '../../workers/activities';

/**
 * A manager of several teams (the demo's Mia manages DACH and Nordics, her own team is DACH) sees the leads and
 * tasks of every team she manages, and can open the lead an escalation sent her about.
 */
describe('managers see every team they manage, for visibility and escalations alike', () => {
  let stack: TestStack;
  let mia: { authorization: string };
  let max: { authorization: string };
  const leads: [id: string, owner: string | null, team: string | null][] = [
    ['lead-dach', 'u-anna', 'team-dach'],
    ['lead-nordics', 'u-carla', 'team-nordics'],
    ['lead-nordics-waiting', null, 'team-nordics'],
    ['lead-west', 'u-dario', 'team-west'],
  ];

  beforeAll(async () => {
    stack = await createTestStack();
    const sql = stack.db.sql;
    await seedDefaults(sql);
    for (const [id, owner, team] of leads) {
      await sql`insert into leads (id, dedupe_key, source, name, email, country, owner_id, team_id, pipeline_id, pipeline_version, stage, status)
                values (${id}, ${id}, 'web', ${id}, ${`${id}@example.test`}, 'SE', ${owner}, ${team}, 'default', 1, 'qualification', 'open')`;
    }
    for (const [lead, owner] of [['lead-dach', 'u-anna'], ['lead-nordics', 'u-carla'], ['lead-west', 'u-dario']] as const) {
      await sql`insert into tasks (id, lead_id, owner_id, kind, title) values (${`task-${lead}`}, ${lead}, ${owner}, 'first_contact', 'Contact the new lead')`;
    }
    mia = await bearerHeaders(sql, 'u-mia');
    max = await bearerHeaders(sql, 'u-max');
  });
  afterAll(async () => stack?.close());

  const leadIds = async (headers: Record<string, string>) =>
    ((await stack.app.inject({ url: '/api/leads?limit=200', headers })).json() as { items: { id: string }[] }).items.map((l) => l.id).sort();
  const taskIds = async (headers: Record<string, string>) =>
    ((await stack.app.inject({ url: '/api/tasks', headers })).json() as { items: { id: string }[] }).items.map((t) => t.id).sort();

  it('lists the leads of both managed teams, including the one waiting unassigned in a team, and no other team\'s', async () => {
    expect(await leadIds(mia)).toEqual(['lead-dach', 'lead-nordics', 'lead-nordics-waiting']);
    expect(await leadIds(max)).toEqual(['lead-west']);
  });

  it('lists the tasks of the reps of both managed teams', async () => {
    expect(await taskIds(mia)).toEqual(['task-lead-dach', 'task-lead-nordics']);
    expect(await taskIds(max)).toEqual(['task-lead-west']);
  });

  it('lists the reps of both managed teams (whom she may reassign to), not other teams\'', async () => {
    const users = (await stack.app.inject({ url: '/api/users?limit=200', headers: mia })).json() as { items: { id: string }[] };
    const ids = users.items.map((u) => u.id);
    expect(ids).toEqual(expect.arrayContaining(['u-anna', 'u-ben', 'u-carla']));
    expect(ids).not.toContain('u-dario');
  });

  it('escalates a Nordics lead to its team\'s manager, who can open it; the other manager cannot', async () => {
    const acts = createActivities({ sql: stack.db.sql, mailFrom: 'test@leadflow.local', appUrl: 'http://127.0.0.1' });
    const key = 'lead-nordics:qualification:1:contact-escalation:stage';
    const r = await acts.fireReminder({ leadId: 'lead-nordics', key, ruleSetId: 'reminder-default', rule: 'contact-escalation', recipient: 'manager', template: 'escalation', kind: 'contact_escalation' });
    expect(r.fired).toBe(true);

    const [mail] = await stack.db.sql<{ to_address: string }[]>`select to_address from mail_outbox where lead_id = 'lead-nordics' and template = 'escalation'`;
    expect(mail?.to_address).toBe('mia@leadflow.demo');
    const inbox = (await stack.app.inject({ url: '/api/tasks', headers: mia })).json() as { items: { id: string; leadId: string; ownerId: string; title: string }[] };
    const escalation = inbox.items.find((t) => t.leadId === 'lead-nordics' && t.ownerId === 'u-mia');
    expect(escalation?.title).toMatch(/Escalation/);

    const page = await stack.app.inject({ url: '/api/leads/lead-nordics', headers: mia });
    expect(page.statusCode).toBe(200);
    expect((page.json() as { lead: { ownerId: string } }).lead.ownerId).toBe('u-carla');
    expect((await stack.app.inject({ url: '/api/leads/lead-nordics', headers: max })).statusCode).toBe(404);
  });

  it('lets the manager act on a lead of her second team (the action reaches the workflow, not a 404)', async () => {
    // No workflow runs for these rows, so the action answers 409 "closed or gone" rather than 404 "not found":
    // the scope check passed.
    const res = await stack.app.inject({ method: 'POST', url: '/api/leads/lead-nordics/reassign', headers: mia, payload: { ownerId: 'u-anna' } });
    expect(res.statusCode).not.toBe(404);
    expect((await stack.app.inject({ method: 'POST', url: '/api/leads/lead-nordics/reassign', headers: max, payload: { ownerId: 'u-dario' } })).statusCode).toBe(404);
  });

  it('lets a manager reassign only to an active rep of a team she manages (422 naming ownerId otherwise)', async () => {
    for (const ownerId of ['u-dario', 'u-max', 'u-nobody']) {
      const res = await stack.app.inject({ method: 'POST', url: '/api/leads/lead-nordics/reassign', headers: mia, payload: { ownerId } });
      expect(res.statusCode, `${ownerId}: ${res.body}`).toBe(422);
      expect(res.json().problems[0].path).toBe('body.ownerId');
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

/** The admin pages' API: refusals with their reasons, and the audit trail of constants and the mail switch. */
describe('admin API', () => {
  let stack: TestStack;
  let admin: TestUser;
  let rep: TestUser;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, who: TestUser, payload?: unknown) =>
    stack.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const audits = (action: string, targetId?: string) =>
    stack.db.sql<{ actor_id: string; details: Record<string, unknown> }[]>`
      select actor_id, details from audit_log where action = ${action} ${targetId ? stack.db.sql`and target_id = ${targetId}` : stack.db.sql``} order by id`;

  beforeAll(async () => {
    stack = await createTestStack();
    admin = await createUser(stack.db.sql, { role: 'admin' });
    rep = await createUser(stack.db.sql, { role: 'rep' });
  });
  afterAll(async () => stack?.close());

  it('audits adding, renaming and deactivating a constant, and shows it in the audit log', async () => {
    const created = await call('PUT', '/api/constants/loss_reason/too_slow', admin, { label: 'Too slow', sort: 9 });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({ category: 'loss_reason', code: 'too_slow', label: 'Too slow', sort: 9, active: true });
    await call('PUT', '/api/constants/loss_reason/too_slow', admin, { label: 'Too slow to answer', sort: 9 });
    await call('PUT', '/api/constants/loss_reason/too_slow', admin, { label: 'Too slow to answer', sort: 9, active: false });
    // Saving the same values again changes nothing and adds no entry.
    await call('PUT', '/api/constants/loss_reason/too_slow', admin, { label: 'Too slow to answer', sort: 9, active: false });

    const log = (await call('GET', '/api/audit?targetType=constant&targetId=loss_reason/too_slow', admin)).json().items;
    expect(log.map((e: { action: string }) => e.action)).toEqual(['constant.deactivated', 'constant.updated', 'constant.created']);
    expect(log.every((e: { actorId: string }) => e.actorId === admin.id)).toBe(true);
    expect(log[1].details).toMatchObject({ from: { label: 'Too slow' }, to: { label: 'Too slow to answer' } });

    const listed = (await call('GET', '/api/constants', rep)).json().items.find((c: { code: string }) => c.code === 'too_slow');
    expect(listed).toMatchObject({ label: 'Too slow to answer', active: false });
  });

  it('refuses a constant whose code or label is bad, naming the field', async () => {
    const badCode = await call('PUT', '/api/constants/loss_reason/Too%20Slow', admin, { label: 'x' });
    expect(badCode.statusCode).toBe(400);
    expect(JSON.stringify(badCode.json())).toContain('lower-case letters');
    const noLabel = await call('PUT', '/api/constants/loss_reason/fine', admin, { label: '  ' });
    expect(noLabel.statusCode).toBe(400);
    expect(noLabel.json().problems.map((p: { path: string }) => p.path).join()).toContain('label');
    expect((await stack.db.sql`select 1 from constants where code = 'fine'`).length).toBe(0);
    expect((await call('PUT', '/api/constants/loss_reason/by_rep', rep, { label: 'Rep' })).statusCode).toBe(403);
  });

  it('deletes an unused constant but refuses one that records use, with the reason', async () => {
    await call('PUT', '/api/constants/product_interest/drones', admin, { label: 'Drones' });
    await call('PUT', '/api/constants/product_interest/gliders', admin, { label: 'Gliders' });
    await stack.db.sql`
      insert into leads (id, dedupe_key, source, name, product_interest, pipeline_id, pipeline_version)
      values ('lead-admin-1', 'admin-test-1', 'manual', 'Glider fan', 'gliders', 'default', 1), ('lead-admin-2', 'admin-test-2', 'manual', 'Other fan', 'gliders', 'default', 1)`;

    const refused = await call('DELETE', '/api/constants/product_interest/gliders', admin);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe('"Gliders" is used by 2 leads; deactivate it instead of deleting it');
    expect((await stack.db.sql`select 1 from constants where code = 'gliders'`).length).toBe(1);
    expect(await audits('constant.deleted', 'product_interest/gliders')).toHaveLength(0);

    expect((await call('DELETE', '/api/constants/product_interest/drones', admin)).statusCode).toBe(204);
    expect((await stack.db.sql`select 1 from constants where code = 'drones'`).length).toBe(0);
    const [entry] = await audits('constant.deleted', 'product_interest/drones');
    expect(entry).toMatchObject({ actor_id: admin.id, details: { label: 'Drones' } });
    expect((await call('DELETE', '/api/constants/product_interest/drones', admin)).statusCode).toBe(404);
  });

  it('reads the mail switch and audits each change of it', async () => {
    expect((await call('GET', '/api/settings/mail', admin)).json()).toEqual({ enabled: true });
    expect((await call('PUT', '/api/settings/mail', admin, { enabled: false })).json()).toEqual({ enabled: false });
    expect((await call('GET', '/api/settings/mail', admin)).json()).toEqual({ enabled: false });
    await call('PUT', '/api/settings/mail', admin, { enabled: false });
    await call('PUT', '/api/settings/mail', admin, { enabled: true });
    const off = await audits('mail.disabled');
    const on = await audits('mail.enabled');
    expect(off).toHaveLength(1);
    expect(off[0]).toMatchObject({ actor_id: admin.id, details: { from: true, to: false } });
    expect(on).toHaveLength(1);
    expect((await call('PUT', '/api/settings/mail', rep, { enabled: false })).statusCode).toBe(403);
    expect((await call('GET', '/api/settings/mail', admin)).json()).toEqual({ enabled: true });
  });

  it('refuses to disable or demote the last active admin, with the reason', async () => {
    await stack.db.sql`update users set active = false where role = 'admin' and id <> ${admin.id}`;
    const disabled = await call('PATCH', `/api/users/${admin.id}`, admin, { active: false });
    expect(disabled.statusCode).toBe(409);
    expect(disabled.json().message).toContain('last active admin');
    const demoted = await call('PATCH', `/api/users/${admin.id}`, admin, { role: 'ops' });
    expect(demoted.statusCode).toBe(409);
    expect((await call('DELETE', `/api/users/${admin.id}`, admin)).statusCode).toBe(409);
    const [me] = await stack.db.sql`select role, active from users where id = ${admin.id}`;
    expect(me).toEqual({ role: 'admin', active: true });
  });

  it('lets every user change their own notification setting, audited', async () => {
    const res = await call('PUT', '/api/me/notifications', rep, { notifyEmail: false });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: rep.id, notifyEmail: false });
    const [row] = await stack.db.sql`select notify_email from users where id = ${rep.id}`;
    expect(row!.notify_email).toBe(false);
    expect(await audits('user.notifications_changed', rep.id)).toHaveLength(1);
    expect((await call('PUT', '/api/me/notifications', rep, { notifyEmail: 'no' })).statusCode).toBe(400);
  });

  it('filters the audit log by action, actor and since', async () => {
    const created = await call('POST', '/api/users', admin, { email: 'new.rep@example.test', name: 'New Rep', role: 'rep' });
    expect(created.statusCode).toBe(201);
    expect(created.json().password).toEqual(expect.any(String));
    const byAction = (await call('GET', '/api/audit?action=user.created', admin)).json().items;
    expect(byAction.map((e: { targetId: string }) => e.targetId)).toContain(created.json().user.id);
    expect(byAction.every((e: { action: string }) => e.action === 'user.created')).toBe(true);
    const byActor = (await call('GET', `/api/audit?actor=${rep.id}`, admin)).json().items;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e: { actorId: string }) => e.actorId === rep.id)).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call('GET', `/api/audit?since=${encodeURIComponent(future)}`, admin)).json().items).toEqual([]);
  });
});

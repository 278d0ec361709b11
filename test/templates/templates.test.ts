import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailActivities } from '../../workers/mail/send-email.activity';
import type { ActivityDeps } from '../../workers/deps';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';

/** E-mail templates an admin edits: refusals naming the variable, preview on a lead, test send, and the mail activity using the edit. */
describe('e-mail templates API', () => {
  let stack: TestStack;
  let admin: TestUser;
  let rep: TestUser;
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, who: TestUser, payload?: unknown) =>
    stack.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  beforeAll(async () => {
    stack = await createTestStack();
    admin = await createUser(stack.db.sql, { role: 'admin' });
    rep = await createUser(stack.db.sql, { role: 'rep' });
    await stack.db.sql`
      insert into leads (id, dedupe_key, source, name, company, email, owner_id, score, grade, pipeline_id, pipeline_version)
      values ('lead-tpl-1', 'tpl-1', 'manual', 'Greta Gruber', 'Gruber Bau', 'greta@gruber.example', ${rep.id}, 72, 'A', 'default', 1),
             ('lead-tpl-2', 'tpl-2', 'manual', 'Other Rep Lead', null, null, null, 0, null, 'default', 1)`;
  });
  afterAll(async () => stack?.close());

  it('lists the built-in templates, stored in the database', async () => {
    const res = await call('GET', '/api/templates', rep);
    expect(res.statusCode).toBe(200);
    const names = res.json().items.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(['assignment', 'reminder', 'escalation', 'nurture', 'digest', 'thank_you']));
    const [{ n }] = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from mail_templates`;
    expect(n).toBe(names.length);
    expect(res.json().items.find((t: { name: string }) => t.name === 'assignment')).toMatchObject({ edited: false, updatedAt: null });
  });

  it('refuses a template with an unknown variable, naming it, and stores nothing', async () => {
    const before = (await call('GET', '/api/templates/assignment', admin)).json();
    const res = await call('PUT', '/api/templates/assignment', admin, { subject: 'Hi {{ lead.nmae }}', text: 'Dear {{ customer.name }}, {{ lead.name }}' });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain('unknown variable "lead.nmae"');
    expect(res.json().problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'subject', message: expect.stringContaining('lead.nmae') }),
      expect.objectContaining({ path: 'text', message: expect.stringContaining('"customer"') }),
    ]));
    expect((await call('GET', '/api/templates/assignment', admin)).json().subject).toBe(before.subject);
    const broken = await call('PUT', '/api/templates/assignment', admin, { subject: 'ok', text: '{% if lead.name %}never closed' });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().problems[0]).toMatchObject({ path: 'text', message: expect.stringContaining('not valid liquid') });
    expect((await call('PUT', '/api/templates/assignment', rep, { subject: 'x', text: 'y' })).statusCode).toBe(403);
    expect((await call('PUT', '/api/templates/no_such_template', admin, { subject: 'x', text: 'y' })).statusCode).toBe(404);
  });

  it('saves an edit, audits it, and previews it rendered on a real lead', async () => {
    const saved = await call('PUT', '/api/templates/assignment', admin, {
      subject: 'Your new lead: {{ lead.name }} ({{ lead.grade }})', text: 'Hello {{ recipient.name }}, call {{ lead.company }} today: {{ app_url }}/leads/{{ lead.id }}\n',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ edited: true, updatedBy: admin.id });
    const [entry] = await stack.db.sql<{ actor_id: string; details: { from: { subject: string }; to: { subject: string } } }[]>`
      select actor_id, details from audit_log where action = 'template.updated' and target_id = 'assignment'`;
    expect(entry).toMatchObject({ actor_id: admin.id, details: { to: { subject: 'Your new lead: {{ lead.name }} ({{ lead.grade }})' } } });
    expect(entry!.details.from.subject).toContain('New lead for you');

    const preview = await call('POST', '/api/templates/assignment/preview', admin, { leadId: 'lead-tpl-1' });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().subject).toBe('Your new lead: Greta Gruber (A)');
    expect(preview.json().text).toContain(`Hello ${rep.id}, call Gruber Bau today: http://`);
    expect(preview.json().text).toContain('/leads/lead-tpl-1');
    // Unsaved text from the editor is previewed without being stored, and checked the same way.
    const draft = await call('POST', '/api/templates/assignment/preview', admin, { leadId: 'lead-tpl-1', text: 'Score {{ lead.score }}' });
    expect(draft.json().text).toBe('Score 72');
    expect((await call('POST', '/api/templates/assignment/preview', admin, { leadId: 'lead-tpl-1', text: '{{ lead.scroe }}' })).json().message).toContain('lead.scroe');
    expect((await call('POST', '/api/templates/assignment/preview', admin, { leadId: 'missing' })).statusCode).toBe(404);
  });

  it('test-sends to the signed-in admin through the outbox exactly once per request', async () => {
    const requestId = randomUUID();
    const first = await call('POST', '/api/templates/assignment/test-send', admin, { leadId: 'lead-tpl-1', requestId });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: 'stored', to: admin.email, subject: '[Test] Your new lead: Greta Gruber (A)' });
    const again = await call('POST', '/api/templates/assignment/test-send', admin, { leadId: 'lead-tpl-1', requestId });
    expect(again.json().id).toBe(first.json().id);
    const rows = await stack.db.sql`select to_address, subject, status from mail_outbox where template = 'assignment' and to_address = ${admin.email}`;
    expect(rows).toHaveLength(1);
  });

  it('the mail activity renders the stored template, and the built-in one for templates never edited', async () => {
    const mail = createMailActivities({ sql: stack.db.sql, mailFrom: 'Leadflow <noreply@leadflow.local>', appUrl: 'http://app.test' } as ActivityDeps);
    await mail.sendEmail({ key: 'tpl-activity-1', leadId: 'lead-tpl-1', template: 'assignment', to: 'owner' });
    await mail.sendEmail({ key: 'tpl-activity-2', leadId: 'lead-tpl-1', template: 'escalation', to: 'owner' });
    const rows = await stack.db.sql<{ id: string; subject: string; body_text: string }[]>`select id, subject, body_text from mail_outbox where id like 'tpl-activity-%' order by id`;
    expect(rows[0]).toMatchObject({ subject: 'Your new lead: Greta Gruber (A)', body_text: `Hello ${rep.id}, call Gruber Bau today: http://app.test/leads/lead-tpl-1\n` });
    expect(rows[1]!.subject).toBe('Escalation: Greta Gruber is still not contacted');
  });

  it('offers account classes as a constant list', async () => {
    const items = (await call('GET', '/api/constants', rep)).json().items.filter((c: { category: string }) => c.category === 'account_class');
    expect(items.map((c: { code: string }) => c.code)).toEqual(['a', 'b', 'c']);
  });
});

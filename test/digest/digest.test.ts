import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DigestRunResult } from '../../engine/digest/types';
import { digestWorkflow } from '../../engine/digest/workflow';
import { findTemporalBinaries } from '../../runtime/temporal-cli';
import { installTemporalRuntime } from '../../runtime/temporal-runtime';
import { createActivities } from '../../workers/activities';
import { digestScheduleId, ensureDigestSchedule } from '../../workers/digest/schedule';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startSmtpServer } from '../helpers/smtp';
import { createTestStack, type TestStack } from '../helpers/stack';

const HOUR = 3_600_000;
/** The local calendar date and hour of an instant, straight from Intl (independent of the code under test). */
const local = (ms: number, timeZone: string) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' })
    .formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
};

async function insertLead(sql: TestDatabase['sql'], owner: string | null, team: string, name: string, company: string): Promise<string> {
  const id = `lead-${randomBytes(5).toString('hex')}`;
  await sql`insert into leads (id, dedupe_key, source, status, stage, name, company, pipeline_id, pipeline_version, owner_id, team_id)
            values (${id}, ${`email:${id}@digest.test`}, 'web', 'qualified', 'offer', ${name}, ${company}, 'default', 1, ${owner}, ${team})`;
  return id;
}

describe('daily digest: hourly runs over three days with a worker restart (time-skipping test server, real SMTP)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const taskQueue = `digest-${randomBytes(3).toString('hex')}`;
  const team = `team-digest-${randomBytes(2).toString('hex')}`;
  let code: string;
  /** A client that never skips time on its own: awaiting a result on the time-skipping client may jump years ahead. */
  let client: Client;
  const users: Record<'manager' | 'berlin' | 'newYork' | 'noMail' | 'off', TestUser> = {} as never;

  const startWorker = async (smtpUrl: string) => {
    worker = await Worker.create({
      connection: env.nativeConnection, taskQueue, workflowBundle: { code },
      activities: createActivities({ sql: db.sql, smtpUrl, mailFrom: 'Leadflow <digest@leadflow.test>', appUrl: 'http://127.0.0.1' }),
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
  };

  beforeAll(async () => {
    installTemporalRuntime('ERROR');
    const bins = findTemporalBinaries();
    env = await TestWorkflowEnvironment.createTimeSkipping(bins.testServer ? { server: { executable: { type: 'existing-path', path: bins.testServer } } } : {});
    db = await createTestDatabase();
    smtp = await startSmtpServer();
    code = readFileSync(inject('workflowBundlePath'), 'utf8');
    client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    users.manager = await createUser(db.sql, { role: 'manager', teamId: team, id: `u-mgr-${team}` });
    users.berlin = await createUser(db.sql, { role: 'rep', teamId: team, id: `u-berlin-${team}` });
    users.newYork = await createUser(db.sql, { role: 'rep', teamId: team, id: `u-ny-${team}` });
    users.noMail = await createUser(db.sql, { role: 'rep', teamId: team, id: `u-nomail-${team}` });
    users.off = await createUser(db.sql, { role: 'rep', teamId: team, id: `u-off-${team}` });
    await db.sql`update teams set manager_id = ${users.manager.id} where id = ${team}`;
    await db.sql`update users set time_zone = 'Europe/Berlin', digest_hour = 7 where id in ${db.sql([users.manager.id, users.berlin.id, users.noMail.id, users.off.id])}`;
    await db.sql`update users set time_zone = 'America/New_York', digest_hour = 8 where id = ${users.newYork.id}`;
    await db.sql`update users set email = '' where id = ${users.noMail.id}`;
    await db.sql`update users set digest_enabled = false where id = ${users.off.id}`;
    await startWorker(smtp.url);
  });
  afterAll(async () => {
    await stopWorker();
    await env?.teardown();
    await smtp?.stop();
    await db?.drop();
  });

  it('sends each rep and manager exactly one digest per local day at their hour, skips a rep without an address, and survives a restart, an SMTP outage and a catch-up run', async () => {
    // Start at the next 23:00 UTC, i.e. midnight in Berlin (no DST change in the 72 hours that follow).
    const t0 = await env.currentTimeMs();
    let h0 = Math.ceil(t0 / HOUR) * HOUR;
    while (new Date(h0).getUTCHours() !== 23) h0 += HOUR;
    const berlinDay1 = local(h0 + HOUR, 'Europe/Berlin').date;

    // The Berlin rep: a call due on day 1 at 10:00, a task that fell due the evening before, a sent offer, a lead nobody called.
    const ada = await insertLead(db.sql, users.berlin.id, team, 'Ada Lovelace', 'Analytical Engines');
    const bob = await insertLead(db.sql, users.berlin.id, team, 'Bob Builder', 'Bob & Co');
    await insertLead(db.sql, users.berlin.id, team, 'Cleo Nobodycalled', 'Quiet GmbH');
    await insertLead(db.sql, null, team, 'Dora Unassigned', 'Waiting AG');
    await db.sql`insert into tasks (id, lead_id, owner_id, kind, title, due_at, created_at) values
      (${`t-ada-${team}`}, ${ada}, ${users.berlin.id}, 'follow_up', 'Call Ada about the pilot', ${new Date(h0 + 10 * HOUR)}, ${new Date(t0)}),
      (${`t-bob-${team}`}, ${bob}, ${users.berlin.id}, 'follow_up', 'Send the brochure to Bob', ${new Date(h0 - 8 * HOUR)}, ${new Date(t0)})`;
    await db.sql`insert into offers (id, lead_id, version, status, total, sent_at) values (${`off-${team}`}, ${bob}, 1, 'sent', 1234.5, ${new Date(t0)})`;

    await env.sleep(h0 - (await env.currentTimeMs()));
    // A run started the way the schedule starts it (no arguments: the workflow takes the hour from its own clock);
    // time moves on in 10 s steps while it runs, so activity retries back off as they would.
    const start = (workflowId: string) => client.workflow.start(digestWorkflow, { taskQueue, workflowId, args: [] });
    const finish = async (handle: WorkflowHandle<typeof digestWorkflow>) => {
      while ((await handle.describe()).status.name === 'RUNNING') await env.sleep(10_000);
      return handle.result();
    };
    const results: DigestRunResult[] = [];
    for (let i = 0; i < 72; i++) {
      const id = `digest-${team}-${i}`;
      const hourStart = h0 + i * HOUR;
      if (i === 31) {
        // 07:00 in Berlin on day 2: the worker dies and comes back with the SMTP server unreachable, so the Berlin
        // digests fail after their retries; then it restarts healthy and a catch-up run of the same hour sends them.
        await stopWorker();
        const pending = await start(id);
        await startWorker('smtp://127.0.0.1:1');
        results.push(await finish(pending));
        await stopWorker();
        await startWorker(smtp.url);
        results.push(await finish(await start(`${id}-catch-up`)));
        results.push(await finish(await start(`${id}-overlap`)));
      } else {
        results.push(await finish(await start(id)));
      }
      await env.sleep(hourStart + HOUR - (await env.currentTimeMs()));
    }

    // Expected: for every user, each local date on which their digest hour came during the runs.
    const runInstants = Array.from({ length: 72 }, (_, i) => h0 + i * HOUR);
    const expectedDates = (tz: string, hour: number) => [...new Set(runInstants.map((t) => local(t, tz)).filter((l) => l.hour >= hour).map((l) => l.date))];
    const received = (address: string) => smtp.mails.filter((m) => m.to.includes(address))
      .map((m) => /^Subject: .*?(\d{4}-\d{2}-\d{2})/m.exec(m.raw)?.[1]);
    const berlinDates = expectedDates('Europe/Berlin', 7);
    expect(berlinDates).toHaveLength(3);
    expect(received(users.berlin.email).sort()).toEqual(berlinDates);
    expect(received(users.manager.email).sort()).toEqual(berlinDates);
    expect(received(users.newYork.email).sort()).toEqual(expectedDates('America/New_York', 8));
    expect(received(users.off.email)).toEqual([]);
    expect(smtp.mails).toHaveLength(berlinDates.length * 2 + expectedDates('America/New_York', 8).length);

    // Berlin digests go out at 07:00 Berlin time (06:00 UTC); on day 2 by the catch-up run within the same hour.
    const sentAt = (userId: string) => results.flatMap((r) => r.sent.filter((s) => s.userId === userId).map(() => local(Date.parse(r.at), 'Europe/Berlin').hour));
    expect(sentAt(users.berlin.id)).toEqual([7, 7, 7]);
    expect(results[31]!.failed.map((f) => f.userId).sort()).toEqual([users.berlin.id, users.manager.id].sort());
    expect(results[32]!.sent.map((s) => s.userId).sort()).toEqual([users.berlin.id, users.manager.id].sort());
    expect(results[33]!.sent).toEqual([]);

    // The rep without an address: skipped once per day with the reason, never retried, never mailed.
    const skipped = results.flatMap((r) => r.skipped.filter((s) => s.userId === users.noMail.id));
    expect(skipped.map((s) => s.localDate)).toEqual(berlinDates);
    expect(skipped[0]!.reason).toMatch(/no e-mail address/);
    const rows = await db.sql<{ status: string; error: string }[]>`select status, error from mail_outbox where id like ${`digest:${users.noMail.id}:%`}`;
    expect(rows.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);

    // What day 1 says to the Berlin rep and to their manager.
    const [day1] = await db.sql<{ body_text: string; body_html: string }[]>`select body_text, body_html from mail_outbox where id = ${`digest:${users.berlin.id}:${berlinDay1}`}`;
    const section = (text: string, title: string) => text.split(/\n(?=\S)/).find((s) => s.startsWith(title)) ?? '';
    expect(section(day1!.body_text, 'Contact today')).toContain('Call Ada about the pilot: Ada Lovelace (Analytical Engines)');
    expect(section(day1!.body_text, 'Forgotten yesterday')).toContain('Send the brochure to Bob');
    expect(section(day1!.body_text, 'No contact for a week')).toContain('Cleo Nobodycalled');
    expect(section(day1!.body_text, 'Offers awaiting confirmation')).toContain('Bob Builder (Bob & Co): offer v1, 1234.5 EUR');
    expect(day1!.body_html).toContain('Bob &amp; Co');
    const [mgr] = await db.sql<{ body_text: string }[]>`select body_text from mail_outbox where id = ${`digest:${users.manager.id}:${berlinDay1}`}`;
    expect(section(mgr!.body_text, 'Your team')).toContain(`${users.berlin.id}: 1 due today, 1 overdue, 3 without contact for a week, 1 offers awaiting confirmation`);
    expect(section(mgr!.body_text, 'Your team')).toContain('Leads waiting for an owner: 1');
  });
});

describe('digest settings, preview and schedule (API on the dev server)', () => {
  let stack: TestStack;
  let rep: TestUser;
  beforeAll(async () => {
    stack = await createTestStack();
    rep = await createUser(stack.db.sql, { role: 'rep', teamId: 'team-preview' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses a bad hour or time zone naming the field and changes nothing', async () => {
    for (const [body, field] of [[{ enabled: true, hour: 24, timeZone: 'Europe/Berlin' }, 'hour'], [{ enabled: true, hour: 7, timeZone: 'Mars/Olympus' }, 'timeZone']] as const) {
      const res = await stack.app.inject({ method: 'PUT', url: '/api/me/digest', headers: rep.headers, payload: body });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(field);
    }
    const res = await stack.app.inject({ method: 'GET', url: '/api/me/digest', headers: rep.headers });
    expect(res.json()).toEqual({ enabled: true, hour: 7, timeZone: 'UTC' });
  });

  it('stores the setting and previews today\'s digest with the tasks due today and long overdue', async () => {
    const put = await stack.app.inject({ method: 'PUT', url: '/api/me/digest', headers: rep.headers, payload: { enabled: false, hour: 6, timeZone: 'Asia/Tokyo' } });
    expect(put.statusCode).toBe(200);
    expect((await stack.app.inject({ method: 'GET', url: '/api/me/digest', headers: rep.headers })).json()).toEqual({ enabled: false, hour: 6, timeZone: 'Asia/Tokyo' });

    const lead = await insertLead(stack.db.sql, rep.id, 'team-preview', 'Pia Preview', 'Preview KG');
    await stack.db.sql`insert into tasks (id, lead_id, owner_id, kind, title, due_at) values
      (${`t-now-${rep.id}`}, ${lead}, ${rep.id}, 'follow_up', 'Phone Pia now', now()),
      (${`t-old-${rep.id}`}, ${lead}, ${rep.id}, 'follow_up', 'Old promise to Pia', now() - interval '4 days')`;
    const res = await stack.app.inject({ method: 'GET', url: '/api/me/digest/preview', headers: rep.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.localDate).toBe(local(Date.now(), 'Asia/Tokyo').date);
    expect(body.enabled).toBe(false);
    expect(body.digest.today.map((t: { title: string }) => t.title)).toEqual(['Phone Pia now']);
    expect(body.digest.overdueEarlier.map((t: { title: string }) => t.title)).toEqual(['Old promise to Pia']);
    expect(body.subject).toContain(body.localDate);
    expect(body.text).toContain('Phone Pia now');
    expect(body.html).toContain('<h3>Contact today (1)</h3>');

    expect((await stack.app.inject({ method: 'GET', url: '/api/me/digest/preview' })).statusCode).toBe(401);
  });

  it('creates the hourly digest schedule once and brings it up to date on the next start', async () => {
    await ensureDigestSchedule(stack.client, stack.taskQueue);
    await ensureDigestSchedule(stack.client, stack.taskQueue);
    const handle = stack.client.schedule.getHandle(digestScheduleId(stack.taskQueue));
    try {
      const d = await handle.describe();
      expect(d.spec.intervals?.map((i) => i.every)).toEqual([HOUR]);
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'digestWorkflow', taskQueue: stack.taskQueue });
    } finally {
      await handle.delete();
    }
  });
});

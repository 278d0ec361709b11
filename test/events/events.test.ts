import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { saveTemplate } from '../../db/templates';
import { createUser, type TestUser } from '../helpers/auth';
import { saveHistory } from '../helpers/histories';
import { seedDefaults } from '../helpers/seed';
import { startSmtpServer } from '../helpers/smtp';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';

type TimelineEvent = { id: number; type: string; context: Record<string, unknown>; cause: { matched?: unknown[] } | null };
type LeadPage = { lead: { score: number; grade: string | null; stage: string }; events: TimelineEvent[] };

/** Quoted-printable as nodemailer writes it: soft line breaks and =XX escapes. */
const unQp = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

describe('behavioural events and continuous scoring', () => {
  let stack: TestStack;
  let admin: TestUser;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let keyA: string;
  let keyB: string;
  let leadA: string;
  let nurtured = '';

  const newKey = async (name: string) =>
    (await stack.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.headers, payload: { name } })).json<{ key: string }>().key;
  const send = (key: string, payload: Record<string, unknown>) =>
    stack.app.inject({ method: 'POST', url: '/api/events', headers: { 'x-api-key': key }, payload });
  const page = async (leadId: string) => (await stack.app.inject({ url: `/api/leads/${leadId}`, headers: admin.headers })).json<LeadPage>();
  const at = (minutesAgo = 1) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  beforeAll(async () => {
    smtp = await startSmtpServer();
    stack = await createTestStack({ env: { PARTNER_RATE_LIMIT: '15', SMTP_URL: smtp.url } });
    await seedDefaults(stack.db.sql);
    admin = await createUser(stack.db.sql, { role: 'admin' });
    await stack.startWorker();
    keyA = await newKey('Partner A');
    keyB = await newKey('Partner B');
    // Partner A's lead: scored on capture (FR + small company + one form = 8 + 3 + 6 + partner 8 = 25, grade C).
    const r = await stack.app.inject({
      method: 'POST', url: '/api/partners/leads', headers: { 'x-api-key': keyA },
      payload: { name: 'Bea Behaviour', email: 'bea@behaviour-sa.fr', country: 'FR', companySize: 20 },
    });
    expect(r.statusCode, r.body).toBe(202);
    leadA = r.json<{ leadId: string }>().leadId;
    await eventually(async () => (await page(leadA)).events?.some((e) => e.type === 'scored'));
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await smtp?.stop();
  });

  // Phone dedupe through the capture API (the signed-in route: the same code path as the web form and the partner API).
  const capture = (payload: Record<string, unknown>) => stack.app.inject({ method: 'POST', url: '/api/leads', headers: admin.headers, payload });

  it('five concurrent captures of one person in national and international form make one lead', async () => {
    const written = ['030 9876543', '+49 30 9876543', '0049 30 9876543', '+49 (0)30 987 65 43', '030/987-6543'];
    const answers = await Promise.all(written.map((phone, i) => capture({ name: `Nat ${i}`, phone, country: i % 2 ? undefined : 'DE' })));
    for (const a of answers) expect(a.statusCode, a.body).toBe(202);
    const ids = new Set(answers.map((a) => (a.json() as { leadId: string }).leadId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !(a.json() as { duplicate: boolean }).duplicate)).toHaveLength(1);
    const [leadId] = [...ids];
    const lead = await eventually(async () => (await stack.db.sql<{ phone: string }[]>`select phone from leads where id = ${leadId!}`)[0]);
    expect(lead.phone).toBe('+49309876543');
    expect((await stack.db.sql`select 1 from leads where phone = '+49309876543'`).length).toBe(1);
  });

  it('an invalid number is refused with 422 naming phone and the reason; nothing is written', async () => {
    const before = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from capture_inbox`;
    const r = await capture({ name: 'Nowhere', phone: '030 1234567' }); // no country: the default country reads it
    expect(r.statusCode).toBe(202);
    const bad = await capture({ name: 'Bad', phone: '+49 30 1', email: undefined, country: 'DE' });
    expect(bad.statusCode).toBe(400); // too few digits: refused by the body schema
    const wrong = await capture({ name: 'Wrong', phone: '+1 555 0000 0000 000', country: 'US' });
    expect(wrong.statusCode, wrong.body).toBe(422);
    expect(wrong.json()).toMatchObject({ message: expect.stringMatching(/^phone: /) });
    expect(JSON.stringify(wrong.json())).toContain('body.phone');
    const after = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from capture_inbox`;
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  });

  it('a person claimed before E.164 (national digits) is still found', async () => {
    await stack.db.sql`insert into leads (id, dedupe_key, source, name, phone, country, pipeline_id, pipeline_version)
      values ('lead-legacy-phone', 'phone:0401112233', 'manual', 'Legacy', '0401112233', 'DE', 'default', 1)`;
    await stack.db.sql`insert into person_claims (kind, value, lead_id) values ('phone', '0401112233', 'lead-legacy-phone') on conflict do nothing`;
    const r = await capture({ name: 'Legacy again', phone: '+49 40 111 22 33' });
    expect(r.json()).toMatchObject({ leadId: 'lead-legacy-phone', duplicate: true });
    // The same national digits in another country are another person.
    const other = await capture({ name: 'Not legacy', phone: '040 111 22 33', country: 'NL' });
    expect(other.statusCode, other.body).toBe(202);
    expect(other.json()).toMatchObject({ duplicate: false });
  });

  it('refuses a bad body naming the field, before anything is stored', async () => {
    const base = { eventId: 'bad-1', leadId: leadA, type: 'page_visit', occurredAt: at() };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, eventId: undefined }, 'eventId'],
      [{ ...base, type: 'email_bounce' }, 'type'],
      [{ ...base, occurredAt: 'yesterday' }, 'occurredAt'],
      [{ ...base, occurredAt: new Date(Date.now() + 86_400_000).toISOString() }, 'occurredAt'],
      [{ ...base, email: 'bea@behaviour-sa.fr' }, 'leadId'],
      [{ ...base, extra: 1 }, ''],
    ];
    for (const [body, field] of cases) {
      const r = await send(keyA, body);
      expect(r.statusCode, r.body).toBe(400);
      if (field) expect(r.body, JSON.stringify(body)).toContain(field);
    }
    expect((await stack.db.sql`select 1 from behaviour_events`).length).toBe(0);
  });

  it('answers the same 404 for a lead that does not exist and one this key did not capture', async () => {
    const missing = await send(keyB, { eventId: 'x-1', leadId: 'lead-does-not-exist', type: 'page_visit', occurredAt: at() });
    const foreign = await send(keyB, { eventId: 'x-2', leadId: leadA, type: 'page_visit', occurredAt: at() });
    expect(missing.statusCode).toBe(404);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json<{ message: string }>().message).toBe(missing.json<{ message: string }>().message);
    const byMail = await send(keyB, { eventId: 'x-3', email: 'bea@behaviour-sa.fr', type: 'page_visit', occurredAt: at() });
    const noMail = await send(keyB, { eventId: 'x-4', email: 'nobody@nowhere.example', type: 'page_visit', occurredAt: at() });
    expect(byMail.statusCode).toBe(404);
    expect(byMail.json<{ message: string }>().message).toBe(noMail.json<{ message: string }>().message);
    expect(await send('lfk_not-a-key', { eventId: 'x-5', leadId: leadA, type: 'page_visit', occurredAt: at() }).then((r) => r.statusCode)).toBe(401);
  });

  it('a burst of events raises the score once, with the why on the timeline; a repeated event id counts once', async () => {
    const before = (await page(leadA)).lead.score;
    const first = await send(keyA, { eventId: 'evt-open-1', email: 'bea@behaviour-sa.fr', type: 'email_open', occurredAt: at(3), details: { campaign: 'spring' } });
    expect(first.statusCode, first.body).toBe(202);
    const again = await send(keyA, { eventId: 'evt-open-1', email: 'bea@behaviour-sa.fr', type: 'email_open', occurredAt: at(3), details: { campaign: 'spring' } });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['x-event-repeat']).toBe('true');
    for (const [id, type] of [['evt-click-1', 'email_click'], ['evt-web-1', 'webinar_attended']]) {
      expect((await send(keyA, { eventId: id, leadId: leadA, type, occurredAt: at(2) })).statusCode).toBe(202);
    }
    const rescoredNow = async () => (await page(leadA)).events.filter((e) => e.type === 'scored' && e.context.rescore);
    await eventually(async () => (await rescoredNow()).length > 0, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // a second re-score would have come by now
    const rescored = await rescoredNow();
    expect((await stack.db.sql`select 1 from behaviour_events where lead_id = ${leadA}`).length).toBe(3);
    const p = await page(leadA);
    expect(p.events.filter((e) => e.type === 'behaviour').map((e) => e.context.type)).toEqual(['email_open', 'email_click', 'webinar_attended']);
    // One re-score for the burst (the three events arrived within the coalescing window).
    expect(rescored).toHaveLength(1);
    const why = rescored[0]!;
    expect(why.context.previousScore).toBe(before);
    expect(why.context.score).toBe(before + 5 + 10 + 12);
    expect(p.lead.score).toBe(before + 27);
    const rules = (why.context.points as { rule: string }[]).map((x) => x.rule);
    expect(rules).toEqual(expect.arrayContaining(['email-opened', 'email-link-clicked', 'webinar-attendee']));
    expect((why.context.trigger as { type: string }[]).map((t) => t.type).sort()).toEqual(['email_click', 'email_open', 'webinar_attended']);
  });

  it('the rate limit counts per key: one key over it gets 429, another key goes on', async () => {
    const keyC = await newKey('Partner C (noisy)');
    const codes: number[] = [];
    for (let i = 0; i < 16; i++) codes.push((await send(keyC, { eventId: `c-${i}`, leadId: 'lead-nope', type: 'page_visit', occurredAt: at() })).statusCode);
    expect(codes.slice(0, 15).every((c) => c === 404)).toBe(true);
    expect(codes[15]).toBe(429);
    expect((await send(keyB, { eventId: 'b-after', leadId: 'lead-nope', type: 'page_visit', occurredAt: at() })).statusCode).toBe(404);
  });

  it('tracks the nurture mail sent over SMTP: the pixel and the click raise the grade and send the lead back to qualification', async () => {
    await saveTemplate(stack.db.sql, {
      name: 'nurture', subject: 'A guide for {{ lead.name }}', by: admin.id, html: null,
      text: 'Hello {{ lead.name }},\n\nour guide: https://www.example.com/guide?topic=crm&lang=fr\n',
    });
    // FR + small company + one form = 17: nurtured (grade C); an open (+5) and a click (+10) make 32, grade B.
    const r = await stack.app.inject({ method: 'POST', url: '/api/leads', headers: admin.headers, payload: { name: 'Nora Nurture', email: 'nora@nurture-sarl.fr', country: 'FR', companySize: 20 } });
    expect(r.statusCode, r.body).toBe(202);
    const leadId = r.json<{ leadId: string }>().leadId;
    const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes('nora@nurture-sarl.fr')), 30_000);
    const body = unQp(mail.raw);
    const pixel = /https?:\/\/[^"\s]+\/api\/track\/open\/[A-Za-z0-9_.-]+\.gif/.exec(body)?.[0];
    const click = /https?:\/\/[^"\s]+\/api\/track\/click\/[A-Za-z0-9_.-]+/.exec(body)?.[0];
    expect(pixel, body).toBeTruthy();
    expect(click, body).toBeTruthy();
    expect(body).not.toContain('href="https://www.example.com'); // every link goes through the redirect
    expect(body).toContain('our guide: http://127.0.0.1/api/track/click/'); // in the text part too
    expect((await page(leadId)).lead).toMatchObject({ stage: 'nurturing', grade: 'C' });

    const path = (u: string) => new URL(u).pathname;
    const open = await stack.app.inject({ url: path(pixel!) });
    expect(open.statusCode).toBe(200);
    expect(open.headers['content-type']).toBe('image/gif');
    const go = await stack.app.inject({ url: path(click!) });
    expect(go.statusCode).toBe(302);
    expect(go.headers.location).toBe('https://www.example.com/guide?topic=crm&lang=fr');

    // Tampered tokens: the click is 404 (no open redirect), the pixel still answers a GIF and records nothing.
    expect((await stack.app.inject({ url: `${path(click!)}x` })).statusCode).toBe(404);
    const forged = path(click!).replace(/\.(\d+)\./, (_, i: string) => `.${Number(i) + 1}.`);
    expect((await stack.app.inject({ url: forged })).statusCode).toBe(404);
    const badPixel = await stack.app.inject({ url: '/api/track/open/bm9wZQ.AAAA.gif' });
    expect(badPixel.statusCode).toBe(200);
    expect(badPixel.headers['content-type']).toBe('image/gif');

    const back = await eventually(async () => {
      const p = await page(leadId);
      return p.lead.stage === 'qualification' ? p : undefined;
    }, 30_000);
    const scored = back.events.filter((e) => e.type === 'scored' && e.context.rescore);
    expect(scored.at(-1)!.context).toMatchObject({ previousGrade: 'C', grade: 'B' });
    expect(back.events.filter((e) => e.type === 'behaviour').map((e) => e.context.type)).toEqual(['email_open', 'email_click']);
    // Opening again (a mail client reloading images) is the same event.
    await stack.app.inject({ url: path(pixel!) });
    expect((await stack.db.sql`select 1 from behaviour_events where lead_id = ${leadId}`).length).toBe(2);
    nurtured = leadId;
  }, 90_000);

  it('a lead that re-scored replays its history without non-determinism (and a bad signal is refused, the lead goes on)', async () => {
    await stack.client.workflow.getHandle(nurtured).signal('behaviour', { eventId: '', type: 'teleport', at: 'never', source: 'test' });
    const refused = await eventually(async () => (await page(nurtured)).events.find((e) => e.type === 'behaviour_refused'));
    expect(refused.context.reason).toBe('the event has no id');
    const history = await stack.client.workflow.getHandle(nurtured).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') } }, history, nurtured);
    await saveHistory(stack, nurtured, 'lead-rescored'); // replayed again by test/lifecycle/replay.test.ts
    // Still alive: it answers queries after the bad signal.
    expect((await stack.client.workflow.getHandle(nurtured).query<{ stage: string }>('getLead')).stage).toBe('qualification');
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { loadConfig } from '../../runtime/config';
import { freePort, startTemporalDevServer, type DevServer } from '../../runtime/temporal-dev-server';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestDatabase, usingServer, type TestDatabase } from '../helpers/database';
import { seedDefaults } from '../helpers/seed';
import { eventually } from '../helpers/stack';
import { startEntry, stopAllStarted, within, type EntryProcess } from './helpers/processes';

const LEADS = 400;
const CONCURRENCY = 16;
const RATE = 10;
const COUNTRIES = ['DE', 'AT', 'CH', 'SE', 'FR', 'NL', 'US', 'GB'];

interface Outcome {
  email: string;
  status: number;
  leadId?: string;
}

// The worker runs in a process of its own (so it can be SIGKILLed) next to the API in this process: both need their
// own database connections, which embedded PGlite (one connection) cannot serve. CI runs this with DATABASE_URL.
describe.skipIf(!usingServer)('captures under load while the worker and the Temporal dev server are SIGKILLed and restarted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lf-kill-load-'));
  const taskQueue = `faults-${randomBytes(4).toString('hex')}`;
  const run = randomBytes(3).toString('hex');
  let port: number;
  let server: DevServer;
  let db: TestDatabase;
  let connection: Connection;
  let app: FastifyInstance;
  let admin: TestUser;
  let worker: EntryProcess;

  const devServer = () => startTemporalDevServer({ dbFile: join(dir, 'temporal.db'), pidFile: join(dir, 'temporal.pid'), port, headless: true });

  async function startWorker(): Promise<EntryProcess> {
    const w = startEntry('workers/main.ts', {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: db.url, LOG_LEVEL: 'warn', DATA_DIR: dir,
    });
    await w.waitFor(/\[worker\] polling task queue/, 120_000);
    return w;
  }

  beforeAll(async () => {
    port = await freePort();
    server = await devServer();
    db = await createTestDatabase();
    await seedDefaults(db.sql);
    // Enough room for every lead: this test is about crashes, not about full reps (test/faults/unassigned.test.ts).
    await db.sql`update users set capacity = 100000 where role = 'rep'`;
    admin = await createUser(db.sql, { role: 'admin' });
    const config = loadConfig({ TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: db.url, LOG_LEVEL: 'silent', DATA_DIR: dir });
    connection = await Connection.connect({ address: server.address });
    app = await buildApp({ sql: db.sql, temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), config });
    await app.ready();
    worker = await startWorker();
  });

  afterAll(async () => {
    await stopAllStarted();
    await app?.close();
    await connection?.close();
    await server?.stop();
    await db?.drop();
  });

  it('every acknowledged capture becomes exactly one lead with one owner, one first-contact task and one assignment e-mail', async () => {
    const outcomes: Outcome[] = [];
    const capture = async (i: number): Promise<Outcome> => {
      const email = `person-${run}-${i}@load${i % 37}.example.com`;
      try {
        const res = await app.inject({
          method: 'POST', url: '/api/leads', headers: admin.headers,
          payload: { name: `Load Person ${i}`, email, company: `Load ${i % 37} GmbH`, country: COUNTRIES[i % COUNTRIES.length], companySize: 10 + (i % 500) },
        });
        return { email, status: res.statusCode, leadId: res.statusCode === 202 ? (res.json() as { leadId: string }).leadId : undefined };
      } catch {
        return { email, status: 0 };
      }
    };
    // An open-loop load of about 10 captures a second (at most CONCURRENCY in flight), so it lasts through both faults.
    const load = (async () => {
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; i < LEADS; i++) {
        while (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
        const p: Promise<void> = capture(i).then((o) => {
          outcomes.push(o);
          inFlight.delete(p);
        });
        inFlight.add(p);
        await new Promise((r) => setTimeout(r, 1000 / RATE));
      }
      await Promise.all(inFlight);
    })();
    const acked = () => outcomes.filter((o) => o.status === 202).length;

    // Fault 1: the worker dies mid-load (SIGKILL: no shutdown, activities in flight) and is started again.
    expect(await within(60_000, () => acked() >= LEADS * 0.15)).toBe(true);
    worker.child.kill('SIGKILL');
    await worker.exited;
    worker = await startWorker();

    // Fault 2: the Temporal dev server dies mid-load (SIGKILL) and is started again on its SQLite file; the worker
    // and the API's client find it again by themselves.
    expect(await within(90_000, () => acked() >= LEADS * 0.6)).toBe(true);
    expect(outcomes.length, 'the load ended before the dev server was killed').toBeLessThan(LEADS);
    const killedPid = server.pid!;
    process.kill(killedPid, 'SIGKILL');
    await server.stop();
    await new Promise((r) => setTimeout(r, 1000));
    server = await devServer();
    expect(server.pid).not.toBe(killedPid);

    await load;
    expect(worker.child.exitCode ?? worker.child.signalCode, `the worker died with the dev server:\n${worker.output().slice(-2000)}`).toBeNull();
    const ok = outcomes.filter((o) => o.status === 202);
    const refused = outcomes.filter((o) => o.status !== 202);
    expect(outcomes).toHaveLength(LEADS);
    // With Postgres up the API accepts every capture at once; anything else it answered must be a clean refusal.
    expect(refused.filter((o) => o.status !== 503), JSON.stringify(refused.slice(0, 5))).toEqual([]);
    expect(ok.length).toBeGreaterThan(LEADS * 0.9);

    type Row = { id: string; email: string; owner_id: string | null; tasks: number; task_owners: number; mails: number };
    const rows = () => db.sql<Row[]>`
      select l.id, l.email, l.owner_id,
        (select count(*)::int from tasks t where t.lead_id = l.id and t.kind = 'first_contact') as tasks,
        (select count(*)::int from tasks t where t.lead_id = l.id and t.kind = 'first_contact' and t.owner_id = l.owner_id) as task_owners,
        (select count(*)::int from mail_outbox m where m.lead_id = l.id and m.template = 'assignment') as mails
      from leads l`;
    // Bounded: retried dispatches back off up to some seconds, and activities of the killed worker time out first.
    const done = await eventually(async () => {
      const r = await rows();
      return r.length >= ok.length && r.every((l) => l.owner_id && l.tasks >= 1 && l.mails >= 1) ? r : undefined;
    }, 240_000, 1000).catch(async (err: Error) => {
      const r = await rows();
      const pending = await db.sql`select count(*)::int as n, max(attempts) as attempts, max(last_error) as error from capture_inbox where dispatched_at is null`;
      throw new Error(`${err.message}; ${r.length} leads, ${r.filter((l) => !l.owner_id).length} without owner, `
        + `${r.filter((l) => l.tasks < 1).length} without task, ${r.filter((l) => l.mails < 1).length} without mail; inbox ${JSON.stringify(pending)}`);
    });
    // Give a duplicate that is still on its way (a replayed activity, a second dispatch) the chance to show up.
    await new Promise((r) => setTimeout(r, 3000));
    const final = await rows();
    const byEmail = new Map(final.map((l) => [l.email, l]));

    expect(final).toHaveLength(ok.length);
    expect(done.length).toBe(ok.length);
    for (const o of ok) {
      const lead = byEmail.get(o.email);
      expect(lead, `acknowledged capture ${o.email} has no lead`).toBeDefined();
      expect(lead).toMatchObject({ id: o.leadId, tasks: 1, task_owners: 1, mails: 1 });
      expect(lead!.owner_id).not.toBeNull();
    }
    // Nothing that was not acknowledged appears.
    for (const o of refused) expect(byEmail.has(o.email), `refused capture ${o.email} became a lead`).toBe(false);
    const [{ n: workflows }] = await db.sql<{ n: number }[]>`select count(distinct lead_id)::int as n from capture_inbox`;
    expect(workflows).toBe(ok.length);
  });
});

import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedPGliteServer } from '../../db/pglite-shared-server';

// The turn-taking of the embedded database: interactive clients (the API) go ahead of waiting batch clients (the
// worker), a batch client still gets its turn after `maxPriorityRun` interactive units, and an open transaction keeps
// the session for its client.
describe('SharedPGliteServer turns', () => {
  let db: PGlite;
  let server: SharedPGliteServer;
  let url: string;
  const clients: postgres.Sql[] = [];
  const connect = async (applicationName: string) => {
    const c = postgres(url, { max: 1, onnotice: () => undefined, connection: { application_name: applicationName } });
    clients.push(c);
    await c`select 1`;
    return c;
  };
  /** Waits (polling, no deadline of its own) until `n` units wait for their turn. */
  const queued = async (n: number) => {
    while (server.stats().queued < n) await new Promise((r) => setTimeout(r, 5));
  };
  /** Holds the session in an open transaction of a batch client until the returned release is called. */
  const hold = async () => {
    const holder = await connect('holder');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let begun!: () => void;
    const inside = new Promise<void>((r) => (begun = r));
    const done = holder.begin(async (tx) => {
      await tx`select 1`;
      begun();
      await gate;
    });
    await inside;
    return async () => {
      release();
      await done;
    };
  };

  beforeAll(async () => {
    db = await PGlite.create();
    server = new SharedPGliteServer(db, { interactive: ['api'], maxPriorityRun: 2 });
    url = `postgres://postgres@127.0.0.1:${await server.listen(0)}/postgres`;
    await db.exec('create table turn_log (seq serial primary key, who text not null)');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end({ timeout: 1 })));
    await server.stop();
    await db.close();
  });

  it('runs interactive units ahead of a waiting batch unit, and the batch unit after at most maxPriorityRun of them', async () => {
    await db.exec('truncate turn_log');
    const worker = await connect('worker');
    const apis = await Promise.all(Array.from({ length: 5 }, () => connect('api')));
    const release = await hold();
    const base = server.stats().queued;
    // The worker's unit is queued first, then five interactive ones; all wait behind the open transaction.
    const writes = [worker`insert into turn_log (who) values ('w')`.then(() => undefined)];
    await queued(base + 1);
    for (let i = 0; i < apis.length; i++) {
      writes.push(apis[i]!`insert into turn_log (who) values (${`a${i}`})`.then(() => undefined));
      await queued(base + 2 + i);
    }
    await release();
    await Promise.all(writes);
    const order = (await db.query<{ who: string }>('select who from turn_log order by seq')).rows.map((r) => r.who);
    expect(order).toEqual(['a0', 'a1', 'w', 'a2', 'a3', 'a4']);
    const stats = server.stats();
    expect(stats.interactive.units).toBeGreaterThan(0);
    expect(stats.batch.units).toBeGreaterThan(0);
    expect(stats.statements).toBeGreaterThanOrEqual(6);
    expect(stats.busyMs).toBeGreaterThan(0);
  });

  it('never starves a batch client under a steady stream of interactive units', async () => {
    await db.exec('truncate turn_log');
    const worker = await connect('worker');
    const api = await connect('api');
    // Prepared beforehand, so each connection pipelines its inserts (a first use waits for its describe).
    const insert = (c: postgres.Sql, who: string) => c`insert into turn_log (who) values (${who})`.then(() => undefined);
    await insert(worker, 'prepare');
    await insert(api, 'prepare');
    await db.exec('truncate turn_log');
    const release = await hold();
    const base = server.stats().queued;
    const writes: Promise<void>[] = [];
    // Three worker units, then twelve interactive ones: all wait at once behind the open transaction.
    for (let i = 0; i < 3; i++) writes.push(insert(worker, `w${i}`));
    await queued(base + 3);
    for (let i = 0; i < 12; i++) writes.push(insert(api, `a${i}`));
    await queued(base + 15);
    await release();
    await Promise.all(writes);
    const order = (await db.query<{ who: string }>('select who from turn_log order by seq')).rows.map((r) => r.who);
    expect(order).toEqual(['a0', 'a1', 'w0', 'a2', 'a3', 'w1', 'a4', 'a5', 'w2', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11']);
  });

  it('keeps the session for a client inside its transaction, whatever its priority', async () => {
    await db.exec('truncate turn_log');
    const worker = await connect('worker');
    const api = await connect('api');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let begun!: () => void;
    const inside = new Promise<void>((r) => (begun = r));
    const tx = worker.begin(async (t) => {
      await t`insert into turn_log (who) values ('w-begin')`;
      begun();
      await gate;
      await t`insert into turn_log (who) values ('w-end')`;
    });
    await inside;
    const base = server.stats().queued;
    // (a postgres.js query is sent when it is awaited or then-ed)
    const write = api`insert into turn_log (who) values ('a')`.then(() => undefined);
    await queued(base + 1);
    release();
    await Promise.all([tx, write]);
    const order = (await db.query<{ who: string }>('select who from turn_log order by seq')).rows.map((r) => r.who);
    expect(order).toEqual(['w-begin', 'w-end', 'a']);
  });
});

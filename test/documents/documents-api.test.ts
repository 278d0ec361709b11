import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultPipeline } from '../../db/pipelines';
import { sanitizeFileName } from '../../db/documents';
import { createUser, type TestUser } from '../helpers/auth';
import { createTestStack, type TestStack } from '../helpers/stack';
import { multipartFile, samples } from './multipart';

/** Documents on accounts, contacts, leads and offers: what may be uploaded, who sees and downloads it, deletion. */
describe('documents API', () => {
  let stack: TestStack;
  const u: Record<string, TestUser> = {};
  const upload = (who: TestUser, owner: string, name: string, content: Buffer | string) => {
    const body = multipartFile(name, content);
    return stack.app.inject({ method: 'POST', url: `/api/documents/${owner}`, headers: { ...who.headers, ...body.headers }, payload: body.payload });
  };
  const list = (who: TestUser, owner: string) => stack.app.inject({ url: `/api/documents/${owner}`, headers: who.headers });
  const stored = async () => (await stack.db.sql<{ n: number }[]>`select count(*)::int as n from documents`)[0]!.n;

  beforeAll(async () => {
    process.env.DOCUMENT_MAX_MB = '0.05'; // 52,428 bytes: a too-large upload stays cheap
    stack = await createTestStack();
    delete process.env.DOCUMENT_MAX_MB;
    const sql = stack.db.sql;
    await ensureDefaultPipeline(sql);
    u.anna = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-anna' });
    u.ben = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-ben' });
    u.carla = await createUser(sql, { role: 'rep', teamId: 'team-b', id: 'rep-carla' });
    u.mia = await createUser(sql, { role: 'manager', teamId: 'team-a', id: 'mgr-mia' });
    await sql`insert into accounts (id, name) values ('acc-acme', 'Acme AG'), ('acc-nord', 'Nordwerk')`;
    await sql`insert into contacts (id, account_id, name, email) values ('c-ada', 'acc-acme', 'Ada Acme', 'ada@acme.example')`;
    await sql`insert into leads (id, dedupe_key, source, status, owner_id, team_id, account_id, contact_id, name, pipeline_id, pipeline_version) values
      ('d-1', 'd-1', 'web', 'qualified', 'rep-anna', 'team-a', 'acc-acme', 'c-ada', 'Ada Acme', 'default', 1),
      ('d-2', 'd-2', 'web', 'open', 'rep-ben', 'team-a', 'acc-acme', null, 'Bo Acme', 'default', 1),
      ('d-3', 'd-3', 'web', 'open', 'rep-carla', 'team-b', 'acc-nord', null, 'Ed Nord', 'default', 1)`;
    await sql`insert into offers (id, lead_id, version, status, total) values ('of-1', 'd-1', 1, 'draft', 1000)`;
  });
  afterAll(async () => stack?.close());

  it('uploads a contract to an account; another rep who may see the account lists and downloads it under its name', async () => {
    const res = await upload(u.anna!, 'account/acc-acme', '../Rahmenvertrag: 2027?.pdf', samples.pdf);
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    expect(doc).toMatchObject({ ownerType: 'account', ownerId: 'acc-acme', name: 'Rahmenvertrag 2027.pdf', contentType: 'application/pdf', sizeBytes: samples.pdf.length });

    const listed = await list(u.ben!, 'account/acc-acme');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((d: { name: string }) => d.name)).toEqual(['Rahmenvertrag 2027.pdf']);

    const dl = await stack.app.inject({ url: `/api/documents/${doc.id}/content`, headers: u.ben!.headers });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toContain('filename="Rahmenvertrag 2027.pdf"');
    expect(dl.rawPayload.equals(samples.pdf)).toBe(true);
  });

  it('answers 404 to a rep of another team for the account, its documents and the download', async () => {
    const [doc] = (await list(u.anna!, 'account/acc-acme')).json().items;
    expect((await list(u.carla!, 'account/acc-acme')).statusCode).toBe(404);
    expect((await stack.app.inject({ url: `/api/documents/${doc.id}/content`, headers: u.carla!.headers })).statusCode).toBe(404);
    expect((await upload(u.carla!, 'account/acc-acme', 'x.pdf', samples.pdf)).statusCode).toBe(404);
    expect((await stack.app.inject({ method: 'DELETE', url: `/api/documents/${doc.id}`, headers: u.carla!.headers })).statusCode).toBe(404);
    // A lead, offer and contact follow the lead's rules: Ben (same team, not the owner) may not see Anna's lead.
    expect((await upload(u.ben!, 'lead/d-1', 'notes.txt', 'hello')).statusCode).toBe(404);
    expect((await upload(u.ben!, 'offer/of-1', 'notes.txt', 'hello')).statusCode).toBe(404);
    expect((await upload(u.mia!, 'offer/of-1', 'notes.txt', 'hello')).statusCode).toBe(201);
    expect((await upload(u.anna!, 'contact/c-ada', 'card.png', samples.png)).statusCode).toBe(201);
    expect((await list(u.carla!, 'contact/c-ada')).statusCode).toBe(404);
  });

  it('refuses a file that is too large with 413 naming the field, and keeps nothing', async () => {
    const before = await stored();
    const res = await upload(u.anna!, 'lead/d-1', 'big.csv', 'a,b\n'.repeat(20_000));
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/^file: larger than the limit of 52429 bytes/);
    expect(res.json().problems[0].path).toBe('file');
    expect(await stored()).toBe(before);
  });

  it('refuses a type outside the allow-list, and a file whose content does not match its extension', async () => {
    const before = await stored();
    const exe = await upload(u.anna!, 'lead/d-1', 'setup.exe', samples.exe);
    expect(exe.statusCode).toBe(422);
    expect(exe.json().message).toContain('type .exe is not accepted');
    expect(exe.json().problems[0].path).toBe('file.type');
    const disguised = await upload(u.anna!, 'lead/d-1', 'invoice.pdf', samples.exe);
    expect(disguised.statusCode).toBe(422);
    expect(disguised.json().message).toBe('file: the content is not a .pdf file');
    const noFile = await stack.app.inject({ method: 'POST', url: '/api/documents/lead/d-1', headers: { ...u.anna!.headers, 'content-type': 'application/json' }, payload: {} });
    expect(noFile.statusCode).toBe(422);
    expect(noFile.json().message).toContain('file');
    expect(await stored()).toBe(before);
  });

  it('deletes a document (uploader or manager) and records it in the audit log', async () => {
    const doc = (await upload(u.anna!, 'lead/d-1', 'price list.csv', samples.csv)).json();
    expect((await list(u.anna!, 'lead/d-1')).json().items.map((d: { name: string }) => d.name)).toContain('price list.csv');
    const del = await stack.app.inject({ method: 'DELETE', url: `/api/documents/${doc.id}`, headers: u.anna!.headers });
    expect(del.statusCode).toBe(204);
    expect((await list(u.anna!, 'lead/d-1')).json().items.map((d: { name: string }) => d.name)).not.toContain('price list.csv');
    const [entry] = await stack.db.sql<{ actor_id: string; details: { name: string } }[]>`select actor_id, details from audit_log where action = 'document.deleted' and target_id = ${doc.id}`;
    expect(entry).toMatchObject({ actor_id: 'rep-anna', details: { name: 'price list.csv', ownerType: 'lead', ownerId: 'd-1' } });
    // Ben may see the account but did not upload its contract: refused, still there.
    const [contract] = (await list(u.ben!, 'account/acc-acme')).json().items;
    expect((await stack.app.inject({ method: 'DELETE', url: `/api/documents/${contract.id}`, headers: u.ben!.headers })).statusCode).toBe(403);
    expect((await list(u.ben!, 'account/acc-acme')).json().items).toHaveLength(1);
  });

  it('sanitises names: no path, quotes or control characters, long names cut keeping the extension', () => {
    expect(sanitizeFileName('C:\\Users\\x\\Offer\u0000 v2.docx')).toBe('Offer v2.docx');
    const long = sanitizeFileName(`${'a'.repeat(300)}.xlsx`);
    expect(long).toHaveLength(120);
    expect(long.endsWith('.xlsx')).toBe(true);
  });
});

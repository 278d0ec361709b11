import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentSettingsFromEnv, documentStoreFromEnv, saveDocument } from '../../db/documents';
import { s3DocumentStore } from '../../db/document-store';
import { ConfigError, loadConfig } from '../../runtime/config';
import { startSystem } from '../../runtime/system';
import { bearerHeaders, createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { startSmtpServer } from '../helpers/smtp';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { multipartFile, samples } from './multipart';
import { startS3Server, type S3TestServer } from './s3-server';

/**
 * DOCUMENT_STORE=s3 against a real S3-compatible server: the bytes go to the bucket, the metadata stays in Postgres,
 * nothing is left half-written, and a bad configuration is refused at start naming the variable.
 */
describe('documents in an S3-compatible store', () => {
  let s3: S3TestServer;
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const bucket = 'leadflow-docs';
  const u: Record<string, TestUser> = {};
  const upload = (who: TestUser, owner: string, name: string, content: Buffer | string) => {
    const body = multipartFile(name, content);
    return stack.app.inject({ method: 'POST', url: `/api/documents/${owner}`, headers: { ...who.headers, ...body.headers }, payload: body.payload });
  };
  const objectBytes = async (key: string) => Buffer.from(await (await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
  const objectExists = async (key: string) => s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(() => true, (err: { $metadata?: { httpStatusCode?: number } }) => {
    if (err.$metadata?.httpStatusCode === 404) return false;
    throw err;
  });
  const objectCount = async () => (await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount ?? 0;
  const rowOf = async (id: string) => (await stack.db.sql<{ store: string; storage_key: string | null; has_content: boolean }[]>`
    select store, storage_key, content is not null as has_content from documents where id = ${id}`)[0];

  beforeAll(async () => {
    [s3, smtp] = await Promise.all([startS3Server(), startSmtpServer()]);
    await s3.createBucket(bucket);
    Object.assign(process.env, {
      DOCUMENT_STORE: 's3', S3_ENDPOINT: s3.endpoint, S3_BUCKET: bucket, S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: s3.credentials.accessKeyId, S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    });
    stack = await createTestStack({ env: { SMTP_URL: smtp.url } });
    const sql = stack.db.sql;
    await seedDefaults(sql);
    u.anna = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-s3-anna' });
    u.ben = await createUser(sql, { role: 'rep', teamId: 'team-a', id: 'rep-s3-ben' });
    u.carla = await createUser(sql, { role: 'rep', teamId: 'team-b', id: 'rep-s3-carla' });
    await sql`insert into accounts (id, name) values ('acc-s3', 'Acme Speicher AG')`;
    await sql`insert into leads (id, dedupe_key, source, status, owner_id, team_id, account_id, name, pipeline_id, pipeline_version) values
      ('s3-1', 's3-1', 'web', 'qualified', 'rep-s3-anna', 'team-a', 'acc-s3', 'Ada Speicher', 'default', 1),
      ('s3-2', 's3-2', 'web', 'open', 'rep-s3-ben', 'team-a', 'acc-s3', 'Bo Speicher', 'default', 1)`;
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
    await smtp?.stop();
    await s3?.stop();
  });

  it('uploads into the bucket (no bytes in Postgres), lists it, downloads the same bytes as another user, deletes row and object', async () => {
    const content = Buffer.concat([samples.pdf, Buffer.from(`% ${'x'.repeat(4000)}\n`)]);
    const res = await upload(u.anna!, 'account/acc-s3', 'Rahmenvertrag 2027.pdf', content);
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    expect(doc).toMatchObject({ ownerType: 'account', ownerId: 'acc-s3', name: 'Rahmenvertrag 2027.pdf', sizeBytes: content.length });

    const row = await rowOf(doc.id);
    expect(row).toMatchObject({ store: 's3', has_content: false });
    expect(row!.storage_key).toMatch(new RegExp(`^documents/${doc.id}/`));
    expect((await objectBytes(row!.storage_key!)).equals(content)).toBe(true);

    const listed = await stack.app.inject({ url: '/api/documents/account/acc-s3', headers: u.ben!.headers });
    expect(listed.json().items.map((d: { name: string }) => d.name)).toEqual(['Rahmenvertrag 2027.pdf']);
    const dl = await stack.app.inject({ url: `/api/documents/${doc.id}/content`, headers: u.ben!.headers });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toContain('filename="Rahmenvertrag 2027.pdf"');
    expect(dl.rawPayload.equals(content)).toBe(true);
    // The same access rules as in Postgres: a rep of another team gets 404 and no bytes.
    expect((await stack.app.inject({ url: `/api/documents/${doc.id}/content`, headers: u.carla!.headers })).statusCode).toBe(404);

    const del = await stack.app.inject({ method: 'DELETE', url: `/api/documents/${doc.id}`, headers: u.anna!.headers });
    expect(del.statusCode).toBe(204);
    expect(await rowOf(doc.id)).toBeUndefined();
    expect(await objectExists(row!.storage_key!)).toBe(false);
    const [entry] = await stack.db.sql<{ actor_id: string }[]>`select actor_id from audit_log where action = 'document.deleted' and target_id = ${doc.id}`;
    expect(entry?.actor_id).toBe('rep-s3-anna');
  });

  it('answers a missing object with 502 naming the document, and still deletes its row', async () => {
    const doc = (await upload(u.anna!, 'lead/s3-1', 'notes.txt', 'call back on Monday')).json();
    const key = (await rowOf(doc.id))!.storage_key!;
    await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const dl = await stack.app.inject({ url: `/api/documents/${doc.id}/content`, headers: u.anna!.headers });
    expect(dl.statusCode).toBe(502);
    expect(dl.json()).toMatchObject({ error: 'document_content_missing' });
    expect(dl.json().message).toBe('document "notes.txt": its content is missing from the document store (S3); an administrator has to restore it from a backup or delete it');
    expect(dl.body).not.toContain(s3.endpoint);
    expect((await stack.app.inject({ method: 'DELETE', url: `/api/documents/${doc.id}`, headers: u.anna!.headers })).statusCode).toBe(204);
    expect(await rowOf(doc.id)).toBeUndefined();
  });

  it('keeps nothing half-written: a row that fails deletes its object, a store that fails stores no row', async () => {
    const before = await objectCount();
    const store = documentStoreFromEnv();
    await expect(saveDocument(stack.db.sql, store, { ownerType: 'lead', ownerId: 's3-1', name: 'a.txt', contentType: 'text/plain', content: Buffer.from('hello'), createdBy: 'rep-s3-anna' }, async () => {
      throw new Error('audit failed');
    })).rejects.toThrow('audit failed');
    expect(await objectCount()).toBe(before);
    expect((await stack.db.sql`select 1 from documents where name = 'a.txt'`).length).toBe(0);

    // A bucket that is not there (the store refuses every write): 503, no row, nothing in the bucket.
    const rows = (await stack.db.sql<{ n: number }[]>`select count(*)::int as n from documents`)[0]!.n;
    const broken = s3DocumentStore({ endpoint: s3.endpoint, region: 'us-east-1', bucket: 'no-such-bucket', forcePathStyle: true, keyPrefix: 'documents/', ...s3.credentials });
    await expect(saveDocument(stack.db.sql, broken, { ownerType: 'lead', ownerId: 's3-1', name: 'b.txt', contentType: 'text/plain', content: Buffer.from('x'), createdBy: null }))
      .rejects.toThrow(/storing the document: the document store \(S3 bucket no-such-bucket at http:\/\/127\.0\.0\.1:\d+\) failed: NoSuchBucket/);
    expect((await stack.db.sql<{ n: number }[]>`select count(*)::int as n from documents`)[0]!.n).toBe(rows);
  });

  it('stores the proposal PDF of a sent offer in the bucket and mails those bytes as the attachment', async () => {
    const ops = await createUser(stack.db.sql, { role: 'ops' });
    const [mia, anna] = await Promise.all(['u-mia', 'u-anna'].map((id) => bearerHeaders(stack.db.sql, id)));
    await stack.startWorker();
    const post = (headers: Record<string, string>, url: string, payload: object) => stack.app.inject({ method: 'POST', url, headers, payload });
    const lead = await post(ops.headers, '/api/leads', { name: 'Sabine Schulz', email: 'sabine.schulz@nordwind.example', company: 'Nordwind Speicher GmbH', country: 'DE', productInterest: 'crm', companySize: 900 });
    expect(lead.statusCode, lead.body).toBe(202);
    const leadId = lead.json().leadId as string;
    await eventually(async () => (await stack.db.sql`select 1 from lead_events where lead_id = ${leadId} and type in ('assigned', 'unassigned')`).length > 0);
    const [owner] = await stack.db.sql<{ owner_id: string | null }[]>`select owner_id from leads where id = ${leadId}`;
    if (owner?.owner_id !== 'u-anna') expect((await post(ops.headers, `/api/leads/${leadId}/reassign`, { ownerId: 'u-anna', reason: 'test' })).statusCode).toBe(200);
    expect((await post(anna!, `/api/leads/${leadId}/qualify`, {})).statusCode).toBe(200);
    const offer = await post(mia!, `/api/leads/${leadId}/offers`, { lines: [{ product: 'Speicher Analytics', options: [], quantity: 2, unitPrice: 990 }] });
    expect(offer.statusCode, offer.body).toBe(200);
    const offerId = offer.json().offerId as string;
    const sent = await post(anna!, `/api/leads/${leadId}/offers/${offerId}/status`, { status: 'sent' });
    expect(sent.statusCode, sent.body).toBe(200);

    const [proposal] = await eventually(async () => {
      const rows = await stack.db.sql<{ id: string; store: string; storage_key: string | null; has_content: boolean }[]>`
        select id, store, storage_key, content is not null as has_content from documents where owner_id = ${offerId} and kind = 'proposal'`;
      return rows.length ? rows : null;
    });
    expect(proposal).toMatchObject({ store: 's3', has_content: false });
    const pdf = await objectBytes(proposal!.storage_key!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dl = await stack.app.inject({ url: `/api/documents/${proposal!.id}/content`, headers: anna! });
    expect(dl.rawPayload.equals(pdf)).toBe(true);

    const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes('sabine.schulz@nordwind.example')));
    expect(mail.raw).toContain('Content-Type: application/pdf');
    expect(mail.raw.replace(/\r?\n/g, '')).toContain(pdf.subarray(0, 300).toString('base64').slice(0, 400));
  });

  it('refuses a bad configuration naming the variable, without showing a secret', () => {
    const refuse = (env: Record<string, string>) => {
      try {
        documentSettingsFromEnv(env);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(env)}`);
    };
    expect(refuse({ DOCUMENT_STORE: 'dropbox' })).toBe('DOCUMENT_STORE: must be postgres or s3');
    expect(refuse({ DOCUMENT_STORE: 's3' })).toMatch(/^S3_BUCKET: must be set when DOCUMENT_STORE=s3/);
    expect(refuse({ DOCUMENT_STORE: 's3', S3_BUCKET: 'My_Bucket' })).toMatch(/^S3_BUCKET: must be a bucket name/);
    expect(refuse({ DOCUMENT_STORE: 's3', S3_BUCKET: 'docs', S3_ENDPOINT: 'ftp://files' })).toMatch(/^S3_ENDPOINT: must be a URL/);
    expect(refuse({ DOCUMENT_STORE: 's3', S3_BUCKET: 'docs', S3_FORCE_PATH_STYLE: 'yes' })).toMatch(/^S3_FORCE_PATH_STYLE: must be true or false/);
    expect(refuse({ DOCUMENT_STORE: 's3', S3_BUCKET: 'docs', S3_ACCESS_KEY_ID: 'AKIDEXAMPLE' })).toMatch(/^S3_SECRET_ACCESS_KEY: must be set together with S3_ACCESS_KEY_ID/);
    const short = refuse({ DOCUMENT_STORE: 's3', S3_BUCKET: 'docs', S3_ACCESS_KEY_ID: 'AKIDEXAMPLE', S3_SECRET_ACCESS_KEY: 'p4ss' });
    expect(short).toMatch(/^S3_SECRET_ACCESS_KEY: is too short/);
    expect(short).not.toContain('p4ss');
    // Postgres stays the default; S3 variables alone change nothing.
    expect(documentSettingsFromEnv({ S3_BUCKET: 'docs' }).store).toBe('postgres');
  });

  it('the start asks the store for its bucket and refuses, naming the variable, before anything else starts', async () => {
    const wrongBucket = s3DocumentStore({ endpoint: s3.endpoint, region: 'us-east-1', bucket: 'not-created', forcePathStyle: true, keyPrefix: 'documents/', ...s3.credentials });
    await expect(wrongBucket.check()).rejects.toThrow(`S3_BUCKET: bucket "not-created" does not exist at ${s3.endpoint}; create it first`);
    await expect(documentStoreFromEnv().check()).resolves.toBeUndefined();

    // The whole start (npm start, the API and worker entry points): refused with a ConfigError (printed as
    // "cannot start: …") before the data folder, the database or Temporal are touched.
    const dataDir = join(tmpdir(), `leadflow-s3-start-${process.pid}`);
    const logged: string[] = [];
    const bucketBefore = process.env.S3_BUCKET;
    process.env.S3_BUCKET = 'not-created';
    try {
      const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', TEMPORAL_UI_PORT: '0', LOG_LEVEL: 'silent' });
      const failure = await startSystem(config, { temporal: true, worker: true, api: true, demo: false }, (m) => logged.push(m)).then(() => null, (err: unknown) => err);
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toBe(`S3_BUCKET: bucket "not-created" does not exist at ${s3.endpoint}; create it first`);
      expect(logged).toEqual([]);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      process.env.S3_BUCKET = bucketBefore;
    }
  });
});

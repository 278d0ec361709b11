import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportDraft, ImportView } from '../../engine/import/schemas';
import { importWorkflowId } from '../../engine/import/types';
import { importWorkflow } from '../../engine/import/workflow';
import { createImportActivities } from '../../workers/import/import.activity';
import { createUser, type TestUser } from '../helpers/auth';
import { seedDefaults } from '../helpers/seed';
import { createTestStack, eventually, type TestStack } from '../helpers/stack';
import { multipartFile } from '../documents/multipart';
import { makeImportCsv, type ImportFixture } from './fixture';

const mapping = { Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Telefon: 'phone', Firma: 'company', Land: 'country' } as const;

describe('CSV import', () => {
  let stack: TestStack;
  let ops: TestUser;

  beforeAll(async () => {
    stack = await createTestStack();
    await seedDefaults(stack.db.sql);
    ops = await createUser(stack.db.sql, { role: 'ops' });
    await stack.startWorker();
    // The import feeds the capture inbox; turning its rows into lead workflows is the dispatcher's job (tested with
    // captures elsewhere). Held here, so hundreds of new lead workflows do not queue ahead of the import on the worker.
    await stack.app.ready();
    await stack.app.captureDispatcher.stop();
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const upload = async (name: string, content: Buffer | string): Promise<ImportDraft> => {
    const { payload, headers } = multipartFile(name, content);
    const r = await stack.app.inject({ method: 'POST', url: '/api/imports', headers: { ...ops.headers, ...headers }, payload });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as ImportDraft;
  };
  const start = async (id: string, body: Record<string, unknown>) => {
    const r = await stack.app.inject({ method: 'POST', url: `/api/imports/${id}/start`, headers: ops.headers, payload: { mapping, listName: 'Fair 2026', ...body } });
    expect(r.statusCode, r.body).toBe(202);
  };
  const view = async (id: string) => (await stack.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: ops.headers })).json() as ImportView;
  const finished = (id: string, timeoutMs = 60_000) => eventually(async () => {
    const v = await view(id);
    return ['completed', 'cancelled', 'failed'].includes(v.status) ? v : undefined;
  }, timeoutMs, 200);
  const inboxRows = async (id: string) => (await stack.db.sql<{ n: number }[]>`select count(*)::int as n from capture_inbox where submission_id like ${`import-${id}-%`}`)[0]!.n;

  let first: ImportFixture;
  it('detects a ; separated Windows-1252 file, previews it and imports it with exact counts (skip duplicates)', async () => {
    first = makeImportCsv({ rows: 240, tag: 'skip' });
    // What a spreadsheet in a German locale saves: ; and Windows-1252 (ü is one byte).
    const bytes = Buffer.from(first.csv.replace(/ü/g, '\u00fc'), 'latin1');
    const draft = await upload('Messe.csv', bytes);
    expect(draft).toMatchObject({ status: 'draft', delimiter: ';', encoding: 'Windows-1252 / Latin-1', headers: Object.keys(mapping) });
    expect(draft.suggestedMapping).toEqual(mapping);
    expect(draft.preview[0]).toMatchObject({ row: 2, values: ['Anna 1', 'Müller-skip', 'anna.1@skip.import.example', expect.stringMatching(/^\+49 30 \d{8}$/), 'Firma 1 GmbH', 'DE'], problems: [] });

    await start(draft.id, { dedupe: 'skip', rowsPerSecond: 2000 });
    const done = await finished(draft.id);
    expect(done.status).toBe('completed');
    expect(done.progress).toMatchObject({
      rowsDone: 240, created: first.unique, skipped: first.duplicates, merged: 0, failed: first.badRows.length, fraction: 1,
    });
    expect(await inboxRows(draft.id)).toBe(first.unique);
    const tagged = await stack.db.sql`select 1 from lead_lists where list_name = 'Fair 2026' and import_id = ${draft.id}`;
    expect(tagged.length).toBe(first.unique);

    const errors = await stack.app.inject({ method: 'GET', url: `/api/imports/${draft.id}/errors.csv`, headers: ops.headers });
    expect(errors.statusCode).toBe(200);
    const lines = errors.body.trim().split('\n');
    expect(lines[0]).toBe('row,field,reason');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(first.badRows);
    expect(lines[1]).toMatch(/^\d+,email,"must be an e-mail address \(got ""not-an-email/);
  }, 90_000);

  it('merge makes the known people capture events on their leads; create makes new leads', async () => {
    const again = makeImportCsv({ rows: 240, tag: 'skip' });
    const merge = await upload('again.csv', again.csv);
    await start(merge.id, { dedupe: 'merge' });
    const merged = await finished(merge.id);
    expect(merged.progress).toMatchObject({ rowsDone: 240, created: 0, merged: again.unique + again.duplicates, failed: again.badRows.length });
    // Each merged row is an inbox row on the lead the first import made for that person.
    const [{ same }] = await stack.db.sql<{ same: number }[]>`
      select count(*)::int as same from capture_inbox m join person_claims c on c.kind = 'email' and c.value = m.input->'capture'->>'email'
      where m.submission_id like ${`import-${merge.id}-%`} and m.lead_id = c.lead_id and m.duplicate`;
    expect(same).toBe(again.unique + again.duplicates);

    const create = await upload('create.csv', again.csv);
    await start(create.id, { dedupe: 'create' });
    const created = await finished(create.id);
    expect(created.progress).toMatchObject({ rowsDone: 240, created: again.unique + again.duplicates, merged: 0, skipped: 0, failed: again.badRows.length });
    const [{ leads }] = await stack.db.sql<{ leads: number }[]>`select count(distinct lead_id)::int as leads from capture_inbox where submission_id like ${`import-${create.id}-%`}`;
    expect(leads).toBe(again.unique + again.duplicates);
  }, 90_000);

  it('dedupes by company and name when e-mail and phone differ', async () => {
    const csv = 'Name,Email,Company\nJo Brandt,jo@one.example,Brandt AG\nJo Brandt,jo.private@two.example,Brandt AG\nJo Brandt,jo3@three.example,Other AG\n';
    const d = await upload('company.csv', csv);
    await start(d.id, { dedupe: 'skip', mapping: { Name: 'name', Email: 'email', Company: 'company' } });
    expect((await finished(d.id)).progress).toMatchObject({ rowsDone: 3, created: 2, skipped: 1 });
  }, 60_000);

  it('a retried batch never writes a row twice: attempts that overlap or repeat continue from the committed checkpoint', async () => {
    const f = makeImportCsv({ rows: 100, tag: 'retry' });
    const d = await upload('retry.csv', f.csv);
    // Started by hand (no workflow): the activity is called the way Temporal's retries would call it.
    await stack.db.sql`update imports set status = 'running', mapping = ${stack.db.sql.json(mapping)}, dedupe = 'skip', list_name = 'retry', started_at = now() where id = ${d.id}`;
    const acts = createImportActivities({ sql: stack.db.sql, mailFrom: 'x@example.test', appUrl: 'http://127.0.0.1' });
    const [a, b] = await Promise.all([acts.importBatch({ importId: d.id, batchRows: 30 }), acts.importBatch({ importId: d.id, batchRows: 30 })]);
    expect(a.rows + b.rows).toBe(60);
    for (let i = 0; i < 10; i++) if ((await acts.importBatch({ importId: d.id, batchRows: 30 })).done) break;
    const again = await acts.importBatch({ importId: d.id, batchRows: 30 });
    expect(again.done).toBe(true);
    const v = await view(d.id);
    expect(v.progress).toMatchObject({ rowsDone: 100, created: f.unique, skipped: f.duplicates, failed: f.badRows.length });
    expect(await inboxRows(d.id)).toBe(f.unique);
  }, 60_000);

  it('pause holds the import, resume continues it, cancel stops it with what was imported kept', async () => {
    const f = makeImportCsv({ rows: 600, tag: 'pause' });
    const d = await upload('pause.csv', f.csv);
    await start(d.id, { dedupe: 'skip', rowsPerSecond: 60 });
    await eventually(async () => (await view(d.id)).progress.rowsDone > 0, 20_000);
    expect((await stack.app.inject({ method: 'POST', url: `/api/imports/${d.id}/pause`, headers: ops.headers })).statusCode).toBe(202);
    const paused = await eventually(async () => {
      const v = await view(d.id);
      return v.status === 'paused' ? v : undefined;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await view(d.id)).progress.rowsDone).toBe(paused.progress.rowsDone);
    await stack.app.inject({ method: 'POST', url: `/api/imports/${d.id}/resume`, headers: ops.headers });
    await eventually(async () => (await view(d.id)).progress.rowsDone > paused.progress.rowsDone, 20_000);
    await stack.app.inject({ method: 'POST', url: `/api/imports/${d.id}/cancel`, headers: ops.headers });
    const cancelled = await finished(d.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.progress.rowsDone).toBeLessThan(600);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await view(d.id)).progress.rowsDone).toBe(cancelled.progress.rowsDone);
    const after = await stack.app.inject({ method: 'POST', url: `/api/imports/${d.id}/resume`, headers: ops.headers });
    expect(after.statusCode).toBe(409);
  }, 90_000);

  it('a worker restart in the middle of an import gives the same counts', async () => {
    const f = makeImportCsv({ rows: 900, tag: 'restart' });
    const d = await upload('restart.csv', f.csv);
    await start(d.id, { dedupe: 'skip', rowsPerSecond: 300 });
    await eventually(async () => (await view(d.id)).progress.rowsDone >= 200, 30_000);
    await stack.stopWorker();
    const during = (await view(d.id)).progress.rowsDone;
    expect(during).toBeLessThan(900);
    await new Promise((r) => setTimeout(r, 1000));
    await stack.startWorker();
    const done = await finished(d.id, 150_000);
    expect(done.progress).toMatchObject({ rowsDone: 900, created: f.unique, skipped: f.duplicates, failed: f.badRows.length });
    expect(await inboxRows(d.id)).toBe(f.unique);
  }, 200_000);

  it('continues as new after 200 batches without losing or repeating a row', async () => {
    const f = makeImportCsv({ rows: 450, tag: 'continue' });
    const d = await upload('continue.csv', f.csv);
    await stack.db.sql`update imports set status = 'running', mapping = ${stack.db.sql.json(mapping)}, dedupe = 'skip', list_name = 'continue', started_at = now() where id = ${d.id}`;
    // Two rows a batch: 225 batches, so the workflow continues as new once on the way.
    const handle = await stack.client.workflow.start(importWorkflow, { workflowId: importWorkflowId(d.id), taskQueue: stack.taskQueue, args: [{ importId: d.id, rowsPerSecond: 100_000, batchRows: 2 }] });
    const done = await finished(d.id, 120_000);
    expect(done.progress).toMatchObject({ rowsDone: 450, created: f.unique, skipped: f.duplicates, failed: f.badRows.length });
    expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
  }, 150_000);

  it('refuses what it cannot read, naming the file; a broken quote is a bad row, not a crash', async () => {
    const { payload, headers } = multipartFile('book.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x01, 0, 0]));
    const r = await stack.app.inject({ method: 'POST', url: '/api/imports', headers: { ...ops.headers, ...headers }, payload });
    expect(r.statusCode).toBe(422);
    expect(r.json().message).toMatch(/^file: .*not a CSV/);

    const d = await upload('quotes.csv', 'Name,Email\nAna,ana@q.example\n"Bo, Email bo@q.example\nCy,cy@q.example\n');
    await start(d.id, { dedupe: 'skip', mapping: { Name: 'name', Email: 'email' } });
    const done = await finished(d.id);
    expect(done.progress).toMatchObject({ rowsDone: 2, created: 1, failed: 1 });
    const errors = await stack.app.inject({ method: 'GET', url: `/api/imports/${d.id}/errors.csv`, headers: ops.headers });
    expect(errors.body).toMatch(/^row,field,reason\n3,\(row\),a quoted field opened on this row is never closed/);

    const rep = await createUser(stack.db.sql, { role: 'rep' });
    expect((await stack.app.inject({ method: 'GET', url: '/api/imports', headers: rep.headers })).statusCode).toBe(403);
  }, 60_000);
});

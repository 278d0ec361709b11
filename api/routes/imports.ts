import { randomBytes } from 'node:crypto';
import multipart from '@fastify/multipart';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Sql } from '../../db/client';
import { applySavedMapping, suggestMapping } from '../../engine/import/mapping';
import { cancelImportSignal, pauseImportSignal, resumeImportSignal } from '../../engine/import/messages';
import {
  importDraftSchema, importViewSchema, mappingNameSchema, previewBodySchema, previewRowSchema, saveMappingBodySchema, startImportBodySchema,
  type ImportField, type ImportView, type PreviewRow,
} from '../../engine/import/schemas';
import { importWorkflowId } from '../../engine/import/types';
import { importWorkflow } from '../../engine/import/workflow';
import { checkRow, rowContext } from '../../workers/import/check-row';
import {
  CHUNK_SIZE, detectDelimiter, detectEncoding, encodingLabels, HEAD_BYTES, readHeader, readStoredRecords, UnreadableFileError, utf8Transcoder,
  type FileEncoding,
} from '../../workers/import/csv-file';
import { audit } from '../auth/audit';
import { opsOnly } from '../auth/types';
import { DomainError, notFound } from '../errors';

const PREVIEW_ROWS = 20;
const idParams = z.object({ id: z.string().regex(/^imp-[0-9a-f]{16}$/, 'is not an import id') });

interface ImportRecord {
  id: string; file_name: string; status: ImportView['status']; encoding: FileEncoding; delimiter: string; headers: string[];
  chunk_size: number; total_bytes: string; data_offset: string; data_line: number; mapping: Record<string, ImportField> | null;
  dedupe: ImportView['dedupe']; list_name: string | null; rows_per_second: number | null; next_offset: string; next_line: number;
  rows_done: number; created: number; merged: number; skipped: number; failed: number; error: string | null; created_by_name: string | null;
  created_at: Date; started_at: Date | null; finished_at: Date | null; running_seconds: number; ticked_seconds: number | null;
}

const selectImport = (sql: Sql) => sql`
  select i.*, u.name as created_by_name, extract(epoch from now() - i.ticked_at)::float8 as ticked_seconds
  from imports i left join users u on u.id = i.created_by`;

function viewOf(r: ImportRecord): ImportView {
  const dataBytes = Number(r.total_bytes) - Number(r.data_offset);
  const fraction = r.status === 'completed' ? 1 : dataBytes > 0 ? Math.min(1, (Number(r.next_offset) - Number(r.data_offset)) / dataBytes) : 0;
  const seconds = r.running_seconds + (r.ticked_seconds ?? 0);
  const rate = seconds > 0.5 && r.rows_done > 0 ? r.rows_done / seconds : null;
  const secondsLeft = r.status === 'running' && fraction > 0 && fraction < 1 ? (seconds * (1 - fraction)) / fraction : null;
  return {
    id: r.id, fileName: r.file_name, status: r.status, encoding: encodingLabels[r.encoding] ?? r.encoding, delimiter: r.delimiter,
    headers: r.headers, totalBytes: Number(r.total_bytes), mapping: r.mapping, dedupe: r.dedupe, listName: r.list_name, rowsPerSecond: r.rows_per_second,
    progress: { rowsDone: r.rows_done, created: r.created, merged: r.merged, skipped: r.skipped, failed: r.failed, fraction, rate, secondsLeft },
    error: r.error, createdBy: r.created_by_name, createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null, finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

/** The first rows of a stored file, each checked against the mapping as the import will check it. */
async function previewRows(sql: Sql, r: ImportRecord, mapping: Record<string, ImportField>): Promise<PreviewRow[]> {
  const file = { id: r.id, delimiter: r.delimiter, chunkSize: r.chunk_size, totalBytes: Number(r.total_bytes) };
  const { events } = await readStoredRecords(sql, file, { offset: Number(r.data_offset), line: r.data_line }, (ev) => ev.length >= PREVIEW_ROWS);
  const ctx = await rowContext(sql);
  return events.slice(0, PREVIEW_ROWS).map((e) => {
    if (e.kind === 'error') return { row: e.line, values: [], problems: [{ field: '(row)', reason: e.reason }] };
    const checked = checkRow(r.headers, e.fields, mapping, ctx);
    return { row: e.line, values: e.fields, problems: checked.ok ? [] : checked.problems };
  });
}

const importMaxBytes = () => {
  const mb = Number(process.env.IMPORT_MAX_MB ?? 1024);
  return (Number.isFinite(mb) && mb > 0 ? mb : 1024) * 1024 * 1024;
};
const defaultRate = () => {
  const n = Number(process.env.IMPORT_ROWS_PER_SECOND ?? 500);
  return Number.isInteger(n) && n > 0 ? n : 500;
};

/**
 * CSV imports for ops and admins: upload (streamed into the database, transcoded to UTF-8), preview with per-row
 * checks, start with a mapping, dedupe choice and list name (a durable workflow feeds the rows), pause, resume,
 * cancel, progress, the error file, and saved column mappings.
 */
export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  const maxBytes = importMaxBytes();
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 } });

  const load = async (id: string): Promise<ImportRecord> => {
    const [r] = await app.sql<ImportRecord[]>`${selectImport(app.sql)} where i.id = ${id}`;
    if (!r) throw notFound('import');
    return r;
  };

  app.get('/api/imports', {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: 'Imports, newest first', response: { 200: z.object({ items: z.array(importViewSchema) }) } },
  }, async () => {
    const rows = await app.sql<ImportRecord[]>`${selectImport(app.sql)} order by i.created_at desc limit 100`;
    return { items: rows.map(viewOf) };
  });

  app.post('/api/imports', {
    config: { access: opsOnly },
    schema: {
      tags: ['imports'], summary: 'Upload a CSV file (multipart field "file"): encoding, delimiter and columns are detected; answers the draft with a suggested mapping and a preview',
      response: { 201: importDraftSchema },
    },
  }, async (req, reply) => {
    const user = req.user!;
    if (!req.isMultipart()) throw new DomainError('unprocessable', 'file: send the CSV as multipart/form-data in a field named "file"', [{ path: 'file', message: 'is missing' }]);
    const part = await req.file();
    if (!part || part.fieldname !== 'file') throw new DomainError('unprocessable', 'file: send the CSV in a field named "file"', [{ path: 'file', message: 'is missing' }]);
    const fileName = (part.filename || 'import.csv').replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 200);
    const id = `imp-${randomBytes(8).toString('hex')}`;
    const refuse = (message: string) => new DomainError('unprocessable', `file: ${message}`, [{ path: 'file', message }]);

    // The head decides the encoding and the delimiter; then the whole file streams through the transcoder into chunks.
    let head = Buffer.alloc(0);
    let encoding: FileEncoding | undefined;
    let transcoder: ReturnType<typeof utf8Transcoder> | undefined;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    let total = 0;
    let created = false;
    const flush = async (all: boolean) => {
      while (pendingBytes >= CHUNK_SIZE || (all && pendingBytes > 0)) {
        const buf = Buffer.concat(pending);
        const chunk = buf.subarray(0, CHUNK_SIZE);
        const rest = buf.subarray(chunk.length);
        if (!created) await createDraft(chunk);
        await app.sql`insert into import_chunks (import_id, seq, bytes) values (${id}, ${seq++}, ${chunk})`;
        total += chunk.length;
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
      }
    };
    let meta: { delimiter: string; headers: string[]; dataOffset: number; dataLine: number } | undefined;
    const createDraft = async (firstChunk: Buffer) => {
      const delimiter = detectDelimiter(firstChunk.toString('utf8'));
      const header = await readHeader(firstChunk, delimiter);
      meta = { delimiter, ...header };
      await app.sql`
        insert into imports (id, file_name, encoding, delimiter, headers, chunk_size, total_bytes, data_offset, data_line, next_offset, next_line, created_by)
        values (${id}, ${fileName}, ${encoding!}, ${delimiter}, ${app.sql.json(header.headers)}, ${CHUNK_SIZE}, 0, ${header.dataOffset}, ${header.dataLine},
                ${header.dataOffset}, ${header.dataLine}, ${user.id})`;
      created = true;
    };
    const push = async (bytes: Buffer) => {
      const out = transcoder!.push(bytes);
      if (out.length) {
        pending.push(out);
        pendingBytes += out.length;
      }
      await flush(false);
    };
    try {
      for await (const raw of part.file) {
        const bytes = raw as Buffer;
        if (!encoding) {
          head = Buffer.concat([head, bytes]);
          if (head.length < HEAD_BYTES) continue;
          encoding = detectEncoding(head);
          transcoder = utf8Transcoder(encoding);
          await push(head);
          continue;
        }
        await push(bytes);
      }
      if (part.file.truncated) throw new DomainError('too_large', `file: larger than the limit of ${maxBytes / 1024 / 1024} MB (IMPORT_MAX_MB)`, [{ path: 'file', message: 'is too large' }]);
      if (!encoding) {
        if (!head.length) throw refuse('the file is empty');
        encoding = detectEncoding(head, true);
        transcoder = utf8Transcoder(encoding);
        await push(head);
      }
      const tail = transcoder!.end();
      if (tail.length) {
        pending.push(tail);
        pendingBytes += tail.length;
      }
      if (!pendingBytes && !created) throw refuse('the file is empty');
      await flush(true);
      await app.sql`update imports set total_bytes = ${total} where id = ${id}`;
    } catch (err) {
      if (created) await app.sql`delete from imports where id = ${id}`.catch(() => undefined);
      if (err instanceof UnreadableFileError) throw refuse(err.message);
      throw err;
    }
    await audit(app.sql, { actorId: user.id, action: 'import.uploaded', targetType: 'import', targetId: id, details: { fileName, bytes: total, encoding, delimiter: meta!.delimiter } });
    const r = await load(id);
    const suggestedMapping = suggestMapping(r.headers);
    return reply.status(201).send({ ...viewOf(r), suggestedMapping, preview: await previewRows(app.sql, r, suggestedMapping) });
  });

  app.get('/api/imports/:id', {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: 'One import with its progress', params: idParams, response: { 200: importViewSchema } },
  }, async (req) => viewOf(await load(req.params.id)));

  app.post('/api/imports/:id/preview', {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: 'The first rows checked with this mapping', params: idParams, body: previewBodySchema, response: { 200: z.object({ rows: z.array(previewRowSchema) }) } },
  }, async (req) => {
    const r = await load(req.params.id);
    return { rows: await previewRows(app.sql, r, req.body.mapping) };
  });

  app.post('/api/imports/:id/start', {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: 'Start a draft import with a mapping, a dedupe choice and a list name', params: idParams, body: startImportBodySchema, response: { 202: importViewSchema } },
  }, async (req, reply) => {
    const r = await load(req.params.id);
    const body = req.body;
    const unknown = Object.keys(body.mapping).filter((h) => !r.headers.includes(h));
    if (unknown.length) throw new DomainError('unprocessable', `mapping: the file has no column ${unknown.map((h) => `"${h}"`).join(', ')}`, unknown.map((h) => ({ path: `body.mapping.${h}`, message: 'is not a column of the file' })));
    if (r.status !== 'draft') throw new DomainError('conflict', `this import is ${r.status} already`);
    const rowsPerSecond = body.rowsPerSecond ?? defaultRate();
    const [started] = await app.sql`
      update imports set status = 'running', mapping = ${app.sql.json(body.mapping)}, dedupe = ${body.dedupe}, list_name = ${body.listName},
        rows_per_second = ${rowsPerSecond}, started_at = now(), ticked_at = now(), updated_at = now()
      where id = ${r.id} and status = 'draft' returning id`;
    if (!started) throw new DomainError('conflict', 'this import was started already');
    if (body.saveMappingAs) {
      await app.sql`insert into import_mappings (name, mapping, created_by) values (${body.saveMappingAs}, ${app.sql.json(body.mapping)}, ${req.user!.id})
        on conflict (name) do update set mapping = excluded.mapping, created_by = excluded.created_by, updated_at = now()`;
    }
    await app.temporal.workflow.start(importWorkflow, {
      workflowId: importWorkflowId(r.id), taskQueue: app.config.TEMPORAL_TASK_QUEUE, args: [{ importId: r.id, rowsPerSecond }],
    });
    await audit(app.sql, { actorId: req.user!.id, action: 'import.started', targetType: 'import', targetId: r.id, details: { dedupe: body.dedupe, listName: body.listName, rowsPerSecond } });
    return reply.status(202).send(viewOf(await load(r.id)));
  });

  const control = (action: 'pause' | 'resume' | 'cancel') => app.post(`/api/imports/:id/${action}`, {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} a running import (after its current batch)`, params: idParams, response: { 202: importViewSchema } },
  }, async (req, reply) => {
    const r = await load(req.params.id);
    const open = r.status === 'running' || r.status === 'paused';
    if (!open) throw new DomainError('conflict', r.status === 'draft' ? 'this import has not been started' : `this import is ${r.status}`);
    const signal = action === 'pause' ? pauseImportSignal : action === 'resume' ? resumeImportSignal : cancelImportSignal;
    await app.temporal.workflow.getHandle(importWorkflowId(r.id)).signal(signal);
    if (action === 'cancel') await audit(app.sql, { actorId: req.user!.id, action: 'import.cancelled', targetType: 'import', targetId: r.id, details: { rowsDone: r.rows_done } });
    return reply.status(202).send(viewOf(r));
  });
  control('pause');
  control('resume');
  control('cancel');

  app.get('/api/imports/:id/errors.csv', {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: 'The rows that were not imported: row (line in the file; the header is row 1), field, reason', params: idParams },
  }, async (req, reply) => {
    const r = await load(req.params.id);
    const out = stringify({ header: true, columns: ['row', 'field', 'reason'] });
    // Read in pages by key, so a million bad rows stream out without being held in memory.
    void (async () => {
      let after = { row: -1, field: '' };
      try {
        for (;;) {
          const page = await app.sql<{ row_no: number; field: string; reason: string }[]>`
            select row_no, field, reason from import_errors where import_id = ${r.id} and (row_no, field) > (${after.row}, ${after.field})
            order by row_no, field limit 5000`;
          for (const e of page) if (!out.write([e.row_no, e.field, e.reason])) await new Promise((res) => out.once('drain', res));
          if (page.length < 5000) break;
          after = { row: page.at(-1)!.row_no, field: page.at(-1)!.field };
        }
        out.end();
      } catch (err) {
        out.destroy(err as Error);
      }
    })();
    const name = r.file_name.replace(/\.[^.]*$/, '').replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}-errors.csv"`).send(out);
  });

  app.get('/api/import-mappings', {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: 'Saved column mappings', response: { 200: z.object({ items: z.array(z.object({ name: z.string(), mapping: z.record(z.string(), z.string()) })) }) } },
  }, async () => ({ items: await app.sql<{ name: string; mapping: Record<string, string> }[]>`select name, mapping from import_mappings order by name` }));

  app.put('/api/import-mappings/:name', {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: 'Save a column mapping under a name', params: z.object({ name: mappingNameSchema }), body: saveMappingBodySchema, response: { 204: z.null() } },
  }, async (req, reply) => {
    await app.sql`insert into import_mappings (name, mapping, created_by) values (${req.params.name}, ${app.sql.json(req.body.mapping)}, ${req.user!.id})
      on conflict (name) do update set mapping = excluded.mapping, created_by = excluded.created_by, updated_at = now()`;
    return reply.status(204).send(null);
  });

  app.get('/api/imports/:id/mapping/:name', {
    config: { access: opsOnly },
    schema: { tags: ['imports'], summary: 'A saved mapping applied to this file\'s columns', params: idParams.extend({ name: mappingNameSchema }), response: { 200: z.object({ mapping: z.record(z.string(), z.string()) }) } },
  }, async (req) => {
    const r = await load(req.params.id);
    const [m] = await app.sql<{ mapping: Record<string, ImportField> }[]>`select mapping from import_mappings where name = ${req.params.name}`;
    if (!m) throw notFound('mapping');
    return { mapping: applySavedMapping(m.mapping, r.headers) };
  });
};

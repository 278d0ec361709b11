import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from './client';
import { documentStoreFor, DocumentStoreError, s3SettingsFromEnv, type DocumentStore, type Placement } from './document-store';
import { ConfigError } from '../runtime/config';

export { DocumentStoreError, type DocumentStore } from './document-store';

export type DocumentOwnerType = 'account' | 'contact' | 'lead' | 'offer';
export const documentOwnerTypes = ['account', 'contact', 'lead', 'offer'] as const;

/** The types a document may have: extension → content type. Checked against the bytes, not the client's word. */
export const allowedTypes = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
} as const;
export type AllowedExtension = keyof typeof allowedTypes;

const startsWith = (b: Buffer, sig: number[]) => sig.every((x, i) => b[i] === x);
/** An OOXML file is a zip whose entries name its part folder (word/ or xl/); the names are stored uncompressed. */
const zipHasEntry = (b: Buffer, prefix: string) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) && b.includes(Buffer.from(prefix, 'latin1'));

function isPlainText(b: Buffer): boolean {
  if (b.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the bytes are, as far as the allow-list cares: the extension they are consistent with, or null.
 * @example sniffMatches(Buffer.from('%PDF-1.7…'), 'pdf') // true
 */
export function sniffMatches(content: Buffer, ext: AllowedExtension): boolean {
  switch (ext) {
    case 'pdf': return startsWith(content, [0x25, 0x50, 0x44, 0x46, 0x2d]);
    case 'png': return startsWith(content, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'jpg':
    case 'jpeg': return startsWith(content, [0xff, 0xd8, 0xff]);
    case 'docx': return zipHasEntry(content, 'word/');
    case 'xlsx': return zipHasEntry(content, 'xl/');
    case 'txt':
    case 'csv': return isPlainText(content);
  }
}

/**
 * A file name safe to store and to put in Content-Disposition: no path, no control or reserved characters,
 * collapsed spaces, at most 120 characters (the extension kept).
 * @example sanitizeFileName('../../etc/Quote "final".PDF') // 'Quote final.PDF'
 */
export function sanitizeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const kept = [...base.normalize('NFC')].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f && !'<>:"|?*;'.includes(c)).join('');
  let name = kept.replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  if (name.length > 120) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 6 ? name.slice(dot) : '';
    name = name.slice(0, 120 - ext.length).trimEnd() + ext;
  }
  return name;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export const documentSettingsSchema = z.object({
  DOCUMENT_MAX_MB: z.coerce.number().positive('must be a positive number of megabytes').max(100, 'must be at most 100 MB').default(10),
  DOCUMENT_STORE: z.enum(['postgres', 's3'], { message: 'must be postgres or s3' }).default('postgres'),
});
export interface DocumentSettings { maxBytes: number; store: 'postgres' | 's3' }

/**
 * Document limits and store from the environment; with `DOCUMENT_STORE=s3` the S3 variables are validated too
 * (a ConfigError names the variable, never a secret's value).
 * @example documentSettingsFromEnv({ DOCUMENT_MAX_MB: '5' }) // { maxBytes: 5242880, store: 'postgres' }
 */
export function documentSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): DocumentSettings {
  const parsed = documentSettingsSchema.safeParse({ DOCUMENT_MAX_MB: env.DOCUMENT_MAX_MB || undefined, DOCUMENT_STORE: env.DOCUMENT_STORE || undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  if (parsed.data.DOCUMENT_STORE === 's3') s3SettingsFromEnv(env);
  return { maxBytes: Math.round(parsed.data.DOCUMENT_MAX_MB * 1024 * 1024), store: parsed.data.DOCUMENT_STORE };
}

/**
 * The store documents are written to, from DOCUMENT_STORE and the S3 variables (one instance per configuration).
 * Documents written earlier to Postgres stay readable whatever the store: each row records where its bytes are.
 */
export function documentStoreFromEnv(env: NodeJS.ProcessEnv = process.env): DocumentStore {
  return documentStoreFor(documentSettingsFromEnv(env).store, env);
}

export const documentSchema = z.object({
  id: z.string(), ownerType: z.enum(documentOwnerTypes), ownerId: z.string(), kind: z.enum(['upload', 'proposal']), name: z.string(),
  contentType: z.string(), sizeBytes: z.number(), version: z.number().nullable(), createdBy: z.string().nullable(), createdByName: z.string().nullable(), createdAt: z.string(),
});
export type DocumentInfo = z.infer<typeof documentSchema>;

interface DocumentRow {
  id: string; owner_type: DocumentOwnerType; owner_id: string; kind: 'upload' | 'proposal'; name: string; content_type: string; size_bytes: number;
  version: number | null; created_by: string | null; created_by_name: string | null; created_at: Date;
}
const toInfo = (r: DocumentRow): DocumentInfo => ({
  id: r.id, ownerType: r.owner_type, ownerId: r.owner_id, kind: r.kind, name: r.name, contentType: r.content_type, sizeBytes: r.size_bytes,
  version: r.version, createdBy: r.created_by, createdByName: r.created_by_name, createdAt: r.created_at.toISOString(),
});

export async function listDocuments(sql: Sql, ownerType: DocumentOwnerType, ownerId: string): Promise<DocumentInfo[]> {
  const rows = await sql<DocumentRow[]>`
    select d.id, d.owner_type, d.owner_id, d.kind, d.name, d.content_type, d.size_bytes, d.version, d.created_by, u.name as created_by_name, d.created_at
      from documents d left join users u on u.id = d.created_by
     where d.owner_type = ${ownerType} and d.owner_id = ${ownerId} order by d.created_at desc, d.id`;
  return rows.map(toInfo);
}

export interface NewDocument {
  id?: string; ownerType: DocumentOwnerType; ownerId: string; kind?: 'upload' | 'proposal'; name: string; contentType: string; content: Buffer; version?: number; createdBy: string | null;
}

/**
 * Writes a document's row; the bytes go into it unless `placement` says they are in another store. A row with the same
 * id already there is left alone (null is returned), so a retried write finds the first one.
 */
export async function insertDocument(sql: Sql, d: NewDocument & { placement?: Placement }): Promise<DocumentInfo | null> {
  const sha = createHash('sha256').update(d.content).digest('hex');
  const placement = d.placement ?? { store: 'postgres', content: d.content };
  const [row] = await sql<DocumentRow[]>`
    insert into documents (id, owner_type, owner_id, kind, name, content_type, size_bytes, sha256, store, storage_key, content, version, created_by)
    values (${d.id ?? randomUUID()}, ${d.ownerType}, ${d.ownerId}, ${d.kind ?? 'upload'}, ${d.name}, ${d.contentType}, ${d.content.length}, ${sha},
            ${placement.store}, ${placement.store === 's3' ? placement.key : null}, ${placement.store === 'postgres' ? placement.content : null},
            ${d.version ?? null}, ${d.createdBy})
    on conflict (id) do nothing
    returning id, owner_type, owner_id, kind, name, content_type, size_bytes, version, created_by, null::text as created_by_name, created_at`;
  return row ? toInfo(row) : null;
}

/**
 * Stores a new document without leaving half of it: the bytes first (in the bucket with the S3 store), then the row and
 * whatever `alongside` writes in the same transaction (an audit entry, a lead event). When the row is not committed —
 * an error, or a row with the same id already there (null) — the object written for it is deleted again.
 */
export async function saveDocument(
  sql: Sql, store: DocumentStore, d: NewDocument, alongside?: (tx: Sql, doc: DocumentInfo) => Promise<void>,
): Promise<DocumentInfo | null> {
  const id = d.id ?? randomUUID();
  const { placement, discard } = await store.put(id, d.content, d.contentType);
  let doc: DocumentInfo | null;
  try {
    doc = await sql.begin(async (tx) => {
      const inserted = await insertDocument(tx as unknown as Sql, { ...d, id, placement });
      if (inserted && alongside) await alongside(tx as unknown as Sql, inserted);
      return inserted;
    });
  } catch (err) {
    await discard().catch(() => undefined); // the row's error is the one to report; an object left behind holds no row
    throw err;
  }
  if (!doc) await discard();
  return doc;
}

export interface StoredDocument extends DocumentInfo {
  store: 'postgres' | 's3';
  storageKey: string | null;
  /** The bytes when they are in the row (the Postgres store); read the others with `readDocumentContent`. */
  content: Buffer | null;
}

export async function getDocument(sql: Sql, id: string): Promise<StoredDocument | null> {
  const [row] = await sql<(DocumentRow & { store: 'postgres' | 's3'; storage_key: string | null; content: Buffer | null })[]>`
    select d.id, d.owner_type, d.owner_id, d.kind, d.name, d.content_type, d.size_bytes, d.version, d.created_by, null::text as created_by_name, d.created_at,
           d.store, d.storage_key, case when d.store = 'postgres' then d.content end as content
      from documents d where d.id = ${id}`;
  return row ? { ...toInfo(row), store: row.store, storageKey: row.storage_key, content: row.content } : null;
}

/**
 * The bytes of a stored document, from the row or from the store it names.
 * @throws DocumentStoreError 'missing' when the object is gone from the bucket, 'unavailable' when the store fails
 */
export async function readDocumentContent(store: DocumentStore, doc: Pick<StoredDocument, 'id' | 'name' | 'store' | 'storageKey' | 'content'>): Promise<Buffer> {
  if (doc.store === 'postgres') {
    if (!doc.content) throw new DocumentStoreError('missing', `document "${doc.name}" has no content in Postgres`);
    return doc.content;
  }
  if (store.kind !== 's3') throw new DocumentStoreError('misconfigured', `document "${doc.name}" is kept in S3, but DOCUMENT_STORE is not s3 in this process`);
  if (!doc.storageKey) throw new DocumentStoreError('missing', `document "${doc.name}" has no object key`);
  try {
    return await store.get(doc.storageKey);
  } catch (err) {
    if (err instanceof DocumentStoreError) throw new DocumentStoreError(err.reason, `document "${doc.name}": ${err.message}`);
    throw err;
  }
}

/**
 * Deletes a document: its row and what `alongside` writes (the audit entry) in one transaction, and its object in the
 * bucket before that transaction commits, so a store that fails leaves the row (and the document) as it was.
 */
export async function deleteDocument(
  sql: Sql, store: DocumentStore, doc: Pick<StoredDocument, 'id' | 'name' | 'store' | 'storageKey'>, alongside?: (tx: Sql) => Promise<void>,
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`delete from documents where id = ${doc.id}`;
    if (alongside) await alongside(tx as unknown as Sql);
    if (doc.store === 's3' && doc.storageKey) {
      if (store.kind !== 's3') throw new DocumentStoreError('misconfigured', `document "${doc.name}" is kept in S3, but DOCUMENT_STORE is not s3 in this process`);
      await store.remove(doc.storageKey);
    }
  });
}

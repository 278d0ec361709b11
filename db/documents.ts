import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from './client';
import { ConfigError } from '../runtime/config';

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

/** Where the bytes of documents go. Postgres (bytea) by default. */
export interface DocumentStore {
  readonly kind: 'postgres' | 's3';
}

export const documentSettingsSchema = z.object({
  DOCUMENT_MAX_MB: z.coerce.number().positive('must be a positive number of megabytes').max(100, 'must be at most 100 MB').default(10),
  DOCUMENT_STORE: z.enum(['postgres', 's3'], { message: 'must be postgres or s3' }).default('postgres'),
});
export interface DocumentSettings { maxBytes: number; store: 'postgres' | 's3' }

/**
 * Document limits and store from the environment. `s3` is refused for now: the store interface is there, the client is not.
 * @example documentSettingsFromEnv({ DOCUMENT_MAX_MB: '5' }) // { maxBytes: 5242880, store: 'postgres' }
 */
export function documentSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): DocumentSettings {
  const parsed = documentSettingsSchema.safeParse({ DOCUMENT_MAX_MB: env.DOCUMENT_MAX_MB || undefined, DOCUMENT_STORE: env.DOCUMENT_STORE || undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  if (parsed.data.DOCUMENT_STORE === 's3') throw new ConfigError('DOCUMENT_STORE: s3 is not available yet in this version; leave it unset to keep documents in Postgres');
  return { maxBytes: Math.round(parsed.data.DOCUMENT_MAX_MB * 1024 * 1024), store: parsed.data.DOCUMENT_STORE };
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

export async function insertDocument(sql: Sql, d: {
  id?: string; ownerType: DocumentOwnerType; ownerId: string; kind?: 'upload' | 'proposal'; name: string; contentType: string; content: Buffer; version?: number; createdBy: string | null;
}): Promise<DocumentInfo> {
  const sha = createHash('sha256').update(d.content).digest('hex');
  const [row] = await sql<DocumentRow[]>`
    insert into documents (id, owner_type, owner_id, kind, name, content_type, size_bytes, sha256, store, content, version, created_by)
    values (${d.id ?? sql`gen_random_uuid()::text`}, ${d.ownerType}, ${d.ownerId}, ${d.kind ?? 'upload'}, ${d.name}, ${d.contentType}, ${d.content.length}, ${sha},
            'postgres', ${d.content}, ${d.version ?? null}, ${d.createdBy})
    returning id, owner_type, owner_id, kind, name, content_type, size_bytes, version, created_by, null::text as created_by_name, created_at`;
  return toInfo(row!);
}

export async function getDocument(sql: Sql, id: string): Promise<(DocumentInfo & { content: Buffer }) | null> {
  const [row] = await sql<(DocumentRow & { content: Buffer })[]>`
    select d.id, d.owner_type, d.owner_id, d.kind, d.name, d.content_type, d.size_bytes, d.version, d.created_by, null::text as created_by_name, d.created_at, d.content
      from documents d where d.id = ${id}`;
  return row ? { ...toInfo(row), content: row.content } : null;
}

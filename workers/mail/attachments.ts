import type { Sql } from '../../db/client';
import { readDocumentContent, type DocumentStore } from '../../db/documents';

/** A document sent along with a message; the outbox keeps the reference (`mail_outbox.attachments`), not the bytes. */
export interface AttachmentRef { documentId: string }

/** The attachments of an outbox message as nodemailer wants them, read from the documents they reference. */
export async function loadAttachments(sql: Sql, refs: AttachmentRef[], store: DocumentStore): Promise<{ filename: string; content: Buffer; contentType: string }[]> {
  if (!refs.length) return [];
  const rows = await sql<{ id: string; name: string; content_type: string; store: 'postgres' | 's3'; storage_key: string | null; content: Buffer | null }[]>`
    select id, name, content_type, store, storage_key, content from documents where id in ${sql(refs.map((r) => r.documentId))}`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return Promise.all(refs.map(async (r) => {
    const d = byId.get(r.documentId);
    if (!d) throw new Error(`attachment ${r.documentId} is missing`);
    const content = await readDocumentContent(store, { id: d.id, name: d.name, store: d.store, storageKey: d.storage_key, content: d.content });
    return { filename: d.name, content, contentType: d.content_type };
  }));
}

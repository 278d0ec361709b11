import type { Sql } from '../../db/client';

/** A document sent along with a message; the outbox keeps the reference (`mail_outbox.attachments`), not the bytes. */
export interface AttachmentRef { documentId: string }

/** The attachments of an outbox message as nodemailer wants them, read from the documents they reference. */
export async function loadAttachments(sql: Sql, refs: AttachmentRef[]): Promise<{ filename: string; content: Buffer; contentType: string }[]> {
  if (!refs.length) return [];
  const rows = await sql<{ id: string; name: string; content_type: string; content: Buffer }[]>`
    select id, name, content_type, content from documents where id in ${sql(refs.map((r) => r.documentId))}`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return refs.map((r) => {
    const d = byId.get(r.documentId);
    if (!d) throw new Error(`attachment ${r.documentId} is missing`);
    return { filename: d.name, content: d.content, contentType: d.content_type };
  });
}

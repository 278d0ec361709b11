import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Sql } from '../../db/client';
import {
  allowedTypes, deleteDocument, documentOwnerTypes, documentSchema, documentSettingsFromEnv, documentStoreFromEnv, DocumentStoreError, extensionOf,
  getDocument, listDocuments, readDocumentContent, sanitizeFileName, saveDocument, sniffMatches, type AllowedExtension, type DocumentOwnerType,
} from '../../db/documents';
import { audit } from '../auth/audit';
import { leadScope } from '../auth/scope';
import { anyUser, type AuthUser } from '../auth/types';
import { DomainError, notFound, unavailable } from '../errors';

const seesEverything = (u: AuthUser) => u.role === 'ops' || u.role === 'admin';

/**
 * Whether the user may see the object a document hangs on, by the rules of that object: a lead or offer by the lead's
 * scope, an account or contact when the user may see one of its leads (ops and admins: all). Unknown = not visible.
 */
export async function canSeeOwner(sql: Sql, user: AuthUser, ownerType: DocumentOwnerType, ownerId: string): Promise<boolean> {
  const everything = seesEverything(user);
  let rows: readonly unknown[];
  switch (ownerType) {
    case 'lead':
      rows = await sql`select 1 from leads l where l.id = ${ownerId} and ${leadScope(sql, user, 'l')}`;
      break;
    case 'offer':
      rows = await sql`select 1 from offers o join leads l on l.id = o.lead_id where o.id = ${ownerId} and ${leadScope(sql, user, 'l')}`;
      break;
    case 'account':
      rows = await sql`select 1 from accounts a where a.id = ${ownerId}
        and (${everything} or exists (select 1 from leads l where l.account_id = a.id and ${leadScope(sql, user, 'l')}))`;
      break;
    case 'contact':
      rows = await sql`select 1 from contacts c where c.id = ${ownerId}
        and (${everything} or exists (select 1 from leads l where l.contact_id = c.id and ${leadScope(sql, user, 'l')}))`;
      break;
  }
  return rows.length > 0;
}

/** RFC 6266 / 5987: an ASCII fallback plus the UTF-8 name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const ownerParams = z.object({ ownerType: z.enum(documentOwnerTypes), ownerId: z.string().min(1).max(80) });

/** Documents on accounts, contacts, leads and offers: upload (multipart), list, download, delete (audited). */
export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  const settings = documentSettingsFromEnv();
  const store = documentStoreFromEnv();
  /**
   * The store failed: 503 when it did not answer (retry; nothing was changed), 502 when the bytes are gone from it or
   * it is not configured here. The details (bucket, endpoint, error) go to the log, not to the client.
   */
  const storeFailure = (err: unknown, reply: FastifyReply, doc?: { name: string }) => {
    if (!(err instanceof DocumentStoreError)) throw err;
    app.log.warn({ reason: err.reason, detail: err.message }, 'document store failure');
    if (err.reason === 'unavailable') throw unavailable('the document store did not answer; nothing was changed, retry in a moment', 5);
    const what = doc ? `document "${doc.name}"` : 'the document';
    return err.reason === 'missing'
      ? reply.status(502).send({ error: 'document_content_missing', message: `${what}: its content is missing from the document store (${store.kind === 's3' ? 'S3' : 'Postgres'}); an administrator has to restore it from a backup or delete it` })
      : reply.status(502).send({ error: 'document_store_misconfigured', message: `${what} is kept in S3, but this server is not configured for S3 (DOCUMENT_STORE)` });
  };
  await app.register(multipart, { limits: { fileSize: settings.maxBytes, files: 1, fields: 5, parts: 6 } });

  app.get('/api/documents/:ownerType/:ownerId', {
    config: { access: anyUser },
    schema: { tags: ['documents'], summary: 'Documents of an account, contact, lead or offer, newest first', params: ownerParams, response: { 200: z.object({ items: z.array(documentSchema) }) } },
  }, async (req) => {
    const { ownerType, ownerId } = req.params;
    if (!(await canSeeOwner(app.sql, req.user!, ownerType, ownerId))) throw notFound(ownerType);
    return { items: await listDocuments(app.sql, ownerType, ownerId) };
  });

  app.post('/api/documents/:ownerType/:ownerId', {
    config: { access: anyUser },
    schema: {
      tags: ['documents'], summary: `Upload one file (multipart field "file"): pdf, png, jpeg, docx, xlsx, txt or csv, at most ${settings.maxBytes} bytes`,
      params: ownerParams, response: { 201: documentSchema },
    },
  }, async (req, reply) => {
    const { ownerType, ownerId } = req.params;
    const user = req.user!;
    if (!(await canSeeOwner(app.sql, user, ownerType, ownerId))) throw notFound(ownerType);
    if (!req.isMultipart()) throw new DomainError('unprocessable', 'file: send the document as multipart/form-data in a field named "file"', [{ path: 'file', message: 'is missing' }]);
    const part = await req.file();
    if (!part || part.fieldname !== 'file') throw new DomainError('unprocessable', 'file: send the document in a field named "file"', [{ path: 'file', message: 'is missing' }]);
    let content: Buffer;
    try {
      content = await part.toBuffer();
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new DomainError('too_large', `file: larger than the limit of ${settings.maxBytes} bytes (${settings.maxBytes / 1024 / 1024} MB)`, [{ path: 'file', message: `is larger than ${settings.maxBytes} bytes` }]);
      }
      throw err;
    }
    const name = sanitizeFileName(part.filename ?? '');
    if (!name || !extensionOf(name)) throw new DomainError('unprocessable', 'file: the file needs a name with an extension', [{ path: 'file.name', message: 'needs a name with an extension' }]);
    const ext = extensionOf(name);
    const allowed = Object.keys(allowedTypes);
    if (!allowed.includes(ext)) {
      throw new DomainError('unprocessable', `file: type .${ext} is not accepted (accepted: ${allowed.join(', ')})`, [{ path: 'file.type', message: `.${ext} is not an accepted type` }]);
    }
    if (!content.length) throw new DomainError('unprocessable', 'file: the file is empty', [{ path: 'file', message: 'is empty' }]);
    if (!sniffMatches(content, ext as AllowedExtension)) {
      throw new DomainError('unprocessable', `file: the content is not a .${ext} file`, [{ path: 'file.type', message: `content does not match .${ext}` }]);
    }
    let doc;
    try {
      doc = await saveDocument(app.sql, store, { ownerType, ownerId, name, contentType: allowedTypes[ext as AllowedExtension], content, createdBy: user.id }, async (tx, d) => {
        await audit(tx, { actorId: user.id, action: 'document.uploaded', targetType: 'document', targetId: d.id, details: { ownerType, ownerId, name, sizeBytes: content.length } });
      });
    } catch (err) {
      return storeFailure(err, reply);
    }
    return reply.status(201).send({ ...doc!, createdByName: user.name });
  });

  app.get('/api/documents/:id/content', {
    config: { access: anyUser },
    schema: { tags: ['documents'], summary: 'Download a document (Content-Disposition with its name)', params: z.object({ id: z.string().min(1).max(80) }) },
  }, async (req, reply) => {
    const doc = await getDocument(app.sql, req.params.id);
    if (!doc || !(await canSeeOwner(app.sql, req.user!, doc.ownerType, doc.ownerId))) throw notFound('document');
    let content: Buffer;
    try {
      content = await readDocumentContent(store, doc);
    } catch (err) {
      return storeFailure(err, reply, doc);
    }
    return reply
      .header('content-type', doc.contentType)
      .header('content-disposition', contentDisposition(doc.name))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(content);
  });

  app.delete('/api/documents/:id', {
    config: { access: anyUser },
    schema: { tags: ['documents'], summary: 'Delete a document (its uploader, managers, ops and admins); audited', params: z.object({ id: z.string().min(1).max(80) }) },
  }, async (req, reply) => {
    const user = req.user!;
    const doc = await getDocument(app.sql, req.params.id);
    if (!doc || !(await canSeeOwner(app.sql, user, doc.ownerType, doc.ownerId))) throw notFound('document');
    if (doc.kind === 'proposal' && !seesEverything(user)) throw new DomainError('forbidden', 'a proposal sent to the customer is kept; only ops and admins may delete it');
    if (doc.kind === 'upload' && user.role === 'rep' && doc.createdBy !== user.id) throw new DomainError('forbidden', 'only the person who uploaded a document (or a manager) may delete it');
    try {
      await deleteDocument(app.sql, store, doc, async (tx) => {
        await audit(tx, { actorId: user.id, action: 'document.deleted', targetType: 'document', targetId: doc.id, details: { ownerType: doc.ownerType, ownerId: doc.ownerId, name: doc.name, sizeBytes: doc.sizeBytes } });
      });
    } catch (err) {
      return storeFailure(err, reply, doc);
    }
    return reply.status(204).send();
  });
};

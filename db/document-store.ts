import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ConfigError } from '../runtime/config';

/**
 * Why a document's bytes could not be read or written: the object is gone from the bucket ('missing'), the store did not
 * answer or refused ('unavailable'), or the row names a store this process is not configured for ('misconfigured').
 * The message names the document and the store, never a secret.
 */
export class DocumentStoreError extends Error {
  override name = 'DocumentStoreError';
  constructor(readonly reason: 'missing' | 'unavailable' | 'misconfigured', message: string) {
    super(message);
  }
}

/** Where the bytes of one document live, as the row records it. */
export type Placement = { store: 'postgres'; content: Buffer } | { store: 's3'; key: string };

/** Where the bytes of documents go. Metadata always stays in Postgres; Postgres (bytea) keeps the bytes by default. */
export interface DocumentStore {
  readonly kind: 'postgres' | 's3';
  /** A short description for logs and messages (no secrets): "Postgres", "S3 bucket docs at http://…". */
  readonly description: string;
  /**
   * Puts the bytes of a new document where they belong, before its row is written. The returned placement goes into
   * the row; `discard` removes what was written (called when the row is not committed).
   */
  put(documentId: string, content: Buffer, contentType: string): Promise<{ placement: Placement; discard(): Promise<void> }>;
  /** The bytes of an object this store wrote. */
  get(key: string): Promise<Buffer>;
  /** Removes an object; an object already gone is fine. */
  remove(key: string): Promise<void>;
  /** Checks at start that the store answers and the bucket exists; throws a ConfigError naming the variable. */
  check(): Promise<void>;
}

/** The default: the bytes stay in the row (`documents.content`), so database backups cover them. */
export const postgresDocumentStore: DocumentStore = {
  kind: 'postgres',
  description: 'Postgres',
  async put(_id, content) {
    return { placement: { store: 'postgres', content }, discard: async () => undefined };
  },
  async get() {
    throw new DocumentStoreError('misconfigured', 'this document is kept in S3, but DOCUMENT_STORE is not s3 in this process');
  },
  async remove() {
    throw new DocumentStoreError('misconfigured', 'this document is kept in S3, but DOCUMENT_STORE is not s3 in this process');
  },
  async check() {},
};

export interface S3Settings {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  keyPrefix: string;
}

const errorName = (err: unknown) => (err as { name?: string }).name ?? '';
const httpStatus = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
/** One line about a failure of the store for messages and logs: the error's name and status, or its system code. */
function why(err: unknown): string {
  if (err instanceof S3ServiceException) return `${err.name}${err.$metadata.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : ''}`;
  const code = (err as { code?: string }).code;
  return code ?? errorName(err) ?? 'error';
}

/**
 * The S3-compatible store (AWS S3, MinIO, Ceph, Garage …) through the AWS SDK. An object's key is derived from its
 * document id plus a random part: `<prefix><document id>/<uuid>`, so a retried or concurrent write of the same
 * document (a proposal's id is fixed per offer version) never replaces the object a committed row points to.
 */
export function s3DocumentStore(s: S3Settings): DocumentStore {
  const client = new S3Client({
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: s.forcePathStyle,
    credentials: s.accessKeyId && s.secretAccessKey ? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } : undefined,
    maxAttempts: 3,
    // Checksums only where the API requires them: several S3-compatible servers refuse the newer CRC headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
  const where = `S3 bucket ${s.bucket}${s.endpoint ? ` at ${redactUrl(s.endpoint)}` : ` in ${s.region}`}`;
  const unavailable = (what: string, err: unknown) => new DocumentStoreError('unavailable', `${what}: the document store (${where}) failed: ${why(err)}`);

  const store: DocumentStore = {
    kind: 's3',
    description: where,
    async put(documentId, content, contentType) {
      const key = `${s.keyPrefix}${documentId}/${randomUUID()}`;
      try {
        await client.send(new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: content, ContentType: contentType, ContentLength: content.length }));
      } catch (err) {
        throw unavailable('storing the document', err);
      }
      return { placement: { store: 's3', key }, discard: () => store.remove(key) };
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: key }));
        if (!res.Body) throw new DocumentStoreError('missing', `the document's content is missing from the ${where}`);
        return Buffer.from(await res.Body.transformToByteArray());
      } catch (err) {
        if (err instanceof DocumentStoreError) throw err;
        if (errorName(err) === 'NoSuchKey' || httpStatus(err) === 404) throw new DocumentStoreError('missing', `the document's content is missing from the ${where}`);
        throw unavailable('reading the document', err);
      }
    },
    async remove(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: key }));
      } catch (err) {
        if (errorName(err) === 'NoSuchKey' || httpStatus(err) === 404) return;
        throw unavailable('deleting the document', err);
      }
    },
    async check() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: s.bucket }), { abortSignal: AbortSignal.timeout(10_000) });
      } catch (err) {
        const status = httpStatus(err);
        if (status === 404 || errorName(err) === 'NotFound' || errorName(err) === 'NoSuchBucket') {
          throw new ConfigError(`S3_BUCKET: bucket "${s.bucket}" does not exist at ${s.endpoint ? redactUrl(s.endpoint) : `AWS S3 (${s.region})`}; create it first`);
        }
        if (status === 403 || status === 401) {
          throw new ConfigError(`S3_ACCESS_KEY_ID: the store refused these credentials for bucket "${s.bucket}" (HTTP ${status}); check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`);
        }
        if (status === 301 || errorName(err) === 'PermanentRedirect') {
          throw new ConfigError(`S3_REGION: bucket "${s.bucket}" is in another region than ${s.region}`);
        }
        throw new ConfigError(`S3_ENDPOINT: cannot reach the document store ${s.endpoint ? redactUrl(s.endpoint) : `AWS S3 (${s.region})`} (${why(err)})`);
      }
    },
  };
  return store;
}

function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.username) u.username = '***';
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

const optional = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
const bool = z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }).transform((v) => v === 'true' || v === '1');

/** The S3 variables, read only when DOCUMENT_STORE=s3. */
export const s3SettingsSchema = z.object({
  S3_BUCKET: z.string({ message: 'must be set when DOCUMENT_STORE=s3 (the bucket that keeps the documents)' })
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3-63 lowercase letters, digits, dots and hyphens'),
  S3_REGION: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region name such as us-east-1').default('us-east-1'),
  S3_ENDPOINT: z.string().refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && (u.pathname === '/' || u.pathname === '');
    } catch {
      return false;
    }
  }, 'must be a URL such as https://s3.example.com or http://127.0.0.1:9000 (no path, no credentials in it)').optional(),
  S3_ACCESS_KEY_ID: z.string().min(3, 'is too short to be an access key id').optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(8, 'is too short to be a secret access key').optional(),
  S3_FORCE_PATH_STYLE: bool.optional(),
  S3_KEY_PREFIX: z.string().regex(/^([A-Za-z0-9!_.*'()-]+\/)*$/, 'must be empty or folder names ending in "/", e.g. leadflow/documents/').default('documents/'),
});

/**
 * The S3 settings from the environment, validated; the message of a refusal names the variable and never shows a secret.
 * @example s3SettingsFromEnv({ S3_BUCKET: 'docs', S3_ENDPOINT: 'http://127.0.0.1:9000' }) // { bucket: 'docs', forcePathStyle: true, … }
 */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv): S3Settings {
  const raw = Object.fromEntries(Object.keys(s3SettingsSchema.shape).map((k) => [k, optional(env[k])]));
  const parsed = s3SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    const shown = key === 'S3_SECRET_ACCESS_KEY' || key === 'S3_ACCESS_KEY_ID' || raw[key] === undefined ? '' : ` (got ${JSON.stringify(raw[key])})`;
    throw new ConfigError(`${key}: ${issue.message}${shown}`);
  }
  const d = parsed.data;
  if (Boolean(d.S3_ACCESS_KEY_ID) !== Boolean(d.S3_SECRET_ACCESS_KEY)) {
    const missing = d.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID';
    throw new ConfigError(`${missing}: must be set together with ${missing === 'S3_ACCESS_KEY_ID' ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'} (or leave both unset to use the AWS default credentials)`);
  }
  return {
    bucket: d.S3_BUCKET, region: d.S3_REGION, endpoint: d.S3_ENDPOINT?.replace(/\/$/, ''), accessKeyId: d.S3_ACCESS_KEY_ID, secretAccessKey: d.S3_SECRET_ACCESS_KEY,
    // Most S3-compatible servers answer on one host name: path-style by default when an endpoint is given.
    forcePathStyle: d.S3_FORCE_PATH_STYLE ?? Boolean(d.S3_ENDPOINT),
    keyPrefix: d.S3_KEY_PREFIX,
  };
}

/** Stores built from the same settings are shared (one S3 client and its connection pool per process). */
const built = new Map<string, DocumentStore>();

/** The store for these settings: Postgres, or one S3 client per distinct S3 configuration. */
export function documentStoreFor(kind: 'postgres' | 's3', env: NodeJS.ProcessEnv): DocumentStore {
  if (kind === 'postgres') return postgresDocumentStore;
  const settings = s3SettingsFromEnv(env);
  const id = JSON.stringify(settings);
  let store = built.get(id);
  if (!store) {
    store = s3DocumentStore(settings);
    built.set(id, store);
  }
  return store;
}

import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/client';
import { hashToken, newSecret, sameSecret } from './tokens';

/** Scope of partner keys: capture leads. */
export const LEAD_CAPTURE_SCOPE = 'lead:capture';
/** Scope of developer keys: activity workers register the activity types they serve and send heartbeats. */
export const ACTIVITY_REGISTER_SCOPE = 'activity:register';
export const apiKeyScopes = [LEAD_CAPTURE_SCOPE, ACTIVITY_REGISTER_SCOPE] as const;
/** `request.partnerKeyId` when the shared key from PARTNER_API_KEY was used (kept for backwards compatibility). */
export const SHARED_PARTNER_KEY_ID = 'shared-partner-key';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  owner?: string | null;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/**
 * Creates a key (a partner key unless other scopes are given); the plain key is returned once and only its sha256
 * is stored. `owner` names the team a developer key registers activity types for (default: the key's name).
 */
export async function createApiKey(sql: Sql, name: string, createdBy: string, opts: { scopes?: string[]; owner?: string } = {}): Promise<{ row: ApiKeyRow; key: string }> {
  const key = newSecret('lfk');
  const scopes = opts.scopes?.length ? opts.scopes : [LEAD_CAPTURE_SCOPE];
  const owner = scopes.includes(ACTIVITY_REGISTER_SCOPE) ? (opts.owner ?? name) : null;
  const [row] = await sql<ApiKeyRow[]>`
    insert into api_keys (id, name, prefix, key_hash, scopes, owner, created_by)
    values (${randomUUID()}, ${name}, ${key.slice(0, 10)}, ${hashToken(key)}, ${scopes}, ${owner}, ${createdBy})
    returning id, name, prefix, scopes, owner, created_by, created_at, revoked_at, last_used_at`;
  return { row: row!, key };
}

/**
 * The id of the key that may use `scope`, or undefined. Unknown, revoked and out-of-scope keys all
 * answer undefined, so the caller cannot tell them apart either.
 */
export async function verifyApiKey(sql: Sql, key: string, scope: string, sharedKey?: string): Promise<string | undefined> {
  if (sharedKey && scope === LEAD_CAPTURE_SCOPE && sameSecret(key, sharedKey)) return SHARED_PARTNER_KEY_ID;
  const [row] = await sql<{ id: string }[]>`
    update api_keys set last_used_at = now()
    where key_hash = ${hashToken(key)} and revoked_at is null and ${scope} = any(scopes)
    returning id`;
  return row?.id;
}

/**
 * The developer key behind `key`: 401 for an unknown or revoked key, 403 naming the missing scope for a key
 * that may not register activity types (a partner key, say).
 */
export async function verifyDeveloperKey(sql: Sql, key: string): Promise<{ id: string; owner: string } | { refused: 'unknown' | 'scope' }> {
  const [row] = await sql<{ id: string; owner: string | null; name: string; scopes: string[] }[]>`
    update api_keys set last_used_at = now() where key_hash = ${hashToken(key)} and revoked_at is null
    returning id, owner, name, scopes`;
  if (!row) return { refused: 'unknown' };
  if (!row.scopes.includes(ACTIVITY_REGISTER_SCOPE)) return { refused: 'scope' };
  return { id: row.id, owner: row.owner ?? row.name };
}

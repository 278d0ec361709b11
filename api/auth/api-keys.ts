import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/client';
import { hashToken, newSecret, sameSecret } from './tokens';

/** The only scope a partner key can carry today. */
export const LEAD_CAPTURE_SCOPE = 'lead:capture';
/** `request.partnerKeyId` when the shared key from PARTNER_API_KEY was used (kept for backwards compatibility). */
export const SHARED_PARTNER_KEY_ID = 'shared-partner-key';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** Creates a key; the plain key is returned once and only its sha256 is stored. */
export async function createApiKey(sql: Sql, name: string, createdBy: string): Promise<{ row: ApiKeyRow; key: string }> {
  const key = newSecret('lfk');
  const [row] = await sql<ApiKeyRow[]>`
    insert into api_keys (id, name, prefix, key_hash, scopes, created_by)
    values (${randomUUID()}, ${name}, ${key.slice(0, 10)}, ${hashToken(key)}, ${[LEAD_CAPTURE_SCOPE]}, ${createdBy})
    returning id, name, prefix, scopes, created_by, created_at, revoked_at, last_used_at`;
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

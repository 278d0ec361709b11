import type { Sql } from '../../db/client';

/**
 * Actions written to the audit log. Other areas add theirs here (dot-separated: `<target>.<verb>`), so the
 * admin's filter list and the log stay consistent.
 */
export type AuditAction =
  | 'user.created' | 'user.updated' | 'user.role_changed' | 'user.disabled' | 'user.enabled' | 'user.password_reset'
  | 'user.password_changed' | 'team.created' | 'team.updated'
  | 'api_key.created' | 'api_key.revoked'
  | 'pipeline.published' | 'rule_set.published' | 'lead.reassigned' | 'lead.exported' | 'lead.migrated'
  | 'pipeline.renamed' | 'pipeline.duplicated' | 'pipeline.archived' | 'pipeline.restored' | 'pipeline.rolled_back'
  | 'pipeline.entry_rules_changed' | 'lead.retried'
  | (string & {});

export interface AuditEntry {
  /** The user who acted; null for the system (workflows, start-up). */
  actorId: string | null;
  action: AuditAction;
  targetType?: string;
  targetId?: string;
  /** What changed: before/after values, counts, filters of an export. Never secrets. */
  details?: Record<string, unknown>;
}

/**
 * Records who did what, when, to which object. Call it in the same transaction as the change when there is one.
 * @example await audit(tx, { actorId: req.user!.id, action: 'lead.reassigned', targetType: 'lead', targetId: id, details: { from, to } });
 */
export async function audit(sql: Sql, entry: AuditEntry): Promise<void> {
  await sql`
    insert into audit_log (actor_id, action, target_type, target_id, details)
    values (${entry.actorId}, ${entry.action}, ${entry.targetType ?? null}, ${entry.targetId ?? null}, ${sql.json((entry.details ?? {}) as never)})`;
}

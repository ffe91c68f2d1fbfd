// The audit log of admin changes. Written with the change, in the same transaction, so neither exists
// without the other; the table refuses updates and deletes.
import type { Db } from '@sora-studio/shared';

export interface AuditEntry {
  /** 'admin-key', or the id of the admin user who made the change. */
  actor: string;
  /** What happened, `<noun>.<past tense>`: 'user.disabled', 'api_key.revoked'. */
  action: string;
  targetId: string;
  data?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insertInto('auditLog').values({ actor: entry.actor, action: entry.action, targetId: entry.targetId, data: entry.data ?? {} }).execute();
}

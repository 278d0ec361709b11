import type { Sql } from '../db/client';
import { currentWorkflowId } from './context';

/** Writes one row per smoke workflow; a retry or a replay hits the primary key and writes nothing more. */
export function createSmokeActivities({ sql }: { sql: Sql }) {
  return {
    async recordSmokeRun(note: string): Promise<{ written: boolean }> {
      const workflowId = currentWorkflowId();
      const rows = await sql`
        insert into smoke_runs (workflow_id, note) values (${workflowId}, ${note})
        on conflict (workflow_id) do nothing
        returning workflow_id`;
      return { written: rows.length === 1 };
    },
  };
}

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../../db/client';
import { getPipelineVersion, type PublishedPipeline } from '../../db/pipelines';
import { formSubmittedSignal } from '../../engine/lead/messages';
import type { CaptureInput } from '../../engine/lead/types';
import { leadWorkflow } from '../../engine/lead/workflow';

interface InboxRow {
  submission_id: string;
  lead_id: string;
  dedupe_key: string;
  input: { pipelineId: string; pipelineVersion: number; capture: CaptureInput };
  attempts: number;
  created_at: Date;
}

/**
 * Hands accepted captures to Temporal: claims pending inbox rows (several API replicas never take the same row),
 * signals-with-start each lead's workflow, and marks the row done. Failures are retried with backoff; nothing is
 * dropped. `kick()` wakes it right after an insert, so a lead is usually on its way within milliseconds.
 */
export class CaptureDispatcher {
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private pipelines = new Map<string, PublishedPipeline>();

  constructor(private readonly deps: { sql: Sql; temporal: Client; taskQueue: string; log: FastifyBaseLogger; batch?: number; databaseDown?: () => boolean }) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  kick(): void {
    this.wake?.();
  }

  /** Dispatches everything pending once (used by tests and at shutdown). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.dispatchBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let n = 0;
      try {
        // While the database is known to be down there is nothing to claim; the breaker's probe notices its return.
        if (!this.deps.databaseDown?.()) n = await this.dispatchBatch();
      } catch (err) {
        this.deps.log.error({ err }, 'capture dispatcher: batch failed; retrying');
      }
      if (n > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async dispatchBatch(): Promise<number> {
    const { sql } = this.deps;
    const rows = await sql<InboxRow[]>`
      update capture_inbox set claimed_until = now() + interval '30 seconds', attempts = attempts + 1
      where submission_id in (
        select submission_id from capture_inbox
        where dispatched_at is null and (claimed_until is null or claimed_until < now())
        order by created_at limit ${this.deps.batch ?? 64}
        for update skip locked)
      returning submission_id, lead_id, dedupe_key, input, attempts, created_at`;
    if (!rows.length) return 0;
    // Captures of one lead go in the order they were accepted (the first one starts the workflow with its data);
    // different leads go in parallel.
    const byLead = new Map<string, InboxRow[]>();
    for (const row of [...rows].sort((a, b) => a.created_at.getTime() - b.created_at.getTime())) byLead.set(row.lead_id, [...(byLead.get(row.lead_id) ?? []), row]);
    const done: string[] = [];
    await Promise.all([...byLead.values()].map(async (same) => {
      for (const row of same) if (await this.dispatch(row)) done.push(row.submission_id);
    }));
    // One statement marks the whole batch dispatched (a crash before it re-dispatches: the workflow ignores a
    // submission id it has seen).
    if (done.length) await sql`update capture_inbox set dispatched_at = now(), last_error = null where submission_id in ${sql(done)}`;
    return rows.length;
  }

  private async pipeline(id: string, version: number): Promise<PublishedPipeline> {
    const key = `${id}@${version}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = await getPipelineVersion(this.deps.sql, id, version);
      if (!p) throw new Error(`pipeline ${key} is not published`);
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** Hands one capture to Temporal; true when it arrived (the caller marks it dispatched). */
  private async dispatch(row: InboxRow): Promise<boolean> {
    const { sql, temporal, taskQueue } = this.deps;
    const { capture, pipelineId, pipelineVersion } = row.input;
    try {
      const pipeline = await this.pipeline(pipelineId, pipelineVersion);
      try {
        await temporal.workflow.signalWithStart(leadWorkflow, {
          workflowId: row.lead_id,
          taskQueue,
          args: [{ leadId: row.lead_id, dedupeKey: row.dedupe_key, pipelineId, pipelineVersion, pipeline: pipeline.document, capture }],
          signal: formSubmittedSignal,
          signalArgs: [capture],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        // The lead's process has ended (won or lost): keep the submission on its timeline for the owner to see.
        await sql`insert into lead_events (event_key, lead_id, type, actor, context)
          values (${`${row.lead_id}:submission:${capture.submissionId}`}, ${row.lead_id}, 'form_submitted_after_close', ${capture.source},
                  ${sql.json({ submissionId: capture.submissionId, message: capture.message ?? null } as never)})
          on conflict do nothing`;
        await sql`update leads set form_submissions = form_submissions + 1, last_engaged_at = now() where id = ${row.lead_id}`;
      }
      return true;
    } catch (err) {
      const backoff = Math.min(300, 2 ** Math.min(row.attempts, 8));
      this.deps.log.warn({ submissionId: row.submission_id, attempts: row.attempts, err: (err as Error).message }, 'capture dispatch failed; will retry');
      await sql`update capture_inbox set last_error = ${(err as Error).message.slice(0, 500)}, claimed_until = now() + ${backoff + ' seconds'}::interval
                where submission_id = ${row.submission_id}`.catch(() => undefined);
      return false;
    }
  }
}

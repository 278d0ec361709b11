import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors';

/**
 * Runs a rep action as a workflow update and maps refusals to 409 with the workflow's reason
 * (e.g. "only a qualified lead with an accepted offer can be won").
 */
export async function runLeadUpdate<T>(app: FastifyInstance, leadId: string, fn: (handle: ReturnType<FastifyInstance['temporal']['workflow']['getHandle']>) => Promise<T>): Promise<T> {
  const handle = app.temporal.workflow.getHandle(leadId);
  try {
    return await fn(handle);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = (err.cause as Error | undefined)?.message ?? err.message;
      throw new DomainError('conflict', cause);
    }
    if (err instanceof WorkflowNotFoundError || /already completed|not found/i.test((err as Error).message ?? '')) {
      throw new DomainError('conflict', 'this lead is closed (won or lost); no further actions are possible');
    }
    throw err;
  }
}

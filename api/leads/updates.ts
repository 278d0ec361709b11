import { createHash, randomUUID } from 'node:crypto';
import {
  isGrpcCancelledError, isGrpcDeadlineError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, type UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, unavailable } from '../errors';

/** How long a rep action may take before the API answers 503 (the update itself goes on and completes once). */
export const ACTION_DEADLINE_MS = 10_000;
/** Seconds a client should wait before retrying an action that did not finish in time. */
const RETRY_AFTER_SECONDS = 5;

type Problem = { path: string; message: string };

/** The first failure in an error's cause chain that says why (an ApplicationFailure or an operator's cancellation). */
function reasonOf(err: Error | undefined): ApplicationFailure | CancelledFailure | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ApplicationFailure || e instanceof CancelledFailure) return e;
  }
  return undefined;
}

/** "offerId: offer … is not one of this lead's offers" names the field `body.offerId`. */
function problemsOf(message: string): Problem[] | undefined {
  const m = /^([A-Za-z]+(?:\[\d+\])?):\s+(.*)$/.exec(message);
  return m ? [{ path: `body.${m[1]}`, message: m[2]! }] : undefined;
}

/** Maps the failure of an update to what the client sees: 422 for refused values, 409 for refused transitions. */
function updateFailure(err: WorkflowUpdateFailedError): DomainError {
  const reason = reasonOf(err.cause);
  if (reason instanceof CancelledFailure) return new DomainError('conflict', 'an operator cancelled this step; nothing was changed by it, try again');
  const message = reason?.message || (err.cause as Error | undefined)?.message || err.message;
  if (reason?.type === 'InvalidInput') return new DomainError('unprocessable', message, problemsOf(message));
  return new DomainError('conflict', message);
}

function isDeadline(err: unknown): boolean {
  return err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err) || isGrpcCancelledError(err);
}

/**
 * Runs a query or update against a lead's workflow within 10 s (503 + Retry-After after that: no worker, a busy
 * lead) and maps refusals: 409 with the workflow's reason (e.g. "only a qualified lead with an accepted offer can be
 * won"), 422 for a value the lead cannot take.
 */
export async function runLeadUpdate<T>(app: FastifyInstance, leadId: string, fn: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
  const handle = app.temporal.workflow.getHandle(leadId);
  try {
    return await app.temporal.connection.withDeadline(Date.now() + ACTION_DEADLINE_MS, () => fn(handle));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw updateFailure(err);
    if (err instanceof WorkflowNotFoundError || /already completed|not found/i.test((err as Error).message ?? '')) {
      throw new DomainError('conflict', 'this lead is closed (won or lost); no further actions are possible');
    }
    if (isDeadline(err)) {
      throw unavailable(`the lead did not finish this action within ${ACTION_DEADLINE_MS / 1000} s; retry with the same Idempotency-Key (it runs at most once)`, RETRY_AFTER_SECONDS);
    }
    throw err;
  }
}

/** The client's `Idempotency-Key` header (printable ASCII, at most 200 characters), or undefined. */
export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new DomainError('bad_request', 'Idempotency-Key: must be 1 to 200 printable characters without spaces', [
      { path: 'headers.idempotency-key', message: 'must be 1 to 200 printable characters without spaces' },
    ]);
  }
  return key;
}

/**
 * Ids of one rep action: the update id and the id of the record it creates. With an `Idempotency-Key` both derive
 * from it, so a retry after a 503 attaches to the same update instead of running the action twice.
 * @example actionIds('visits', 'vis', 'abc') // { updateId: 'visits:…', recordId: 'vis-…' }
 */
export function actionIds(action: string, prefix: string, key: string | undefined, userId: string): { updateId: string; recordId: string } {
  const stem = key ? createHash('sha256').update(`${userId}\u0000${action}\u0000${key}`).digest('hex').slice(0, 32) : randomUUID();
  return { updateId: `${action}:${stem}`, recordId: `${prefix}-${stem}` };
}

/**
 * Runs a rep action as a workflow update with a deadline: within 10 s it answers with the result or the refusal;
 * after that 503 + Retry-After while the update goes on (at most once per `updateId`).
 */
export async function runLeadAction<Ret, Args extends [any, ...any[]]>(
  app: FastifyInstance, leadId: string, update: UpdateDefinition<Ret, Args>, args: Args, updateId: string,
): Promise<Ret> {
  return runLeadUpdate(app, leadId, (h) => h.executeUpdate(update, { args, updateId }));
}

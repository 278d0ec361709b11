import { ApplicationFailure } from '@temporalio/activity';
import { refusalOf } from '../../db/refusals';

/** The failure type of a write the database refused because of its input; workflows list it as non-retryable. */
export const INVALID_INPUT = 'InvalidInput';

/**
 * The readable reason when `err` is a database refusal caused by the input (retrying cannot help), else undefined.
 * @example invalidInputReason({ code: '22003' }) // 'the database refused the write: a number is too large for its field'
 */
export function invalidInputReason(err: unknown): string | undefined {
  const r = refusalOf(err);
  // The detail names the column and value ("Key (offer_id)=(nope) is not present in table \"offers\"."): the rep's own input.
  return r && `the database refused the write: ${r.what}${r.detail ? ` (${r.detail})` : ''}`;
}

/** Turns a database refusal of the input into a non-retryable `InvalidInput` failure; anything else is rethrown (transient: retried). */
export function classifyFailure(err: unknown): never {
  if (err instanceof ApplicationFailure) throw err;
  const reason = invalidInputReason(err);
  if (reason) throw ApplicationFailure.create({ message: reason, type: INVALID_INPUT, nonRetryable: true, cause: err instanceof Error ? err : undefined });
  throw err;
}

/**
 * Wraps every activity of a factory so a refused write fails once with a readable reason instead of being retried
 * forever (which would hold the lead's lock and wedge it).
 * @example return withFailureClassification({ async recordVisit(a) { … } });
 */
export function withFailureClassification<T extends Record<string, (...args: any[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, (...args: any[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        return classifyFailure(err);
      }
    };
  }
  return wrapped as T;
}

/** Undo/redo stacks of snapshots; pure, so the store and the tests share it. */
export interface History<T> { past: T[]; future: T[] }

export const emptyHistory = <T>(): History<T> => ({ past: [], future: [] });
export const HISTORY_LIMIT = 100;

/** Remembers `present` before a change; a new change clears redo. */
export function record<T>(h: History<T>, present: T, limit = HISTORY_LIMIT): History<T> {
  return { past: [...h.past, present].slice(-limit), future: [] };
}

/** Steps back: returns the snapshot to restore, or undefined when there is nothing to undo. */
export function undo<T>(h: History<T>, present: T): { history: History<T>; state: T } | undefined {
  const prev = h.past[h.past.length - 1];
  if (prev === undefined) return undefined;
  return { history: { past: h.past.slice(0, -1), future: [present, ...h.future] }, state: prev };
}

/** Steps forward again after an undo. */
export function redo<T>(h: History<T>, present: T): { history: History<T>; state: T } | undefined {
  const next = h.future[0];
  if (next === undefined) return undefined;
  return { history: { past: [...h.past, present], future: h.future.slice(1) }, state: next };
}

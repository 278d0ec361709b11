/**
 * Counts the statements a postgres.js pool sends, by statement text, through the client's `debug` hook (called once
 * per statement a connection writes, prepared or not). Bench-only: it attaches to a running pool and detaches again.
 *
 * @example
 * ```ts
 * const counter = countStatements(sql);
 * await work();
 * counter.stop(); counter.total // 1234; counter.top(10) // [{ statement: 'select …', n: 400 }, …]
 * ```
 */
import type { Sql } from '../../db/client';

type DebugHook = (connection: number, query: string, parameters: unknown[], types: unknown[]) => void;

export interface StatementCounter {
  readonly total: number;
  /** Starts a new window: counts from zero. */
  reset(): void;
  /** The most frequent statements (whitespace collapsed, cut to `width` characters). */
  top(n: number, width?: number): { statement: string; n: number }[];
  stop(): void;
}

export function countStatements(sql: Sql): StatementCounter {
  const options = (sql as unknown as { options: { debug?: DebugHook | boolean } }).options;
  const previous = options.debug;
  const byText = new Map<string, number>();
  let total = 0;
  options.debug = (_connection, query) => {
    total++;
    byText.set(query, (byText.get(query) ?? 0) + 1);
  };
  return {
    get total() {
      return total;
    },
    reset() {
      total = 0;
      byText.clear();
    },
    top(n, width = 110) {
      const merged = new Map<string, number>();
      for (const [q, c] of byText) {
        const key = q.replace(/\s+/g, ' ').trim().slice(0, width);
        merged.set(key, (merged.get(key) ?? 0) + c);
      }
      return [...merged].sort((a, b) => b[1] - a[1]).slice(0, n).map(([statement, c]) => ({ statement, n: c }));
    },
    stop() {
      options.debug = previous;
    },
  };
}

// Which database errors are refusals of the input (retrying cannot help) rather than faults of the server.

/** What a refused value means, by SQLSTATE (classes 22 "data exception" and 23 "integrity constraint violation"). */
const meanings: Record<string, string> = {
  '22001': 'a text is longer than its field allows',
  '22003': 'a number is too large for its field',
  '22007': 'a date is not valid',
  '22008': 'a date is out of range',
  '22021': 'a text contains a character that cannot be stored',
  '22P02': 'a value has the wrong format',
  '22P05': 'a text contains a character that cannot be stored',
  '23502': 'a required value is missing',
  '23503': 'it refers to a record that does not exist',
  '23505': 'a record with this key already exists',
  '23514': 'a value is not allowed here',
};

export interface Refusal {
  /** SQLSTATE, e.g. `22003`. */
  code: string;
  /** True for integrity violations (class 23), false for malformed or out-of-range values (class 22). */
  integrity: boolean;
  /** A readable sentence without values. */
  what: string;
  /** Postgres's detail (names the column and value), when there is one. */
  detail?: string;
}

/**
 * The refusal behind a postgres.js error, or undefined when the error is something else (connection, timeout …).
 * @example refusalOf({ code: '22003' })?.what // 'a number is too large for its field'
 */
export function refusalOf(err: unknown): Refusal | undefined {
  const e = err as { code?: unknown; detail?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (!code || !/^2[23][0-9A-Z]{3}$/.test(code)) return undefined;
  const integrity = code.startsWith('23');
  const what = meanings[code] ?? (integrity ? 'a value breaks an integrity rule' : 'a value is not valid for its field');
  return { code, integrity, what, detail: typeof e?.detail === 'string' ? e.detail : undefined };
}

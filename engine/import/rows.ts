import { captureBodySchema, type CaptureBody } from '../lead/schemas';
import type { ImportField, RowProblem } from './schemas';

/** A row turned into a capture, or the reasons it cannot be one (each naming its field). */
export type RowResult = { ok: true; body: CaptureBody } | { ok: false; problems: RowProblem[] };

/**
 * Maps one CSV record to a capture body and validates it with the capture schema every other intake uses.
 * `headers` and `record` are aligned by position; a record with another number of columns is refused as a whole.
 * @example rowToCapture(['Name', 'E-Mail'], ['Ana', 'ana@acme.io'], { Name: 'name', 'E-Mail': 'email' }) // { ok: true, body: { name: 'Ana', email: 'ana@acme.io' } }
 */
export function rowToCapture(headers: readonly string[], record: readonly string[], mapping: Readonly<Record<string, ImportField>>): RowResult {
  if (record.length !== headers.length) {
    return { ok: false, problems: [{ field: '(row)', reason: `has ${record.length} column${record.length === 1 ? '' : 's'}, the header has ${headers.length}` }] };
  }
  const v: Partial<Record<ImportField, string>> = {};
  headers.forEach((h, i) => {
    const f = mapping[h];
    const value = record[i]?.trim();
    if (f && value) v[f] = value;
  });
  const problems: RowProblem[] = [];
  const body: Record<string, unknown> = {};
  const name = v.name ?? [v.firstName, v.lastName].filter(Boolean).join(' ');
  if (name) body.name = name;
  for (const f of ['email', 'phone', 'company', 'country', 'productInterest', 'message', 'jobTitle', 'industry'] as const) if (v[f]) body[f] = v[f];
  if (v.companySize) {
    const n = Number(v.companySize.replace(/[\s.,'](?=\d{3}\b)/g, ''));
    if (Number.isInteger(n)) body.companySize = n;
    else problems.push({ field: 'companySize', reason: `"${clip(v.companySize)}" is not a whole number` });
  }
  const parsed = captureBodySchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'name');
      const given = body[field];
      const reason = given === undefined ? (field === 'name' ? 'is missing' : issue.message) : `${issue.message} (got "${clip(String(given))}")`;
      if (!problems.some((p) => p.field === field)) problems.push({ field, reason });
    }
  }
  if (problems.length || !parsed.success) return { ok: false, problems };
  return { ok: true, body: parsed.data };
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

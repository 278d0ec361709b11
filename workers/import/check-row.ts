import { rowToCapture } from '../../engine/import/rows';
import type { ImportField, RowProblem } from '../../engine/import/schemas';
import { parsePhone, PhoneError, type CaptureBody } from '../../engine/lead/schemas';
import type { Db, Sql } from '../../db/client';

export interface RowContext { interests: Set<string>; defaultCountry?: string }
export type CheckedRow = { ok: true; body: CaptureBody; phone?: ReturnType<typeof parsePhone> } | { ok: false; problems: RowProblem[] };

/** What a row is checked against besides its own values: the product interests and the default phone country. */
export async function rowContext(db: Sql | Db): Promise<RowContext> {
  const interests = new Set((await db<{ code: string }[]>`select code from constants where category = 'product_interest' and active`).map((r) => r.code));
  const [setting] = await db<{ value: unknown }[]>`select value from settings where key = 'default_phone_country'`;
  return { interests, defaultCountry: typeof setting?.value === 'string' ? setting.value : undefined };
}

/** Every check a row passes before it becomes a capture; the preview and the import run the same ones. */
export function checkRow(headers: readonly string[], fields: readonly string[], mapping: Readonly<Record<string, ImportField>>, ctx: RowContext): CheckedRow {
  const r = rowToCapture(headers, fields, mapping);
  const problems: RowProblem[] = r.ok ? [] : [...r.problems];
  if (fields.some((f) => f.includes('\uFFFD'))) problems.push({ field: '(row)', reason: 'contains bytes that are not valid in the file\'s encoding' });
  let phone: ReturnType<typeof parsePhone> | undefined;
  if (r.ok) {
    if (r.body.productInterest && !ctx.interests.has(r.body.productInterest)) {
      problems.push({ field: 'productInterest', reason: `unknown product interest "${r.body.productInterest}"; known: ${[...ctx.interests].join(', ')}` });
    }
    if (r.body.phone) {
      try {
        phone = parsePhone(r.body.phone, r.body.country ?? ctx.defaultCountry);
      } catch (err) {
        if (!(err instanceof PhoneError)) throw err;
        problems.push({ field: 'phone', reason: `${err.message} (got "${r.body.phone}")` });
      }
    }
  }
  if (!r.ok || problems.length) return { ok: false, problems };
  return { ok: true, body: r.body, phone };
}

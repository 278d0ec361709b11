import { ApplicationFailure, Context } from '@temporalio/activity';
import { leadIdOf } from '../../api/leads/capture';
import { chooseEntry } from '../../api/pipelines/entry';
import type { Db, Sql } from '../../db/client';
import type { DedupeChoice, ImportField, ImportStatus, RowProblem } from '../../engine/import/schemas';
import type { ImportBatchResult } from '../../engine/import/types';
import { companyDomainOf, dedupeKeyOf, type CaptureBody } from '../../engine/lead/schemas';
import type { CaptureInput } from '../../engine/lead/types';
import type { ActivityDeps } from '../deps';
import { checkRow, rowContext } from './check-row';
import { readStoredRecords, type CsvEvent } from './csv-file';

interface ImportRow {
  id: string; status: ImportStatus; delimiter: string; headers: string[]; chunk_size: number; total_bytes: string;
  mapping: Record<string, ImportField>; dedupe: DedupeChoice; list_name: string; next_offset: string; next_line: number; created_by: string | null;
}

type Outcome = 'created' | 'merged' | 'skipped';
interface ValidRow { body: CaptureBody; phone?: { e164: string; legacy: string[]; country?: string }; row: number }

/** Tells Temporal the batch is alive (a worker that died is noticed within the heartbeat timeout); a no-op outside an activity. */
function heartbeat(): void {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    return;
  }
  ctx.heartbeat();
}

const isBlank = (fields: string[]) => fields.every((f) => !f.trim());

/**
 * The records of one batch: `batchRows` rows from the checkpoint, ending on a record (rows the parser could not read
 * after the last record wait for the next batch, which meets them again from its checkpoint), or everything to the end.
 */
export function takeBatch(events: CsvEvent[], batchRows: number, ended: boolean): { taken: CsvEvent[]; last?: Extract<CsvEvent, { kind: 'record' }>; complete: boolean } {
  const taken: CsvEvent[] = [];
  let pending: CsvEvent[] = [];
  let last: Extract<CsvEvent, { kind: 'record' }> | undefined;
  let rows = 0;
  for (const e of events) {
    if (e.kind === 'error') {
      pending.push(e);
      continue;
    }
    taken.push(...pending, e);
    rows += pending.length + 1;
    pending = [];
    last = e;
    if (rows >= batchRows) return { taken, last, complete: false };
  }
  if (ended) return { taken: [...taken, ...pending], last, complete: true };
  return { taken, last, complete: false };
}

/** Import activities: a batch of rows (one transaction with its checkpoint) and the import's status. */
export function createImportActivities({ sql }: ActivityDeps) {
  /**
   * Imports the valid rows of a batch with a handful of statements: who is known (claims of e-mail and phone, company
   * + name in this file and among the leads) is read at once, each row is decided in file order (a person earlier in
   * the batch counts as known), and the new claims, inbox rows, list tags are written in bulk. A claim someone else
   * took meanwhile (a web capture of the same person) makes the batch fail and retry, so it then joins that lead.
   */
  async function importRows(tx: Db, imp: ImportRow, rows: ValidRow[]): Promise<Record<Outcome, number>> {
    const counts: Record<Outcome, number> = { created: 0, merged: 0, skipped: 0 };
    if (!rows.length) return counts;
    const emails = [...new Set(rows.flatMap((r) => (r.body.email ? [r.body.email] : [])))];
    const phones = [...new Set(rows.flatMap((r) => (r.phone ? [r.phone.e164, ...r.phone.legacy] : [])))];
    const claims = new Map<string, string>();
    for (const c of await tx<{ kind: string; value: string; lead_id: string }[]>`
      select kind, value, lead_id from person_claims
      where (kind = 'email' and value = any(${emails}::text[])) or (kind = 'phone' and value = any(${phones}::text[]))`) claims.set(`${c.kind}:${c.value}`, c.lead_id);
    const companyKey = (b: CaptureBody) => (b.company ? `${b.company.toLowerCase()}|${b.name.toLowerCase()}` : undefined);
    const named = rows.filter((r) => r.body.company);
    const byCompany = new Map<string, string>();
    if (named.length) {
      const keys = [...new Set(named.map((r) => companyKey(r.body)!))];
      for (const s of await tx<{ key: string; lead_id: string }[]>`select key, lead_id from import_seen where import_id = ${imp.id} and key = any(${keys}::text[])`) byCompany.set(s.key, s.lead_id);
      const companies = named.map((r) => r.body.company!.toLowerCase());
      const names = named.map((r) => r.body.name.toLowerCase());
      for (const l of await tx<{ key: string; id: string }[]>`
        select lower(l.company) || '|' || lower(l.name) as key, l.id from leads l
        where l.company is not null and (lower(l.company), lower(l.name)) in (select * from unnest(${companies}::text[], ${names}::text[]))
        order by l.created_at desc`) byCompany.set(l.key, byCompany.get(l.key) ?? l.id);
    }
    const newClaims: { kind: string; value: string; lead_id: string }[] = [];
    const seen: { import_id: string; key: string; lead_id: string }[] = [];
    const inbox: { submission_id: string; lead_id: string; dedupe_key: string; input: unknown; duplicate: boolean }[] = [];
    const lists: { lead_id: string; list_name: string; import_id: string }[] = [];
    for (const { body, phone, row } of rows) {
      const email = body.email;
      const key = companyKey(body);
      const existing = (email ? claims.get(`email:${email}`) : undefined)
        ?? (phone ? claims.get(`phone:${phone.e164}`) ?? phone.legacy.map((v) => claims.get(`phone:${v}`)).find(Boolean) : undefined)
        ?? (key ? byCompany.get(key) : undefined);
      if (existing && imp.dedupe === 'skip') {
        counts.skipped++;
        continue;
      }
      let dedupeKey = dedupeKeyOf({ email, phone: phone?.e164 });
      let leadId: string;
      let outcome: Outcome;
      if (existing && imp.dedupe === 'create') {
        // A lead of its own although the person is known: its key names the file's row, and it claims nothing.
        dedupeKey = `import:${imp.id}:${row}`;
        leadId = leadIdOf(dedupeKey);
        outcome = 'created';
      } else {
        leadId = existing ?? leadIdOf(dedupeKey);
        outcome = existing ? 'merged' : 'created';
        for (const [kind, value] of [['email', email], ['phone', phone?.e164]] as const) {
          if (!value || claims.has(`${kind}:${value}`)) continue;
          claims.set(`${kind}:${value}`, leadId);
          newClaims.push({ kind, value, lead_id: leadId });
        }
      }
      if (key && !byCompany.has(key)) {
        byCompany.set(key, leadId);
        seen.push({ import_id: imp.id, key, lead_id: leadId });
      }
      counts[outcome]++;
      const capture: CaptureInput = {
        submissionId: `import-${imp.id}-${row}`, source: 'import', name: body.name, email, phone: phone?.e164, company: body.company,
        companyDomain: companyDomainOf(email), country: body.country ?? phone?.country, productInterest: body.productInterest,
        message: body.message, jobTitle: body.jobTitle, companySize: body.companySize, industry: body.industry,
        capturedAt: new Date().toISOString(), capturedBy: imp.created_by ?? undefined,
      };
      // Inside the batch's transaction: with one database connection (embedded PGlite) another would wait forever.
      const entry = await chooseEntry(tx as unknown as Sql, capture);
      if (!entry) throw ApplicationFailure.nonRetryable('no pipeline is published yet; publish one in the editor first', 'NoPipeline');
      capture.entry = entry;
      inbox.push({ submission_id: capture.submissionId, lead_id: leadId, dedupe_key: dedupeKey, input: tx.json({ pipelineId: entry.pipelineId, pipelineVersion: entry.version, capture } as never), duplicate: outcome === 'merged' });
      lists.push({ lead_id: leadId, list_name: imp.list_name, import_id: imp.id });
    }
    if (newClaims.length) {
      const taken = await tx`insert into person_claims ${tx(newClaims, 'kind', 'value', 'lead_id')} on conflict (kind, value) do nothing returning 1`;
      if (taken.length !== newClaims.length) throw new Error('a person in this batch was captured meanwhile; the batch is retried and joins that lead');
    }
    if (seen.length) await tx`insert into import_seen ${tx(seen, 'import_id', 'key', 'lead_id')} on conflict do nothing`;
    // The submission id names the import and row: a row written twice would be the same inbox row (a no-op).
    if (inbox.length) await tx`insert into capture_inbox ${tx(inbox as unknown as Record<string, string>[], 'submission_id', 'lead_id', 'dedupe_key', 'input', 'duplicate')} on conflict do nothing`;
    const uniqueLists = [...new Map(lists.map((l) => [l.lead_id, l])).values()];
    if (uniqueLists.length) await tx`insert into lead_lists ${tx(uniqueLists, 'lead_id', 'list_name', 'import_id')} on conflict do nothing`;
    return counts;
  }

  return {
    /**
     * Reads and imports the next `batchRows` rows after the import's checkpoint, and commits them with their errors,
     * counts and the new checkpoint in one transaction. The import row is locked meanwhile, so a retried attempt
     * that overlaps a slow one waits and then continues after it: no row is ever written twice.
     */
    async importBatch(a: { importId: string; batchRows: number }): Promise<ImportBatchResult> {
      const started = Date.now();
      return sql.begin(async (tx) => {
        const [imp] = await tx<ImportRow[]>`
          select id, status, delimiter, headers, chunk_size, total_bytes, mapping, dedupe, list_name, next_offset, next_line, created_by
          from imports where id = ${a.importId} for update`;
        if (!imp) throw ApplicationFailure.nonRetryable(`import ${a.importId} does not exist`, 'NotFound');
        if (imp.status === 'completed' || imp.status === 'cancelled' || imp.status === 'failed') return { rows: 0, done: true, elapsedMs: Date.now() - started };
        if (!imp.mapping || !imp.dedupe) throw ApplicationFailure.nonRetryable(`import ${a.importId} was not started (no mapping)`, 'InvalidInput');
        const file = { id: imp.id, delimiter: imp.delimiter, chunkSize: imp.chunk_size, totalBytes: Number(imp.total_bytes) };
        const start = { offset: Number(imp.next_offset), line: imp.next_line };
        const { events, ended } = await readStoredRecords(tx, file, start, (ev) => ev.reduce((n, e) => n + (e.kind === 'record' ? 1 : 0), 0) > a.batchRows);
        const { taken, last, complete } = takeBatch(events, a.batchRows, ended);

        const ctx = await rowContext(tx);
        const counts = { rows: 0, created: 0, merged: 0, skipped: 0, failed: 0 };
        const errors: { import_id: string; row_no: number; field: string; reason: string }[] = [];
        const fail = (row: number, problems: RowProblem[]) => {
          counts.failed++;
          for (const p of problems) if (!errors.some((e) => e.row_no === row && e.field === p.field)) errors.push({ import_id: imp.id, row_no: row, field: p.field, reason: p.reason });
        };
        const valid: ValidRow[] = [];
        for (const e of taken) {
          if (e.kind === 'error') {
            counts.rows++;
            fail(e.line, [{ field: '(row)', reason: e.reason }]);
            continue;
          }
          if (isBlank(e.fields)) continue;
          counts.rows++;
          if (counts.rows % 25 === 0) heartbeat();
          const r = checkRow(imp.headers, e.fields, imp.mapping, ctx);
          if (!r.ok) {
            fail(e.line, r.problems);
            continue;
          }
          valid.push({ body: r.body, phone: r.phone, row: e.line });
        }
        const outcomes = await importRows(tx, imp, valid);
        counts.created += outcomes.created;
        counts.merged += outcomes.merged;
        counts.skipped += outcomes.skipped;
        if (errors.length) {
          for (let i = 0; i < errors.length; i += 500) {
            await tx`insert into import_errors ${tx(errors.slice(i, i + 500), 'import_id', 'row_no', 'field', 'reason')} on conflict do nothing`;
          }
        }
        const next = complete ? { offset: file.totalBytes, line: (last?.endLine ?? start.line - 1) + 1 } : { offset: last!.endOffset, line: last!.endLine + 1 };
        await tx`
          update imports set next_offset = ${next.offset}, next_line = ${next.line},
            rows_done = rows_done + ${counts.rows}, created = created + ${counts.created}, merged = merged + ${counts.merged},
            skipped = skipped + ${counts.skipped}, failed = failed + ${counts.failed},
            running_seconds = running_seconds + coalesce(extract(epoch from now() - ticked_at), 0), ticked_at = now(), updated_at = now()
          where id = ${imp.id}`;
        return { rows: counts.rows, done: complete, elapsedMs: Date.now() - started };
      });
    },

    /** Records the import's status as its workflow moves (running, paused, completed, cancelled, failed). */
    async markImport(a: { importId: string; status: ImportStatus; error?: string }): Promise<void> {
      const terminal = a.status === 'completed' || a.status === 'cancelled' || a.status === 'failed';
      await sql`
        update imports set status = ${a.status}, error = coalesce(${a.error ?? null}, error),
          running_seconds = running_seconds + coalesce(extract(epoch from now() - ticked_at), 0),
          ticked_at = ${a.status === 'running' ? sql`now()` : null},
          finished_at = ${terminal ? sql`now()` : null}, updated_at = now()
        where id = ${a.importId} and status not in ('completed', 'cancelled', 'failed')`;
    },
  };
}

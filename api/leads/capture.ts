import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DatabaseDeadlineError, timeoutsOf, type Db } from '../../db/client';
import { companyDomainOf, dedupeKeyOf, parsePhone, PhoneError, type CaptureBody } from '../../engine/lead/schemas';
import type { CaptureInput } from '../../engine/lead/types';
import { DomainError, unprocessable } from '../errors';
import { chooseEntry } from '../pipelines/entry';

/** `Idempotency-Key`: up to 200 printable ASCII characters (a UUID is a good choice), chosen by the client per submission. */
export const idempotencyKeySchema = z.string()
  .regex(/^[\x20-\x7e]*$/, 'must be printable ASCII characters')
  .min(1, 'must not be empty').max(200, 'must be at most 200 characters');
/** Headers of the capture routes; every other header passes through untouched. */
export const captureHeadersSchema = z.looseObject({ 'idempotency-key': idempotencyKeySchema.optional() });

let interests: { at: number; codes: Set<string> } | undefined;
async function knownInterests(app: FastifyInstance): Promise<Set<string>> {
  if (interests && Date.now() - interests.at < 5000) return interests.codes;
  const rows = await app.sql<{ code: string }[]>`select code from constants where category = 'product_interest' and active`;
  interests = { at: Date.now(), codes: new Set(rows.map((r) => r.code)) };
  return interests.codes;
}

let phoneCountry: { at: number; code: string | undefined } | undefined;
/** The country national phone numbers are read in when a capture names none (setting `default_phone_country`, e.g. "DE"). */
export async function defaultPhoneCountry(app: FastifyInstance): Promise<string | undefined> {
  if (phoneCountry && Date.now() - phoneCountry.at < 5000) return phoneCountry.code;
  const [row] = await app.sql<{ value: unknown }[]>`select value from settings where key = 'default_phone_country'`;
  const code = typeof row?.value === 'string' && /^[A-Z]{2}$/.test(row.value) ? row.value : undefined;
  phoneCountry = { at: Date.now(), code };
  return code;
}

/** E.164 of a captured phone number, or 422 naming `phone` with the reason. */
function phoneOf(phone: string, country: string | undefined): ReturnType<typeof parsePhone> {
  try {
    return parsePhone(phone, country);
  } catch (err) {
    if (!(err instanceof PhoneError)) throw err;
    throw unprocessable(`phone: "${phone}" ${err.message}`, [{ path: 'body.phone', message: err.message }]);
  }
}

/** The longest a capture waits for its transaction; past it the client hears 503 and the transaction cannot commit. */
const MAX_CAPTURE_DEADLINE_MS = 5000;
/** Slack between the server-side commit deadline and the answer, for clock skew between API and database hosts. */
const DEADLINE_GRACE_MS = 300;

/** A concurrent request with the same Idempotency-Key committed first: roll back and answer what it answered. */
class IdempotencyRace extends Error {}

/** A pooled connection that the server had closed (a restart): another connection may well work. */
const isLostConnection = (err: unknown) =>
  ['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE', '57P01'].includes(String((err as { code?: unknown }).code));

export interface CaptureResult {
  leadId: string;
  /** True when the person was already known (the capture joined an existing or in-flight lead). */
  duplicate: boolean;
  /** The submission's id (the first one's, for a retry with the same Idempotency-Key); says nothing about the person. */
  submissionId: string;
}

/**
 * Captures a lead: validates, normalises and dedupes it, and commits it to the capture inbox; the dispatcher then
 * signals-with-start the lead's workflow. A second capture of the same person becomes an event on the existing lead,
 * never a second workflow: the person's e-mail and phone are claimed in the same transaction (see `claimPerson`).
 * The capture is answered only after its commit, within a deadline; a transaction still open at the deadline can no
 * longer commit (checked at COMMIT), so a capture the client was told failed is never kept. With an idempotency key,
 * the same key and body again answer the first answer without a second submission.
 */
export async function captureLead(
  app: FastifyInstance, body: CaptureBody, source: CaptureInput['source'], capturedBy?: string, idempotencyKey?: string,
): Promise<CaptureResult> {
  // One deadline for everything the capture reads and writes, so a capture answered 503 never carries on later.
  const deadlineMs = Math.min(timeoutsOf(app.sql).statementTimeoutMs, MAX_CAPTURE_DEADLINE_MS);
  const result = await withDeadline(deadlineMs, (acceptBy) => captureWithin(app, { body, source, capturedBy, idempotencyKey, deadlineMs, acceptBy }));
  app.captureDispatcher.kick();
  return result;
}

async function captureWithin(app: FastifyInstance, a: {
  body: CaptureBody; source: CaptureInput['source']; capturedBy?: string; idempotencyKey?: string; deadlineMs: number; acceptBy: Date;
}): Promise<CaptureResult> {
  const { body, source, capturedBy, idempotencyKey, deadlineMs, acceptBy } = a;
  if (body.productInterest) {
    const codes = await knownInterests(app);
    if (!codes.has(body.productInterest)) {
      throw unprocessable(`productInterest: unknown product interest "${body.productInterest}"`, [
        { path: 'body.productInterest', message: `unknown product interest; known: ${[...codes].join(', ')}` },
      ]);
    }
  }
  const parsedPhone = body.phone ? phoneOf(body.phone, body.country ?? await defaultPhoneCountry(app)) : undefined;
  const phone = parsedPhone?.e164;
  const dedupeKey = dedupeKeyOf({ email: body.email, phone });
  const scope = `${source}:${capturedBy ?? ''}`;
  const requestHash = idempotencyKey ? createHash('sha256').update(JSON.stringify(body)).digest('hex') : null;
  const capture: CaptureInput = {
    submissionId: randomUUID(), source, name: body.name, email: body.email, phone, company: body.company,
    companyDomain: companyDomainOf(body.email), country: body.country, productInterest: body.productInterest,
    message: body.message, jobTitle: body.jobTitle, companySize: body.companySize, industry: body.industry,
    capturedAt: new Date().toISOString(), capturedBy,
  };
  // The entry rules choose the pipeline (the default one takes the rest); the choice and why go on the timeline.
  const entry = await chooseEntry(app.sql, capture);
  if (!entry) throw new DomainError('conflict', 'no pipeline is published yet; publish one in the editor first');
  capture.entry = entry;
  const pipeline = { pipelineId: entry.pipelineId, version: entry.version };

  const attempt = (retry: boolean) => app.sql.begin(async (tx): Promise<CaptureResult> => {
    // A statement or an idle transaction past the deadline is ended by the server, releasing the person's claims.
    await tx`select set_config('statement_timeout', ${String(deadlineMs)}, true),
                    set_config('idle_in_transaction_session_timeout', ${String(deadlineMs + DEADLINE_GRACE_MS)}, true)`;
    // A retry after a lost connection looks for its own submission first: the lost attempt may have committed.
    const [prior] = idempotencyKey || retry ? await tx<{ submission_id: string; lead_id: string; duplicate: boolean; request_hash: string | null }[]>`
      select submission_id, lead_id, duplicate, request_hash from capture_inbox
      where ${idempotencyKey ? tx`idempotency_scope = ${scope} and idempotency_key = ${idempotencyKey}` : tx`false`}
         or submission_id = ${capture.submissionId}
      limit 1` : [];
    if (prior) {
      if (idempotencyKey && prior.request_hash !== requestHash) throw keyReused();
      return { leadId: prior.lead_id, duplicate: prior.duplicate, submissionId: prior.submission_id };
    }
    const claim = await claimPerson(tx, { email: body.email, phone, phoneLegacy: parsedPhone?.legacy, country: body.country ?? parsedPhone?.country }, leadIdOf(dedupeKey));
    // No conflict target: a concurrent request with the same key, or this very submission, makes it a no-op.
    const [row] = await tx`
      insert into capture_inbox (submission_id, lead_id, dedupe_key, input, idempotency_scope, idempotency_key, request_hash, duplicate, accept_by)
      values (${capture.submissionId}, ${claim.leadId}, ${dedupeKey},
              ${tx.json({ pipelineId: pipeline.pipelineId, pipelineVersion: pipeline.version, capture } as never)},
              ${idempotencyKey ? scope : null}, ${idempotencyKey ?? null}, ${requestHash}, ${claim.duplicate}, ${acceptBy})
      on conflict do nothing
      returning submission_id`;
    if (!row) throw new IdempotencyRace();
    return { ...claim, submissionId: capture.submissionId };
  });

  // Another attempt is made (before answering, within the same deadline) when the same key committed concurrently,
  // or when a pooled connection turned out to be closed (the database restarted): it reuses the submission id, so
  // an attempt that did commit is found instead of written twice. Past the deadline nothing new is started.
  for (let attemptNo = 0; ; attemptNo++) {
    if (Date.now() >= acceptBy.getTime()) throw new DatabaseDeadlineError(`the capture's deadline (${deadlineMs} ms) passed before it could be written`);
    try {
      return await attempt(attemptNo > 0);
    } catch (err) {
      const again = err instanceof IdempotencyRace || isLostConnection(err);
      if (!again || attemptNo >= 2) throw err;
    }
  }
}

const keyReused = () => unprocessable('Idempotency-Key: this key was already used for a different capture; send a new key with a new submission', [
  { path: 'headers.idempotency-key', message: 'was already used with a different body' },
]);

/**
 * The id a new lead gets: derived from its dedupe key, so it is stable for the person who created it (the CSV import
 * uses it too, so a person has one id whichever way they came).
 */
export const leadIdOf = (dedupeKey: string) => `lead-${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 20)}`;

/**
 * Runs `fn` with a commit deadline (`acceptBy`, stored with the row and checked by the database at COMMIT) and
 * rejects shortly after it. Past that point the transaction can no longer commit, so the 503 the client hears is true.
 */
async function withDeadline<T>(deadlineMs: number, fn: (acceptBy: Date) => Promise<T>): Promise<T> {
  const acceptBy = new Date(Date.now() + deadlineMs);
  let timer: NodeJS.Timeout | undefined;
  const work = fn(acceptBy);
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseDeadlineError(`the database did not commit the capture within ${deadlineMs} ms`)), deadlineMs + DEADLINE_GRACE_MS);
  });
  // The loser of the race still settles later (a rollback or a connection error); nobody waits for it.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Serialises the dedupe decision for a person: claims the e-mail, then the phone (always in this order, so two
 * captures never wait on each other crosswise). A value someone holds already names the lead to join, the e-mail's
 * owner first; a concurrent capture holding an uncommitted claim makes this one wait for its commit and then join
 * its lead. Values not claimed yet are claimed for the lead chosen, so every later capture of them joins it too.
 */
export async function claimPerson(
  tx: Db, person: { email?: string; phone?: string; phoneLegacy?: string[]; country?: string }, newLeadId: string,
): Promise<{ leadId: string; duplicate: boolean }> {
  const keys = [
    ...(person.email ? [{ kind: 'email', value: person.email }] : []),
    ...(person.phone ? [{ kind: 'phone', value: person.phone }] : []),
  ];
  let joined: string | undefined;
  const fresh: { kind: string; value: string }[] = [];
  for (const k of keys) {
    const [mine] = await tx`insert into person_claims (kind, value, lead_id) values (${k.kind}, ${k.value}, ${joined ?? newLeadId})
      on conflict (kind, value) do nothing returning lead_id`;
    if (mine) {
      fresh.push(k);
      // Claimed before phones were E.164: the same number in the form the earlier normaliser stored (national digits,
      // "+49 (0)…"), held by a lead of the same country. The E.164 claim taken above (held until commit) serialises
      // concurrent captures of the number, so only the first looks here and the others join what it chose.
      if (k.kind === 'phone' && person.phoneLegacy?.length) {
        const [legacy] = await tx<{ lead_id: string }[]>`
          select c.lead_id from person_claims c left join leads l on l.id = c.lead_id
          where c.kind = 'phone' and c.value in ${tx(person.phoneLegacy)} and (l.country is null or l.country = ${person.country ?? null} or ${person.country ?? null}::text is null)
          order by c.created_at limit 1`;
        if (legacy) joined ??= legacy.lead_id;
      }
      continue;
    }
    const [held] = await tx<{ lead_id: string }[]>`select lead_id from person_claims where kind = ${k.kind} and value = ${k.value}`;
    joined ??= held!.lead_id;
  }
  // The e-mail was new but the phone is known: the e-mail belongs to the known lead as well.
  if (joined && fresh.length) {
    for (const k of fresh) await tx`update person_claims set lead_id = ${joined} where kind = ${k.kind} and value = ${k.value}`;
  }
  return { leadId: joined ?? newLeadId, duplicate: Boolean(joined) };
}

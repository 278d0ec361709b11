import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { getLatestPublishedPipeline, type PublishedPipeline } from '../../db/pipelines';
import { companyDomainOf, dedupeKeyOf, normalisePhone, type CaptureBody } from '../../engine/lead/schemas';
import type { CaptureInput } from '../../engine/lead/types';
import { DomainError, unprocessable } from '../errors';

const PIPELINE_ID = 'default';
let cached: { at: number; value: PublishedPipeline } | undefined;

async function currentPipeline(app: FastifyInstance): Promise<PublishedPipeline> {
  if (cached && Date.now() - cached.at < 2000) return cached.value;
  const value = await getLatestPublishedPipeline(app.sql, PIPELINE_ID);
  if (!value) throw new DomainError('conflict', 'no pipeline is published yet; publish one in the editor first');
  cached = { at: Date.now(), value };
  return value;
}

let interests: { at: number; codes: Set<string> } | undefined;
async function knownInterests(app: FastifyInstance): Promise<Set<string>> {
  if (interests && Date.now() - interests.at < 5000) return interests.codes;
  const rows = await app.sql<{ code: string }[]>`select code from constants where category = 'product_interest' and active`;
  interests = { at: Date.now(), codes: new Set(rows.map((r) => r.code)) };
  return interests.codes;
}

/**
 * Captures a lead: validates, normalises and dedupes it, and commits it to the capture inbox; the dispatcher then
 * signals-with-start the lead's workflow, whose id comes from the dedupe key. A second capture of the same person
 * becomes an event on the existing lead, never a second workflow.
 */
export async function captureLead(app: FastifyInstance, body: CaptureBody, source: CaptureInput['source'], capturedBy?: string): Promise<{ leadId: string; duplicate: boolean }> {
  if (body.productInterest) {
    const codes = await knownInterests(app);
    if (!codes.has(body.productInterest)) {
      throw unprocessable(`productInterest: unknown product interest "${body.productInterest}"`, [
        { path: 'body.productInterest', message: `unknown product interest; known: ${[...codes].join(', ')}` },
      ]);
    }
  }
  const phone = body.phone ? normalisePhone(body.phone) : undefined;
  const dedupeKey = dedupeKeyOf({ email: body.email, phone });
  const [existing] = await app.sql<{ id: string }[]>`
    select id from leads where dedupe_key = ${dedupeKey}
       or (${body.email ?? null}::text is not null and email = ${body.email ?? null})
       or (${phone ?? null}::text is not null and phone = ${phone ?? null})
    union all
    select lead_id from capture_inbox where dedupe_key = ${dedupeKey} and dispatched_at is null
    limit 1`;
  const leadId = existing?.id ?? `lead-${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 20)}`;
  const capture: CaptureInput = {
    submissionId: randomUUID(), source, name: body.name, email: body.email, phone, company: body.company,
    companyDomain: companyDomainOf(body.email), country: body.country, productInterest: body.productInterest,
    message: body.message, jobTitle: body.jobTitle, companySize: body.companySize, industry: body.industry,
    capturedAt: new Date().toISOString(), capturedBy,
  };
  const pipeline = await currentPipeline(app);
  // Accepted once it is committed here; the dispatcher hands it to the lead's workflow (signal-with-start).
  await app.sql`
    insert into capture_inbox (submission_id, lead_id, dedupe_key, input)
    values (${capture.submissionId}, ${leadId}, ${dedupeKey},
            ${app.sql.json({ pipelineId: pipeline.pipelineId, pipelineVersion: pipeline.version, capture } as never)})`;
  app.captureDispatcher.kick();
  return { leadId, duplicate: Boolean(existing) };
}

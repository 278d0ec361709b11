import type { CaptureInput } from '../../engine/lead/types';
import type { Db } from '../../db/client';
import type { ActivityDeps } from '../deps';
import { recordEvent } from './events';

/** The company name as accounts are matched: case and whitespace do not matter ("ACME  GmbH" = "Acme GmbH"). */
export const accountNameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The account a captured person belongs to: the one with their business e-mail domain, else the one with their
 * company's name; a new account when neither matches (and a company is named). Concurrent captures of the same
 * company are serialised by advisory locks on the domain and the name, so they share one account.
 */
export async function linkAccount(tx: Db, c: Pick<CaptureInput, 'company' | 'companyDomain' | 'country' | 'industry' | 'companySize'>) {
  type Account = { id: string; industry: string | null; company_size: number | null };
  const key = c.company ? accountNameKey(c.company) : null;
  // Both locks in one round trip, domain first as before (unnest yields in array order).
  const locks = [...(c.companyDomain ? [`account-domain:${c.companyDomain}`] : []), ...(key ? [`account-name:${key}`] : [])];
  if (locks.length) await tx`select pg_advisory_xact_lock(hashtext(k)) from unnest(${locks}::text[]) as k`;
  if (c.companyDomain) {
    const [byDomain] = await tx<Account[]>`select id, industry, company_size from accounts where domain = ${c.companyDomain}`;
    if (byDomain) return byDomain;
  }
  if (!key) return null;
  const [byName] = await tx<Account[]>`
    select id, industry, company_size from accounts where lower(regexp_replace(btrim(name), '\s+', ' ', 'g')) = ${key} order by created_at, id limit 1`;
  if (byName) {
    // The account learns its domain from the first business e-mail seen for it.
    if (c.companyDomain) await tx`update accounts set domain = ${c.companyDomain} where id = ${byName.id} and domain is null`;
    return byName;
  }
  const [created] = await tx<Account[]>`
    insert into accounts (name, domain, country, industry, company_size)
    values (${c.company!.trim().replace(/\s+/g, ' ')}, ${c.companyDomain ?? null}, ${c.country ?? null}, ${c.industry ?? null}, ${c.companySize ?? null})
    returning id, industry, company_size`;
  return created!;
}

/** Writes the captured lead (and its account/contact) to the read side; safe to retry. */
export function createCaptureActivities({ sql }: ActivityDeps) {
  return {
    async recordCapture(a: { leadId: string; dedupeKey: string; pipelineId: string; pipelineVersion: number; capture: CaptureInput; nodeId: string }): Promise<void> {
      const c = a.capture;
      await sql.begin(async (tx) => {
        const existing = await tx`select 1 from leads where id = ${a.leadId}`;
        if (existing.length) return;
        const account = await linkAccount(tx as unknown as Db, c);
        const accountId = account?.id ?? null;
        // Contact, lead and its "captured" event in one statement (the transaction keeps the account link with them).
        const captured = tx.json({ source: c.source, submissionId: c.submissionId, pipeline: `${a.pipelineId} v${a.pipelineVersion}`, productInterest: c.productInterest } as never);
        await tx`
          with contact as (
            insert into contacts (account_id, name, email, phone, job_title) values (${accountId}, ${c.name}, ${c.email ?? null}, ${c.phone ?? null}, ${c.jobTitle ?? null}) returning id),
          lead as (
            insert into leads (id, dedupe_key, source, name, email, phone, company, company_domain, country, industry, company_size,
                               job_title, product_interest, message, pipeline_id, pipeline_version, node_id, account_id, contact_id, created_at)
            select ${a.leadId}, ${a.dedupeKey}, ${c.source}, ${c.name}, ${c.email ?? null}, ${c.phone ?? null}, ${c.company ?? null},
                   ${c.companyDomain ?? null}, ${c.country ?? null}, ${c.industry ?? account?.industry ?? null}, ${c.companySize ?? account?.company_size ?? null}, ${c.jobTitle ?? null},
                   ${c.productInterest ?? null}, ${c.message ?? null}, ${a.pipelineId}, ${a.pipelineVersion}, ${a.nodeId}, ${accountId},
                   contact.id, ${c.capturedAt}::timestamptz
            from contact
            on conflict (id) do nothing)
          insert into lead_events (event_key, lead_id, type, actor, stage, context, cause)
          values (${`${a.leadId}:captured`}, ${a.leadId}, 'captured', ${c.capturedBy ?? c.source}, 'captured', ${captured}, null)
          on conflict (event_key) do nothing`;
        if (c.entry) {
          await recordEvent(tx, {
            key: `${a.leadId}:entered`, leadId: a.leadId, type: 'pipeline_entered', actor: 'entry rules',
            context: { pipelineId: a.pipelineId, version: a.pipelineVersion, rule: c.entry.rule, reason: c.entry.reason },
            cause: { ruleSetId: 'entry-rules', ruleSetName: 'Entry rules', version: 0, matched: c.entry.matched ?? [] },
          });
        }
      });
    },

    async recordSubmission(a: { leadId: string; capture: CaptureInput }): Promise<void> {
      await sql.begin(async (tx) => {
        const [ev] = await tx`
          insert into lead_events (event_key, lead_id, type, actor, context)
          values (${`${a.leadId}:submission:${a.capture.submissionId}`}, ${a.leadId}, 'form_submitted', ${a.capture.source},
                  ${tx.json({ submissionId: a.capture.submissionId, message: a.capture.message ?? null, productInterest: a.capture.productInterest ?? null } as never)})
          on conflict (event_key) do nothing returning id`;
        if (ev) {
          await tx`update leads set form_submissions = form_submissions + 1, last_engaged_at = now(), updated_at = now(),
                   phone = coalesce(phone, ${a.capture.phone ?? null}), email = coalesce(email, ${a.capture.email ?? null})
                   where id = ${a.leadId}`;
        }
      });
    },

    async recordEngagement(a: { leadId: string; kind: string; at: string; mailId?: string }): Promise<void> {
      const key = `${a.leadId}:engaged:${a.kind}:${a.mailId ?? ''}:${a.at}`;
      await sql.begin(async (tx) => {
        const [ev] = await tx`insert into lead_events (event_key, lead_id, type, context)
          values (${key}, ${a.leadId}, 'email_engaged', ${tx.json({ kind: a.kind, mailId: a.mailId ?? null } as never)})
          on conflict (event_key) do nothing returning id`;
        if (ev) await tx`update leads set email_opens = email_opens + 1, last_engaged_at = ${a.at}, updated_at = now() where id = ${a.leadId}`;
      });
    },
  };
}

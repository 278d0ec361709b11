import { randomBytes } from 'node:crypto';
import type { Sql } from '../../db/client';

export interface LeadRow {
  id?: string;
  source?: 'web' | 'partner' | 'import' | 'manual';
  status?: string;
  stage?: string;
  country?: string | null;
  companySize?: number | null;
  industry?: string | null;
  jobTitle?: string | null;
  email?: string | null;
  phone?: string | null;
  ownerId?: string | null;
  teamId?: string | null;
  accountId?: string | null;
  formSubmissions?: number;
  emailOpens?: number;
  createdAt?: Date;
}

/** Inserts a lead straight into the read side (no workflow); returns its id. */
export async function insertLead(sql: Sql, l: LeadRow = {}): Promise<string> {
  const id = l.id ?? `lead-${randomBytes(5).toString('hex')}`;
  await sql`
    insert into leads (id, dedupe_key, source, status, stage, name, email, phone, country, company_size, industry, job_title,
                       owner_id, team_id, account_id, pipeline_id, pipeline_version, form_submissions, email_opens, created_at)
    values (${id}, ${id}, ${l.source ?? 'web'}, ${l.status ?? 'open'}, ${l.stage ?? 'new'}, ${`Lead ${id}`}, ${l.email ?? null}, ${l.phone ?? null},
            ${l.country ?? null}, ${l.companySize ?? null}, ${l.industry ?? null}, ${l.jobTitle ?? null},
            ${l.ownerId ?? null}, ${l.teamId ?? null}, ${l.accountId ?? null}, 'default', 1, ${l.formSubmissions ?? 1}, ${l.emailOpens ?? 0},
            ${l.createdAt ?? new Date()})`;
  return id;
}

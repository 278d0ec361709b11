import type { Sql } from './client';
import { templates as builtins } from '../workers/mail/templates';

/** An e-mail template as stored (or as built in, before anyone edited it). */
export interface StoredTemplate {
  name: string;
  subject: string;
  text: string;
  html: string | null;
  updatedBy: string | null;
  updatedAt: Date | null;
  /** The text the code ships with, for "reset" and for showing what changed. */
  builtin: { subject: string; text: string; html: string | null } | null;
}

interface Row { name: string; subject: string; body_text: string; body_html: string | null; updated_by: string | null; updated_at: Date }

const toTemplate = (r: Row): StoredTemplate => {
  const b = builtins[r.name];
  return {
    name: r.name, subject: r.subject, text: r.body_text, html: r.body_html, updatedBy: r.updated_by, updatedAt: r.updated_at,
    builtin: b ? { subject: b.subject, text: b.text, html: b.html ?? null } : null,
  };
};

/**
 * Inserts the built-in templates that are not stored yet; an edited template is never overwritten.
 * @example await ensureTemplates(sql); // 8 rows on a fresh database, no change afterwards
 */
export async function ensureTemplates(sql: Sql): Promise<void> {
  const names = Object.keys(builtins);
  await sql`
    insert into mail_templates (name, subject, body_text, body_html, updated_at)
    select * from unnest(${names}::text[], ${names.map((n) => builtins[n]!.subject)}::text[], ${names.map((n) => builtins[n]!.text)}::text[],
                         ${names.map((n) => builtins[n]!.html ?? null)}::text[], ${names.map(() => '1970-01-01T00:00:00Z')}::timestamptz[])
    on conflict (name) do nothing`;
}

export async function listTemplates(sql: Sql): Promise<StoredTemplate[]> {
  await ensureTemplates(sql);
  const rows = await sql<Row[]>`select name, subject, body_text, body_html, updated_by, updated_at from mail_templates order by name`;
  return rows.map(toTemplate);
}

export async function getTemplate(sql: Sql, name: string): Promise<StoredTemplate | undefined> {
  const [row] = await sql<Row[]>`select name, subject, body_text, body_html, updated_by, updated_at from mail_templates where name = ${name}`;
  if (row) return toTemplate(row);
  const b = builtins[name];
  return b ? { name, subject: b.subject, text: b.text, html: b.html ?? null, updatedBy: null, updatedAt: null, builtin: { subject: b.subject, text: b.text, html: b.html ?? null } } : undefined;
}

/** The stored source of a template for the mail activity, or undefined when only the built-in exists. */
export async function storedTemplateSource(sql: Sql, name: string): Promise<{ subject: string; text: string; html?: string } | undefined> {
  const [row] = await sql<Pick<Row, 'subject' | 'body_text' | 'body_html'>[]>`select subject, body_text, body_html from mail_templates where name = ${name}`;
  return row ? { subject: row.subject, text: row.body_text, ...(row.body_html ? { html: row.body_html } : {}) } : undefined;
}

/** Stores a template (in the caller's transaction, with its audit entry); returns the previous text. */
export async function saveTemplate(sql: Sql, t: { name: string; subject: string; text: string; html: string | null; by: string }): Promise<void> {
  await sql`
    insert into mail_templates (name, subject, body_text, body_html, updated_by, updated_at)
    values (${t.name}, ${t.subject}, ${t.text}, ${t.html}, ${t.by}, now())
    on conflict (name) do update set subject = excluded.subject, body_text = excluded.body_text, body_html = excluded.body_html,
      updated_by = excluded.updated_by, updated_at = now()`;
}

/**
 * The variables a lead's mail is rendered with, exactly as the mail activity builds them: the lead row (with
 * its owner's and manager's name and address), the recipient, the owner and the app's address.
 */
export async function leadMailVariables(sql: Sql, leadId: string, to: 'lead' | 'owner' | 'manager', appUrl: string) {
  const [lead] = await sql<Record<string, unknown>[]>`
    select l.*, o.name as owner_name, o.email as owner_email, o.notify_email as owner_notify,
           m.name as manager_name, m.email as manager_email, m.notify_email as manager_notify
    from leads l left join users o on o.id = l.owner_id left join teams t on t.id = coalesce(l.team_id, o.team_id) left join users m on m.id = t.manager_id
    where l.id = ${leadId}`;
  if (!lead) return undefined;
  const recipient = to === 'lead'
    ? { name: lead.name, email: lead.email, notify: true }
    : to === 'owner'
      ? { name: lead.owner_name, email: lead.owner_email, notify: lead.owner_notify }
      : { name: lead.manager_name, email: lead.manager_email, notify: lead.manager_notify };
  return { lead, recipient, owner: { name: lead.owner_name }, app_url: appUrl };
}

/** Column names of `leads` plus the joined owner/manager fields: what `lead.<field>` may name in a template. */
export async function leadVariableFields(sql: Sql): Promise<string[]> {
  const cols = await sql<{ column_name: string }[]>`select column_name from information_schema.columns where table_name = 'leads' and table_schema = current_schema()`;
  return [...cols.map((c) => c.column_name), 'owner_name', 'owner_email', 'owner_notify', 'manager_name', 'manager_email', 'manager_notify'];
}

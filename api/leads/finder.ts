import { z } from 'zod';
import type { Sql } from '../../db/client';
import { leadFinderParams, type LeadFilters } from '../../engine/lead/workspace-schemas';
import { leadScope } from '../auth/scope';
import type { AuthUser } from '../auth/types';
import { DomainError } from '../errors';

/** A lead as lists and pages show it: the lead's own facts plus its account, last contact, tasks and offer value. */
export const leadSchema = z.object({
  id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), company: z.string().nullable(),
  country: z.string().nullable(), source: z.string(), status: z.string(), stage: z.string(), nodeId: z.string().nullable(),
  score: z.number(), grade: z.string().nullable(), ownerId: z.string().nullable(), ownerName: z.string().nullable(),
  productInterest: z.string().nullable(), pipelineId: z.string(), pipelineVersion: z.number(), formSubmissions: z.number(),
  lostReason: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
  industry: z.string().nullable(), companySize: z.number().nullable(), accountId: z.string().nullable(), accountName: z.string().nullable(),
  lastContactAt: z.string().nullable(), overdueTasks: z.number(), openTasks: z.number(), offerValue: z.number().nullable(),
  teamId: z.string().nullable(), nextDeadline: z.string().nullable(),
});
export type Lead = z.infer<typeof leadSchema>;

export type LeadRow = Record<string, unknown> & { created_at: Date; updated_at: Date };
const str = (v: unknown) => (v == null ? null : String(v));
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

export const toLead = (r: LeadRow): Lead => ({
  id: r.id as string, name: r.name as string, email: str(r.email), phone: str(r.phone), company: str(r.company),
  country: str(r.country), source: r.source as string, status: r.status as string, stage: r.stage as string, nodeId: str(r.node_id),
  score: Number(r.score), grade: str(r.grade), ownerId: str(r.owner_id), ownerName: str(r.owner_name),
  productInterest: str(r.product_interest), pipelineId: r.pipeline_id as string, pipelineVersion: Number(r.pipeline_version),
  formSubmissions: Number(r.form_submissions), lostReason: str(r.lost_reason),
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  industry: str(r.industry), companySize: r.company_size == null ? null : Number(r.company_size), accountId: str(r.account_id),
  accountName: str(r.account_name), lastContactAt: iso(r.last_visit_at), overdueTasks: Number(r.overdue_tasks ?? 0),
  openTasks: Number(r.open_tasks ?? 0), offerValue: r.offer_value == null ? null : Number(r.offer_value), teamId: str(r.team_id),
  // The workflow's own timers are asked with /state; the read side knows the earliest open task.
  nextDeadline: iso(r.next_deadline ?? r.next_due),
});

/** Refuses query parameters the finder does not know (a typo would otherwise silently return everything). */
export function assertKnownFilters(query: unknown, known: ReadonlySet<string> = leadFinderParams): void {
  const unknown = Object.keys((query ?? {}) as Record<string, unknown>).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new DomainError('bad_request', unknown.map((k) => `unknown filter "${k}"`).join('; '),
      unknown.map((k) => ({ path: `querystring.${k}`, message: 'unknown filter' })));
  }
}

export type Scope = 'mine' | 'team' | 'all';

/** The scope a user asked for, or the role's default; a scope wider than the role allows is refused naming `scope`. */
export function resolveScope(user: AuthUser, requested?: Scope): Scope {
  const widest: Scope = user.role === 'rep' ? 'mine' : user.role === 'manager' ? 'team' : 'all';
  const rank = { mine: 0, team: 1, all: 2 } as const;
  const scope = requested ?? widest;
  if (rank[scope] > rank[widest]) {
    throw new DomainError('forbidden', `scope: a ${user.role} may see ${widest === 'mine' ? 'only their own leads (scope=mine)' : 'at most scope=team'}`,
      [{ path: 'querystring.scope', message: `not allowed for a ${user.role}` }]);
  }
  return scope;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
export const openStatuses: NonNullable<LeadFilters['status']> = ['open', 'nurturing', 'qualified'];

/**
 * The SQL condition of a finder query over `leads l`: what the user may see, narrowed to the scope and every filter.
 * @example sql`select count(*) from leads l where ${finderWhere(sql, user, { grade: ['A'] })}`
 */
export function finderWhere(sql: Sql, user: AuthUser, f: Partial<LeadFilters>) {
  const scope = resolveScope(user, f.scope);
  const none = sql``;
  const scoped = scope === 'mine' ? sql`and l.owner_id = ${user.id}`
    : scope === 'team' && user.role !== 'manager'
      ? sql`and (l.team_id = ${user.teamId ?? ''} or l.owner_id in (select id from users where team_id = ${user.teamId ?? ''}))`
      : none;
  const dateTo = (d: string) => (d.length === 10 ? sql`(${d}::date + 1)::timestamptz` : sql`${d}::timestamptz`);
  const owner = f.owner === 'unassigned' ? sql`and l.owner_id is null` : f.owner ? sql`and l.owner_id = ${f.owner}` : none;
  return sql`${leadScope(sql, user, 'l')} ${scoped} ${owner}
    ${f.stage ? sql`and l.stage = ${f.stage}` : none}
    ${f.status?.length ? sql`and l.status in ${sql(f.status)}` : none}
    ${f.grade?.length ? sql`and l.grade in ${sql(f.grade)}` : none}
    ${f.source?.length ? sql`and l.source in ${sql(f.source)}` : none}
    ${f.scoreMin != null ? sql`and l.score >= ${f.scoreMin}` : none}
    ${f.scoreMax != null ? sql`and l.score <= ${f.scoreMax}` : none}
    ${f.country ? sql`and l.country = ${f.country}` : none}
    ${f.industry ? sql`and lower(l.industry) = ${f.industry.toLowerCase()}` : none}
    ${f.companySizeMin != null ? sql`and l.company_size >= ${f.companySizeMin}` : none}
    ${f.companySizeMax != null ? sql`and l.company_size <= ${f.companySizeMax}` : none}
    ${f.productInterest ? sql`and l.product_interest = ${f.productInterest}` : none}
    ${f.createdFrom ? sql`and l.created_at >= ${f.createdFrom}::timestamptz` : none}
    ${f.createdTo ? sql`and l.created_at < ${dateTo(f.createdTo)}` : none}
    ${f.lastContactAfter ? sql`and l.last_visit_at >= ${f.lastContactAfter}::timestamptz` : none}
    ${f.lastContactBefore ? sql`and l.last_visit_at < ${f.lastContactBefore}::timestamptz` : none}
    ${f.neverContacted === 'true' ? sql`and l.last_visit_at is null` : f.neverContacted === 'false' ? sql`and l.last_visit_at is not null` : none}
    ${f.overdueTask === 'true' ? sql`and exists (select 1 from tasks t where t.lead_id = l.id and not t.done and t.due_at < now())` : none}
    ${f.overdueTask === 'false' ? sql`and not exists (select 1 from tasks t where t.lead_id = l.id and not t.done and t.due_at < now())` : none}
    ${f.accountId ? sql`and l.account_id = ${f.accountId}` : none}
    ${f.nodeId ? sql`and l.node_id = ${f.nodeId}` : none}
    ${f.q ? sql`and (l.name ilike ${likePattern(f.q)} or l.company ilike ${likePattern(f.q)} or l.email ilike ${likePattern(f.q)})` : none}`;
}

// Sort columns are SQL text from this fixed map only (never from the request). Nullable columns sort their nulls last.
const sortColumns: Record<LeadFilters['sort'], { expr: string; nullable: boolean }> = {
  createdAt: { expr: 'l.created_at', nullable: false },
  updatedAt: { expr: 'l.updated_at', nullable: false },
  name: { expr: 'l.name', nullable: false },
  company: { expr: 'l.company', nullable: true },
  score: { expr: 'l.score', nullable: false },
  grade: { expr: 'l.grade', nullable: true },
  stage: { expr: 'l.stage', nullable: false },
  lastContactAt: { expr: 'l.last_visit_at', nullable: true },
  owner: { expr: 'ou.name', nullable: true },
};

/** Sorting by owner sorts by the owner's name: the users join is added only then. */
const ownerJoin = (sql: Sql, f: Pick<LeadFilters, 'sort'>) => (f.sort === 'owner' ? sql`left join users ou on ou.id = l.owner_id` : sql``);

function orderBy(sql: Sql, f: Pick<LeadFilters, 'sort' | 'order'>) {
  const c = sortColumns[f.sort];
  const dir = f.order === 'asc' ? 'asc' : 'desc';
  return sql.unsafe(`${c.expr} ${dir}${c.nullable ? ' nulls last' : ''}, l.created_at ${dir}, l.id ${dir}`);
}

/** The page's leads with their owner, account, task counts and current offer value, in the page's order. */
export async function loadLeads(sql: Sql, ids: string[]): Promise<Lead[]> {
  if (!ids.length) return [];
  const rows = await sql<LeadRow[]>`
    select l.*, u.name as owner_name, a.name as account_name, t.open_tasks, t.overdue_tasks, o.total::float8 as offer_value
      from leads l
      left join users u on u.id = l.owner_id
      left join accounts a on a.id = l.account_id
      left join lateral (select count(*)::int as open_tasks, (count(*) filter (where tk.due_at < now()))::int as overdue_tasks, min(tk.due_at) as next_due
                           from tasks tk where tk.lead_id = l.id and not tk.done) t on true
      left join lateral (select of.total from offers of where of.lead_id = l.id and of.status not in ('renegotiated', 'rejected')
                          order by of.version desc limit 1) o on true
     where l.id in ${sql(ids)}`;
  const byId = new Map(rows.map((r) => [r.id as string, toLead(r)]));
  return ids.map((id) => byId.get(id)).filter((l): l is Lead => !!l);
}

/**
 * One page of the finder: the leads the user may see that match every filter, sorted and paginated, with the total.
 * @example await findLeads(sql, user, { grade: ['A'], sort: 'score', order: 'desc', limit: 50, offset: 0 })
 */
export async function findLeads(sql: Sql, user: AuthUser, q: Partial<LeadFilters> & Pick<LeadFilters, 'sort' | 'order'> & { limit: number; offset: number }): Promise<{ total: number; items: Lead[] }> {
  const where = finderWhere(sql, user, q);
  const [[counted], page] = await Promise.all([
    sql<{ total: number }[]>`select count(*)::int as total from leads l where ${where}`,
    sql<{ id: string }[]>`select l.id from leads l ${ownerJoin(sql, q)} where ${where} order by ${orderBy(sql, q)} limit ${q.limit} offset ${q.offset}`,
  ]);
  return { total: counted?.total ?? 0, items: await loadLeads(sql, page.map((r) => r.id)) };
}

/** Every matching lead (up to `max`), sorted like the finder, for the CSV export. */
export async function exportLeads(sql: Sql, user: AuthUser, q: Partial<LeadFilters> & Pick<LeadFilters, 'sort' | 'order'>, max = 50_000): Promise<Lead[]> {
  const where = finderWhere(sql, user, q);
  const ids = await sql<{ id: string }[]>`select l.id from leads l ${ownerJoin(sql, q)} where ${where} order by ${orderBy(sql, q)} limit ${max}`;
  const out: Lead[] = [];
  // In chunks, so one statement never carries 50,000 parameters.
  for (let i = 0; i < ids.length; i += 5000) out.push(...(await loadLeads(sql, ids.slice(i, i + 5000).map((r) => r.id))));
  return out;
}

/** The columns of the CSV export, in order: header and how each cell is read from a lead. */
export const exportColumns: { header: string; value: (l: Lead) => string | number | null }[] = [
  { header: 'id', value: (l) => l.id }, { header: 'name', value: (l) => l.name }, { header: 'email', value: (l) => l.email },
  { header: 'phone', value: (l) => l.phone }, { header: 'company', value: (l) => l.company }, { header: 'account', value: (l) => l.accountName },
  { header: 'country', value: (l) => l.country }, { header: 'industry', value: (l) => l.industry }, { header: 'company_size', value: (l) => l.companySize },
  { header: 'source', value: (l) => l.source }, { header: 'status', value: (l) => l.status }, { header: 'stage', value: (l) => l.stage },
  { header: 'score', value: (l) => l.score }, { header: 'grade', value: (l) => l.grade }, { header: 'owner', value: (l) => l.ownerName },
  { header: 'product_interest', value: (l) => l.productInterest }, { header: 'last_contact_at', value: (l) => l.lastContactAt },
  { header: 'open_tasks', value: (l) => l.openTasks }, { header: 'overdue_tasks', value: (l) => l.overdueTasks },
  { header: 'offer_value', value: (l) => l.offerValue }, { header: 'created_at', value: (l) => l.createdAt },
];

/** Spreadsheet programs run a cell starting with = + - @ as a formula: such text cells get a leading apostrophe. */
export const safeCell = (v: string | number | null): string | number => (v == null ? '' : typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

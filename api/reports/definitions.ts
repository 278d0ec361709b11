import type { Sql } from '../../db/client';
import type { AuthUser } from '../auth/types';
import { conversionGroups, importantCustomerGroups, neverContactedGroups, offerGroups, overviewGroups, visitGroups } from './aggregates';
import { conversionFacts, importantCustomerFacts, neverContactedFacts, offerFacts, overviewFacts, visitFacts } from './facts';
import type { ReportFilters, ReportName } from './filters';
import type { Fact, Measure, TableDef } from './model';

/** Labels of the admin-maintained constants (visit types, rejection reasons), by category and code. */
export type Labels = Record<string, Map<string, string>>;

type Row = { key: string; label: string };

export interface ReportDef {
  title: string;
  description: (f: ReportFilters) => string;
  /** The single records behind the numbers (for the list behind one number). */
  facts: (sql: Sql, user: AuthUser, f: ReportFilters, now: Date) => Promise<Fact[]>;
  /** The same records counted in SQL, as groups (`Fact.n`): what the figures are built from. */
  groups: (sql: Sql, user: AuthUser, f: ReportFilters, now: Date) => Promise<Fact[]>;
  /** `reps`: the active reps the report covers, shown as rows even without activity. */
  tables: (f: ReportFilters, labels: Labels, facts: Fact[], reps: Row[]) => TableDef[];
}

const openStatuses = 'open,nurturing,qualified';
const byRep = (f: Fact) => ({ key: f.repId ?? 'unassigned', label: f.repName ?? 'Not assigned' });
const all = () => true;
const tag = (name: string, value: unknown = true) => (f: Fact) => f.tags[name] === value;
const owner = (row: string) => (row === 'unassigned' ? 'unassigned' : row);
const period = (f: ReportFilters) => ({ createdFrom: f.from, createdTo: f.to });
const label = (labels: Labels, category: string, code: string) => labels[category]?.get(code) ?? code;

/** The months the period touches, as `YYYY-MM`, so a month without leads still shows as a row. */
function monthsOf(f: ReportFilters): { key: string; label: string }[] {
  const out: { key: string; label: string }[] = [];
  const d = new Date(Date.UTC(f.start.getUTCFullYear(), f.start.getUTCMonth(), 1));
  while (d < f.end && out.length < 240) {
    const key = d.toISOString().slice(0, 7);
    out.push({ key, label: key });
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/** The first and last day of a month inside the period, for a finder link. */
function monthRange(f: ReportFilters, month: string) {
  const first = `${month}-01`;
  const next = new Date(`${first}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const last = new Date(next.getTime() - 86_400_000).toISOString().slice(0, 10);
  return { createdFrom: first < f.from ? f.from : first, createdTo: last > f.to ? f.to : last };
}

const conversionMeasures = (finder: (row: string) => Record<string, string>): Measure[] => [
  { key: 'leads', label: 'Leads', counts: all, finder },
  { key: 'offers', label: 'Became offers', counts: tag('offered') },
  { key: 'orders', label: 'Became orders', counts: tag('ordered') },
  { key: 'offerRate', label: 'Lead → offer %', rate: ['offers', 'leads'] },
  { key: 'orderRate', label: 'Offer → order %', rate: ['orders', 'offers'] },
];

const offerStatuses = ['sent', 'confirmed', 'in_follow_up', 'renegotiated', 'accepted', 'rejected', 'postponed'];
const statusLabel = (s: string) => s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

export const reports: Record<ReportName, ReportDef> = {
  'never-contacted': {
    title: 'Never contacted',
    description: (f) => `Open leads created ${f.from} – ${f.to} without a single visit of any type: not assigned to a rep, or assigned but never contacted.`,
    facts: (sql, user, f) => neverContactedFacts(sql, user, f),
    groups: (sql, user, f) => neverContactedGroups(sql, user, f),
    tables: (f, _labels, _facts, reps) => [
      {
        id: 'summary', title: 'Prospects never contacted', rowLabel: 'Prospects',
        fixedRows: [{ key: 'unassigned', label: 'Not assigned to a rep' }, { key: 'assigned', label: 'Assigned, never contacted' }],
        group: (x) => (x.tags.visited ? null : x.tags.assigned ? { key: 'assigned', label: 'Assigned, never contacted' } : { key: 'unassigned', label: 'Not assigned to a rep' }),
        measures: [{ key: 'leads', label: 'Leads', counts: all,
          finder: (row) => (row === 'unassigned' ? { owner: 'unassigned', neverContacted: 'true', status: openStatuses, ...period(f) } : null) }],
        total: true,
      },
      {
        id: 'byRep', title: 'Assigned leads per rep', rowLabel: 'Rep', fixedRows: reps,
        group: (x) => (x.tags.assigned ? byRep(x) : null),
        measures: [
          { key: 'assigned', label: 'Open leads', counts: all, finder: (row) => ({ owner: owner(row), status: openStatuses, ...period(f) }) },
          { key: 'never', label: 'Never contacted', counts: (x) => !x.tags.visited, finder: (row) => ({ owner: owner(row), neverContacted: 'true', status: openStatuses, ...period(f) }) },
          { key: 'neverRate', label: 'Never contacted %', rate: ['never', 'assigned'] },
        ],
        total: true,
      },
    ],
  },
  'important-customers': {
    title: 'Important customers not visited',
    description: (f) => `Accounts of class ${f.classes.join(', ')} and whether anyone visited them in the last ${f.days} days (the period does not apply).`,
    facts: importantCustomerFacts,
    groups: importantCustomerGroups,
    tables: (f) => [
      {
        id: 'byClass', title: `Not visited in the last ${f.days} days`, rowLabel: 'Class',
        fixedRows: f.classes.map((c) => ({ key: c, label: `Class ${c}` })),
        group: (x) => ({ key: String(x.tags.class), label: `Class ${String(x.tags.class)}` }),
        measures: [
          { key: 'accounts', label: 'Accounts', counts: all },
          { key: 'notVisited', label: 'Not visited', counts: (x) => !x.tags.recent },
          { key: 'notVisitedRate', label: 'Not visited %', rate: ['notVisited', 'accounts'] },
        ],
        total: true,
      },
      {
        id: 'byRep', title: `Not visited in the last ${f.days} days, per account owner`, rowLabel: 'Owner',
        group: byRep,
        measures: [{ key: 'accounts', label: 'Accounts', counts: all }, { key: 'notVisited', label: 'Not visited', counts: (x) => !x.tags.recent }],
        total: true,
      },
    ],
  },
  conversion: {
    title: 'Leads → offers → orders',
    description: (f) => `Leads created ${f.from} – ${f.to}: how many became offers (a draft does not count) and how many of those became orders.`,
    facts: (sql, user, f) => conversionFacts(sql, user, f),
    groups: (sql, user, f) => conversionGroups(sql, user, f),
    tables: (f, _labels, _facts, reps) => [
      { id: 'byMonth', title: 'By month', rowLabel: 'Month', fixedRows: monthsOf(f), group: (x) => ({ key: String(x.tags.month), label: String(x.tags.month) }),
        measures: conversionMeasures((row) => monthRange(f, row)), total: true },
      { id: 'byRep', title: 'By rep', rowLabel: 'Rep', fixedRows: reps, group: byRep, measures: conversionMeasures((row) => ({ owner: owner(row), ...period(f) })), total: true },
      { id: 'bySource', title: 'By source', rowLabel: 'Source', fixedRows: ['web', 'partner', 'import', 'manual'].map((s) => ({ key: s, label: statusLabel(s) })),
        group: (x) => ({ key: String(x.tags.source), label: statusLabel(String(x.tags.source)) }), measures: conversionMeasures((row) => ({ source: row, ...period(f) })), total: true },
    ],
  },
  visits: {
    title: 'Visits and calls',
    description: (f) => `Visits and calls made ${f.from} – ${f.to}, per rep, per customer class and per type; a visit became an offer when the lead got an offer at or after it.`,
    facts: (sql, user, f) => visitFacts(sql, user, f),
    groups: (sql, user, f) => visitGroups(sql, user, f),
    tables: (_f, labels, facts, reps) => {
      const types = [...new Set([...(labels.visit_type?.keys() ?? []), ...facts.map((x) => String(x.tags.type))])];
      return [
        { id: 'byClass', title: 'Per customer class', rowLabel: 'Rep', fixedRows: reps, group: byRep, total: true,
          measures: [...['A', 'B', 'C'].map((c): Measure => ({ key: c, label: `Class ${c}`, counts: tag('class', c) })),
            { key: 'none', label: 'No account', counts: tag('class', 'none') }, { key: 'all', label: 'All', counts: all }] },
        { id: 'byType', title: 'Per visit type', rowLabel: 'Rep', fixedRows: reps, group: byRep, total: true,
          measures: [...types.map((t): Measure => ({ key: t, label: label(labels, 'visit_type', t), counts: tag('type', t) })), { key: 'all', label: 'All', counts: all }] },
        { id: 'offers', title: 'Visits that became offers', rowLabel: 'Rep', fixedRows: reps, group: byRep, total: true,
          measures: [{ key: 'visits', label: 'Visits', counts: all }, { key: 'becameOffer', label: 'Became offers', counts: tag('becameOffer') },
            { key: 'rate', label: 'Visit → offer %', rate: ['becameOffer', 'visits'] }] },
      ];
    },
  },
  offers: {
    title: 'Offers by status',
    description: (f) => `Offers made ${f.from} – ${f.to} by status and rejection reason; and every sent offer still not confirmed ${f.days} days after it went out.`,
    facts: offerFacts,
    groups: offerGroups,
    tables: (f, labels) => [
      { id: 'byStatus', title: 'By status', rowLabel: 'Status', fixedRows: offerStatuses.map((s) => ({ key: s, label: statusLabel(s) })),
        group: (x) => (x.tags.inPeriod ? { key: String(x.tags.status), label: statusLabel(String(x.tags.status)) } : null), total: true,
        measures: [{ key: 'offers', label: 'Offers', counts: all }, { key: 'value', label: 'Value', counts: all, sum: 'value' }] },
      { id: 'rejected', title: 'Rejected, by reason', rowLabel: 'Reason', total: true,
        group: (x) => (x.tags.inPeriod && x.tags.status === 'rejected'
          ? { key: String(x.tags.reason ?? 'none'), label: x.tags.reason ? label(labels, 'rejection_reason', String(x.tags.reason)) : 'No reason given' } : null),
        measures: [{ key: 'offers', label: 'Offers', counts: all }, { key: 'value', label: 'Value', counts: all, sum: 'value' }] },
      { id: 'unconfirmed', title: `Sent, not confirmed after ${f.days} days`, rowLabel: 'Rep', total: true,
        group: (x) => (x.tags.unconfirmed ? byRep(x) : null),
        measures: [{ key: 'offers', label: 'Offers', counts: all }, { key: 'value', label: 'Value', counts: all, sum: 'value' }] },
    ],
  },
  overview: {
    title: 'General situation',
    description: (f) => `Open leads today, and what happened ${f.from} – ${f.to}: new leads, visits, offers sent, orders, wins and losses; overall and per rep.`,
    facts: (sql, user, f) => overviewFacts(sql, user, f),
    groups: (sql, user, f) => overviewGroups(sql, user, f),
    tables: (f, _labels, _facts, reps) => [{
      id: 'byRep', title: 'Per rep', rowLabel: 'Rep', fixedRows: reps, group: byRep, total: true,
      measures: [
        { key: 'open', label: 'Open leads', counts: (x) => x.kind === 'lead' && x.tags.open === true, finder: (row) => ({ owner: owner(row), status: openStatuses }) },
        { key: 'neverContacted', label: 'Never contacted', counts: (x) => x.kind === 'lead' && x.tags.neverContacted === true,
          finder: (row) => ({ owner: owner(row), status: openStatuses, neverContacted: 'true' }) },
        { key: 'created', label: 'New leads', counts: (x) => x.kind === 'lead' && x.tags.created === true, finder: (row) => ({ owner: owner(row), ...period(f) }) },
        { key: 'visits', label: 'Visits', counts: (x) => x.kind === 'visit' },
        { key: 'offersSent', label: 'Offers sent', counts: (x) => x.kind === 'offer' },
        { key: 'orders', label: 'Orders', counts: (x) => x.kind === 'order' },
        { key: 'orderValue', label: 'Order value', counts: (x) => x.kind === 'order', sum: 'value' },
        { key: 'won', label: 'Won', counts: (x) => x.kind === 'lead' && x.tags.won === true },
        { key: 'lost', label: 'Lost', counts: (x) => x.kind === 'lead' && x.tags.lost === true },
      ],
    }],
  },
};

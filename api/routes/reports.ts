import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../auth/audit';
import { managers } from '../auth/types';
import { DomainError } from '../errors';
import { safeCell } from '../leads/finder';
import { reports } from '../reports/definitions';
import { reportFilterSchema, reportNames, resolveFilters } from '../reports/filters';
import { reportItemsSchema, reportResultSchema } from '../reports/schemas';
import { reportItems, runReport } from '../reports/run';

const params = z.object({ report: z.enum(reportNames, `must be one of ${reportNames.join(', ')}`) });
const drillQuery = reportFilterSchema.extend({ drill: z.string().trim().min(3).max(200) });
const exportQuery = reportFilterSchema.extend({ drill: z.string().trim().min(3).max(200).optional() });
const noSuchNumber = () => new DomainError('bad_request', 'drill: the report has no such number', [{ path: 'querystring.drill', message: 'no such number in this report' }]);

/** The sales reports for managers (their teams), ops and admins (everything): figures, the list behind each figure, CSV. */
export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/reports', {
    config: { access: managers },
    schema: { tags: ['reports'], summary: 'The reports there are', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), title: z.string() })) }) } },
  }, async () => ({ items: reportNames.map((id) => ({ id, title: reports[id].title })) }));

  app.get('/api/reports/:report', {
    config: { access: managers },
    schema: { tags: ['reports'], summary: 'A report\'s tables for a period, team and rep', params, querystring: reportFilterSchema, response: { 200: reportResultSchema } },
  }, async (req) => runReport(app.sql, req.user!, req.params.report, await resolveFilters(app.sql, req.user!, req.query)));

  app.get('/api/reports/:report/items', {
    config: { access: managers },
    schema: { tags: ['reports'], summary: 'The leads, accounts, visits or offers behind one number of a report', params, querystring: drillQuery, response: { 200: reportItemsSchema } },
  }, async (req) => {
    const { drill, ...q } = req.query;
    const out = await reportItems(app.sql, req.user!, req.params.report, await resolveFilters(app.sql, req.user!, q), drill);
    if (!out) throw noSuchNumber();
    return out;
  });

  app.get('/api/reports/:report/export.csv', {
    config: { access: managers },
    schema: { tags: ['reports'], summary: 'A report as CSV (one line per number), or with drill= the list behind one number', params, querystring: exportQuery },
  }, async (req, reply) => {
    const { drill, ...q } = req.query;
    const f = await resolveFilters(app.sql, req.user!, q);
    const name = req.params.report;
    let csv: string;
    let rows: number;
    if (drill) {
      const out = await reportItems(app.sql, req.user!, name, f, drill);
      if (!out) throw noSuchNumber();
      rows = out.items.length;
      csv = stringify(out.items.map((i) => [i.kind, i.id, i.label, i.repName, i.at, i.detail, i.value].map((v) => safeCell(v ?? null))),
        { header: true, columns: ['kind', 'id', 'name', 'rep', 'date', 'detail', 'value'] });
    } else {
      const r = await runReport(app.sql, req.user!, name, f);
      const lines = r.tables.flatMap((t) => t.rows.flatMap((row) => t.columns.map((c) => [t.title, row.label, c.label, row.cells[c.key]?.value ?? null])));
      csv = stringify(lines.map((l) => l.map((v) => safeCell(v))), { header: true, columns: ['table', 'row', 'column', 'value'] });
      rows = lines.length;
    }
    // A list behind a number names leads and accounts: exports are audited like the finder's.
    await audit(app.sql, { actorId: req.user!.id, action: 'report.exported', targetType: 'report', targetId: name, details: { format: 'csv', rows, drill: drill ?? null, filters: q } });
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}${drill ? '-list' : ''}-${f.from}-${f.to}.csv"`).send(csv);
  });
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dashboard, dashboardItems, forecastProbabilities, setForecastProbabilities, type DashboardFilters } from '../../db/dashboard';
import type { Sql } from '../../db/client';
import { audit } from '../auth/audit';
import { anyUser, opsOnly, type AuthUser } from '../auth/types';
import { dashboardFilterSchema, dashboardItemsSchema, dashboardSchema, forecastProbabilitiesSchema, type DashboardFilterInput, type DashboardPeriod } from '../dashboard/schemas';
import { DomainError } from '../errors';
import { resolveFilters } from '../reports/filters';

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const dayStart = (s: string) => Date.parse(`${s}T00:00:00Z`);
const bad = (field: string, message: string) => new DomainError('bad_request', `${field}: ${message}`, [{ path: `querystring.${field}`, message }]);
const lengthOf: Record<Exclude<DashboardPeriod, 'custom'>, number> = { '30d': 30, '90d': 90, '12m': 365 };

/**
 * The period (the last 90 days unless chosen), the previous period of the same length, and the team and rep checked
 * like the reports' (unknown: 400; another manager's: 403). A rep sees only their own figures.
 */
export async function resolveDashboardFilters(sql: Sql, user: AuthUser, q: DashboardFilterInput, now = new Date()) {
  const period: DashboardPeriod = q.period ?? (q.from || q.to ? 'custom' : '90d');
  let from: string;
  let to: string;
  if (period === 'custom') {
    if (!q.from) throw bad('from', 'is required for a custom period');
    if (!q.to) throw bad('to', 'is required for a custom period');
    ({ from, to } = q as { from: string; to: string });
  } else {
    if (q.from) throw bad('from', `only goes with period=custom (period is ${period})`);
    if (q.to) throw bad('to', `only goes with period=custom (period is ${period})`);
    to = isoDay(now);
    from = isoDay(new Date(dayStart(to) - (lengthOf[period] - 1) * DAY));
  }
  if (user.role === 'rep' && q.rep && q.rep !== user.id) {
    throw new DomainError('forbidden', 'rep: a rep sees only their own dashboard', [{ path: 'querystring.rep', message: 'not you' }]);
  }
  const r = await resolveFilters(sql, user, { from, to, team: q.team, rep: q.rep }, now);
  const days = Math.round((r.end.getTime() - r.start.getTime()) / DAY);
  const prevEnd = r.start;
  const prevStart = new Date(prevEnd.getTime() - days * DAY);
  const filters: DashboardFilters = { viewer: user, start: r.start, end: r.end, prevStart, prevEnd, team: r.team, rep: r.rep, now };
  const out = { period, from: r.from, to: r.to, previousFrom: isoDay(prevStart), previousTo: isoDay(new Date(prevEnd.getTime() - DAY)), team: r.team, rep: r.rep };
  return { filters, out };
}

const itemsQuery = dashboardFilterSchema.extend({ drill: z.string().trim().min(3).max(200) });

/** The manager dashboard: funnel, loss reasons, cycle, velocity, forecast, stalled deals, time to close, win rates; and the leads behind each figure. */
export const dashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/dashboard', {
    config: { access: anyUser },
    schema: { tags: ['dashboard'], summary: 'The sales dashboard for a period, team and rep (a manager: their teams; a rep: their own)', querystring: dashboardFilterSchema, response: { 200: dashboardSchema } },
  }, async (req) => {
    const { filters, out } = await resolveDashboardFilters(app.sql, req.user!, req.query);
    return { filters: out, ...(await dashboard(app.sql, filters)) };
  });

  app.get('/api/dashboard/items', {
    config: { access: anyUser },
    schema: { tags: ['dashboard'], summary: 'The leads behind one figure of the dashboard (its drill key)', querystring: itemsQuery, response: { 200: dashboardItemsSchema } },
  }, async (req) => {
    const { drill, ...q } = req.query;
    const { filters } = await resolveDashboardFilters(app.sql, req.user!, q);
    const out = await dashboardItems(app.sql, filters, drill);
    if (!out) throw new DomainError('bad_request', 'drill: the dashboard has no such figure', [{ path: 'querystring.drill', message: 'no such figure on the dashboard' }]);
    return out;
  });

  app.get('/api/dashboard/forecast-probabilities', {
    config: { access: anyUser },
    schema: { tags: ['dashboard'], summary: 'The probability (percent) of each offer stage becoming an order, used by the weighted forecast', response: { 200: forecastProbabilitiesSchema } },
  }, async () => forecastProbabilities(app.sql));

  app.put('/api/dashboard/forecast-probabilities', {
    config: { access: opsOnly },
    schema: { tags: ['dashboard'], summary: 'Change the forecast probabilities (ops and admins)', body: forecastProbabilitiesSchema, response: { 200: forecastProbabilitiesSchema } },
  }, async (req) => {
    const before = await forecastProbabilities(app.sql);
    const after = await setForecastProbabilities(app.sql, req.body);
    await audit(app.sql, { actorId: req.user!.id, action: 'forecast.probabilities_changed', targetType: 'settings', targetId: 'forecast_probabilities', details: { before, after } });
    return after;
  });
};

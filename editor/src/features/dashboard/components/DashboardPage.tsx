import { Alert, Group, Loader, SimpleGrid, Stack } from '@mantine/core';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { useUser } from '../../../lib/session';
import { filterKeys, useDashboard, type DashboardParams } from '../api/dashboard';
import { CycleCard, ForecastCard, FunnelCard, LossReasonsCard, WinRatesCard } from './DashboardCharts';
import { DashboardDrill } from './DashboardDrill';
import { DashboardFilters } from './DashboardFilters';
import { StalledTable, TimeToCloseTable } from './DealTables';
import { ForecastProbabilities } from './ForecastProbabilities';
import { VelocityCards } from './VelocityCards';

/** `/dashboard`: where sales stand for the filters in the URL; `?drill=` shows the leads behind a figure. */
export function DashboardPage() {
  const user = useUser();
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => {
    const p: DashboardParams = {};
    for (const k of filterKeys) {
      const v = search.get(k);
      if (v) p[k] = v;
    }
    return p;
  }, [search]);
  const drill = search.get('drill');
  const result = useDashboard(params);
  const set = (patch: DashboardParams & { drill?: string }) => setSearch((prev) => {
    const next = new URLSearchParams(prev);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    // Other filters, other figures: a list opened before no longer matches.
    if (!('drill' in patch)) next.delete('drill');
    return next;
  });
  const onDrill = (key: string) => set({ drill: key });
  const d = result.data;
  const canEdit = user.role === 'ops' || user.role === 'admin';
  return (
    <div className="page page-wide" data-testid="dashboard">
      <PageHeader title="Dashboard" description={d ? `${d.filters.from} – ${d.filters.to}, compared with ${d.filters.previousFrom} – ${d.filters.previousTo}` : 'Funnel, losses, cycle, velocity, forecast and the deals that need a push'} />
      <DashboardFilters params={params} shown={d?.filters} set={set} errors={result.error?.fieldErrors ?? {}} />
      {result.error && <Alert color="red" mb="md" title="The dashboard could not be loaded">{result.error.message}</Alert>}
      {result.isPending && <Group justify="center" p="xl"><Loader /></Group>}
      <DashboardDrill params={params} drill={drill} onClose={() => set({ drill: undefined })} />
      {d?.empty && (
        <Alert color="gray" mb="md" title="Nothing in this period" data-testid="dashboard-empty">
          No lead was captured, won or lost between {d.filters.from} and {d.filters.to}, and there are no open deals for these filters. Try a longer period or another team or rep.
        </Alert>
      )}
      {d && !d.empty && (
        <Stack gap="md">
          <VelocityCards data={d.velocity} onDrill={onDrill} />
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
            <FunnelCard data={d.funnel} onDrill={onDrill} />
            <LossReasonsCard data={d.lossReasons} onDrill={onDrill} />
            <CycleCard data={d.cycle} onDrill={onDrill} />
            <ForecastCard data={d.forecast} onDrill={onDrill} action={<ForecastProbabilities value={d.forecast.probabilities} editable={canEdit} />} />
            <WinRatesCard id="win-source" title="Win rate by source" rows={d.winRates.bySource} onDrill={onDrill} />
            <WinRatesCard id="win-rep" title="Win rate by rep" rows={d.winRates.byRep} onDrill={onDrill} />
          </SimpleGrid>
          <StalledTable data={d.stalled} onDrill={onDrill} />
          <TimeToCloseTable data={d.timeToClose} />
        </Stack>
      )}
    </div>
  );
}

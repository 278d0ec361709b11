import { BarChart, LineChart } from '@mantine/charts';
import { Button, Card, Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatMoney } from '../../../lib/format';
import type { Dashboard } from '../api/dashboard';

type Drill = (key: string) => void;

/** A card with a title, the chart, and under it every figure as a button (the same drill as clicking the bar). */
export function ChartCard({ id, title, hint, empty, emptyText, children, figures, onDrill, action }: {
  id: string; title: string; hint?: ReactNode; empty: boolean; emptyText: string; children: ReactNode;
  figures?: { key: string; label: string; value: string; drill: string | null }[]; onDrill: Drill; action?: ReactNode;
}) {
  return (
    <Card withBorder radius="md" data-testid={`dash-${id}`}>
      <Group justify="space-between" align="flex-start" mb="xs" wrap="nowrap">
        <div>
          <Title order={2} fz="md">{title}</Title>
          {hint && <Text size="xs" c="dimmed">{hint}</Text>}
        </div>
        {action && <div style={{ flexShrink: 0 }}>{action}</div>}
      </Group>
      {empty ? <Text size="sm" c="dimmed" py="xl" ta="center" data-testid={`dash-${id}-empty`}>{emptyText}</Text> : children}
      {!empty && figures && figures.length > 0 && <FigureButtons figures={figures} onDrill={onDrill} />}
    </Card>
  );
}

function FigureButtons({ figures, onDrill }: { figures: { key: string; label: string; value: string; drill: string | null }[]; onDrill: Drill }) {
  return (
    <Group gap={4} mt="xs">
      {figures.map((f) => (
        <Button key={f.key} size="compact-xs" variant="subtle" color="gray" disabled={!f.drill} onClick={() => f.drill && onDrill(f.drill)}
          aria-label={`${f.label}: ${f.value}, show the leads`} data-testid="dash-figure">
          {f.label}: <Text span fw={600} size="xs" ml={4}>{f.value}</Text>
        </Button>
      ))}
    </Group>
  );
}

const clickable = (rows: { drill: string }[], onDrill: Drill) => ({ onClick: (_d: unknown, index: number) => rows[index] && onDrill(rows[index].drill), cursor: 'pointer' });
const count = (n: number) => n.toLocaleString();
/** €6K, €1.2M: axis ticks stay short. */
const compactMoney = (v: number) => {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 }).format(v);
  } catch {
    return formatMoney(v);
  }
};

export function FunnelCard({ data, onDrill }: { data: Dashboard['funnel']; onDrill: Drill }) {
  const rows = data.map((s) => ({ ...s, Leads: s.count }));
  return (
    <ChartCard onDrill={onDrill} id="funnel" title="Funnel" hint="Leads captured in the period, by the furthest stages they reached; % = from the stage before" empty={data.length === 0}
      emptyText="No leads were captured in this period."
      figures={data.map((s) => ({ key: s.stage, label: s.label, value: `${count(s.count)}${s.conversion === null ? '' : ` (${s.conversion} %)`}`, drill: s.drill }))}>
      <BarChart h={240} data={rows} dataKey="label" series={[{ name: 'Leads', color: 'indigo.6' }]} withBarValueLabel tickLine="y"
        barProps={clickable(rows, onDrill)} />
    </ChartCard>
  );
}

export function LossReasonsCard({ data, onDrill }: { data: Dashboard['lossReasons']; onDrill: Drill }) {
  const rows = data.map((r) => ({ ...r, Lost: r.count }));
  return (
    <ChartCard onDrill={onDrill} id="loss" title="Loss reasons" hint="Leads lost or disqualified in the period" empty={data.length === 0} emptyText="No lead was lost in this period."
      figures={data.map((r) => ({ key: r.reason, label: r.label, value: count(r.count), drill: r.drill }))}>
      <BarChart h={Math.max(160, rows.length * 36)} data={rows} dataKey="label" orientation="vertical" yAxisProps={{ width: 130 }}
        series={[{ name: 'Lost', color: 'red.6' }]} withBarValueLabel barProps={clickable(rows, onDrill)} />
    </ChartCard>
  );
}

export function CycleCard({ data, onDrill }: { data: Dashboard['cycle']; onDrill: Drill }) {
  const rows = data.trend.map((t) => ({ ...t, 'Days to win': t.averageDays }));
  return (
    <ChartCard onDrill={onDrill} id="cycle" title="Sales cycle" empty={data.won === 0} emptyText="No lead was won in this period, so there is no cycle to measure."
      hint={data.averageDays === null ? undefined : <>Average <b>{data.averageDays} days</b> from capture to won, over {data.won} won leads</>}
      figures={[{ key: 'all', label: 'Won', value: count(data.won), drill: data.drill }, ...data.trend.filter((t) => t.won).map((t) => ({ key: t.month, label: t.month, value: `${t.averageDays} d`, drill: t.drill }))]}>
      <LineChart h={220} data={rows} dataKey="month" series={[{ name: 'Days to win', color: 'teal.6' }]} connectNulls curveType="monotone" unit=" d"
        activeDotProps={{ r: 6, onClick: (_e: unknown, p: unknown) => { const i = (p as { index?: number }).index; if (i !== undefined && rows[i]) onDrill(rows[i].drill); } } as never} />
    </ChartCard>
  );
}

export function ForecastCard({ data, onDrill, action }: { data: Dashboard['forecast']; onDrill: Drill; action?: ReactNode }) {
  const rows = data.months.map((m) => ({ ...m, Total: m.total, Weighted: m.weighted }));
  return (
    <ChartCard onDrill={onDrill} id="forecast" title="Weighted forecast" action={action} empty={data.months.length === 0} emptyText="No open offers to forecast."
      hint={`Open offers by expected close month (sent + ${data.typicalDaysToClose} days, the typical time from offer to order), weighted by the probability of their stage`}
      figures={data.months.map((m) => ({ key: m.month, label: m.month, value: `${formatMoney(m.weighted)} of ${formatMoney(m.total)}`, drill: m.drill }))}>
      <BarChart h={240} data={rows} dataKey="month" series={[{ name: 'Total', color: 'gray.4' }, { name: 'Weighted', color: 'blue.6' }]}
        valueFormatter={compactMoney} yAxisProps={{ width: 64 }} withLegend withTooltip barProps={clickable(rows, onDrill)} />
    </ChartCard>
  );
}

export function WinRatesCard({ title, id, rows: data, onDrill }: { title: string; id: string; rows: Dashboard['winRates']['bySource']; onDrill: Drill }) {
  const rows = data.map((r) => ({ ...r, 'Win rate': r.rate ?? 0 }));
  return (
    <ChartCard onDrill={onDrill} id={id} title={title} hint="Won ÷ (won + lost) of the leads closed in the period" empty={data.length === 0} emptyText="No lead was won or lost in this period."
      figures={data.map((r) => ({ key: r.key, label: r.label, value: `${r.rate ?? '—'} % (${r.won}/${r.won + r.lost})`, drill: r.drill }))}>
      <BarChart h={Math.max(160, rows.length * 36)} data={rows} dataKey="label" orientation="vertical" yAxisProps={{ width: 110 }} xAxisProps={{ domain: [0, 100] }}
        series={[{ name: 'Win rate', color: 'green.6' }]} valueFormatter={(v) => `${v} %`} withBarValueLabel barProps={clickable(rows, onDrill)} />
    </ChartCard>
  );
}

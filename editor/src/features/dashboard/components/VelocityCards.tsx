import { Badge, Card, Group, SimpleGrid, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDownRight, IconArrowUpRight } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatMoney } from '../../../lib/format';
import type { Dashboard } from '../api/dashboard';

function Stat({ label, value, previous, change, onClick, testId }: { label: string; value: string; previous: string; change?: ReactNode; onClick?: () => void; testId: string }) {
  const body = (
    <Card withBorder radius="md" h="100%" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text>
      <Group gap="xs" align="baseline" mt={4}>
        <Text fz={22} fw={700}>{value}</Text>
        {change}
      </Group>
      <Text size="xs" c="dimmed" mt={2}>Previous period: {previous}</Text>
    </Card>
  );
  return onClick ? <UnstyledButton onClick={onClick} aria-label={`${label}: ${value}, show the leads`} style={{ display: 'block', height: '100%' }}>{body}</UnstyledButton> : body;
}

const pct = (v: number | null) => (v === null ? '—' : `${v} %`);
const days = (v: number | null) => (v === null ? '—' : `${v} days`);

/** Sales velocity and its four factors, this period against the previous one. */
export function VelocityCards({ data, onDrill }: { data: Dashboard['velocity']; onDrill(key: string): void }) {
  const { current: c, previous: p, changePct } = data;
  const change = changePct === null ? <Badge variant="light" color="gray" size="sm">no comparison</Badge> : (
    <Badge variant="light" color={changePct >= 0 ? 'green' : 'red'} size="sm"
      leftSection={changePct >= 0 ? <IconArrowUpRight size={12} /> : <IconArrowDownRight size={12} />}>
      {changePct > 0 ? '+' : ''}{changePct} %
    </Badge>
  );
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm" mb="md" data-testid="dash-velocity">
      <Stat testId="velocity-value" label="Sales velocity" value={c.velocity === null ? '—' : `${formatMoney(c.velocity)} / day`} previous={p.velocity === null ? '—' : `${formatMoney(p.velocity)} / day`} change={change} />
      <Stat testId="velocity-open" label="Open opportunities" value={c.openOpportunities.toLocaleString()} previous={p.openOpportunities.toLocaleString()} onClick={() => onDrill(c.drillOpen)} />
      <Stat testId="velocity-winrate" label="Win rate" value={pct(c.winRate)} previous={pct(p.winRate)} onClick={() => onDrill(c.drillWon)} />
      <Stat testId="velocity-deal" label="Average deal" value={formatMoney(c.averageDealValue)} previous={formatMoney(p.averageDealValue)} onClick={() => onDrill(c.drillWon)} />
      <Stat testId="velocity-cycle" label="Cycle length" value={days(c.cycleDays)} previous={days(p.cycleDays)} onClick={() => onDrill(c.drillWon)} />
    </SimpleGrid>
  );
}

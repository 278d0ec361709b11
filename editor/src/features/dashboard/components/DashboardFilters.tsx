import { Paper, SegmentedControl, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useUser } from '../../../lib/session';
import { usePeople, useTeams, type Dashboard, type DashboardParams } from '../api/dashboard';

const periods = [
  { value: '30d', label: '30 days' }, { value: '90d', label: '90 days' }, { value: '12m', label: '12 months' }, { value: 'custom', label: 'Custom' },
];

export interface DashboardFiltersProps {
  params: DashboardParams;
  /** The period the server used (its defaults when the URL names none). */
  shown: Dashboard['filters'] | undefined;
  set(patch: DashboardParams): void;
  errors: Record<string, string>;
}

/** Period (with dates for a custom one), team and rep; every change goes into the URL. A rep sees only the period. */
export function DashboardFilters({ params, shown, set, errors }: DashboardFiltersProps) {
  const user = useUser();
  const picksPeople = user.role !== 'rep';
  const teams = useTeams(picksPeople);
  const people = usePeople(picksPeople);
  const seesAll = user.role === 'ops' || user.role === 'admin';
  const teamOptions = (teams.data ?? []).filter((t) => seesAll || t.managerId === user.id || t.id === user.teamId).map((t) => ({ value: t.id, label: t.name }));
  const repOptions = (people.data ?? []).filter((u) => !params.team || u.teamId === params.team).map((u) => ({ value: u.id, label: u.name }));
  const period = params.period ?? (params.from || params.to ? 'custom' : shown?.period ?? '90d');
  return (
    <Paper withBorder p="md" radius="md" mb="md" data-testid="dashboard-filters">
      <SimpleGrid cols={{ base: 1, sm: 2, md: picksPeople ? 4 : 2 }} spacing="sm" verticalSpacing="xs">
        <Stack gap={4}>
          <Text size="sm" fw={500}>Period</Text>
          <SegmentedControl size="xs" data={periods} value={period} aria-label="Period"
            onChange={(v) => set(v === 'custom'
              ? { period: v, from: shown?.from, to: shown?.to }
              : { period: v, from: undefined, to: undefined })} />
          {errors.period && <Text size="xs" c="red">{errors.period}</Text>}
        </Stack>
        <DatePickerInput type="range" label="Dates" allowSingleDateInRange disabled={period !== 'custom'}
          description={shown ? `Compared with ${shown.previousFrom} – ${shown.previousTo}` : undefined}
          value={[params.from ?? shown?.from ?? null, params.to ?? shown?.to ?? null]} error={errors.from ?? errors.to}
          onChange={([from, to]) => { if (from && to) set({ period: 'custom', from, to }); }} />
        {picksPeople && (
          <Select label="Team" placeholder={seesAll ? 'All teams' : 'All my teams'} data={teamOptions} value={params.team ?? null} clearable searchable
            onChange={(v) => set({ team: v ?? undefined, rep: undefined })} error={errors.team} />
        )}
        {picksPeople && (
          <Select label="Rep" placeholder="Every rep" data={repOptions} value={params.rep ?? null} clearable searchable
            onChange={(v) => set({ rep: v ?? undefined })} error={errors.rep} />
        )}
      </SimpleGrid>
    </Paper>
  );
}

import { Chip, Group, NumberInput, Paper, Select, SimpleGrid, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useUser } from '../../../lib/session';
import { reportCatalog, useReportReps, useTeams, type ReportName, type ReportParams } from '../api/reports';

export interface ReportFiltersProps {
  report: ReportName;
  params: ReportParams;
  /** The period the server ran the report for (the defaults when the URL names none). */
  period: { from: string; to: string; days: number; classes: string[] } | undefined;
  set(patch: ReportParams): void;
  /** Field errors of the server's 400/403, by filter name. */
  errors: Record<string, string>;
}

/** Period, team, rep (and N days, classes where the report asks): every change goes into the URL. */
export function ReportFilters({ report, params, period, set, errors }: ReportFiltersProps) {
  const user = useUser();
  const teams = useTeams();
  const reps = useReportReps();
  const about = reportCatalog[report];
  const seesAll = user.role === 'ops' || user.role === 'admin';
  const teamOptions = (teams.data ?? []).filter((t) => seesAll || t.managerId === user.id || t.id === user.teamId).map((t) => ({ value: t.id, label: t.name }));
  const repOptions = (reps.data ?? []).filter((u) => !params.team || u.teamId === params.team).map((u) => ({ value: u.id, label: u.name }));
  const classes = (params.classes ?? period?.classes.join(',') ?? '').split(',').filter(Boolean);
  return (
    <Paper withBorder p="md" radius="md" mb="md" data-testid="report-filters">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
        {about.usesPeriod && (
          <DatePickerInput type="range" label="Period" placeholder="The last 12 months" allowSingleDateInRange
            value={[params.from ?? period?.from ?? null, params.to ?? period?.to ?? null]} error={errors.from ?? errors.to}
            onChange={([from, to]) => { if ((from && to) || (!from && !to)) set({ from: from ?? undefined, to: to ?? undefined }); }} />
        )}
        <Select label="Team" placeholder="All my teams" data={teamOptions} value={params.team ?? null} clearable searchable
          onChange={(v) => set({ team: v ?? undefined, rep: undefined })} error={errors.team} />
        <Select label="Rep" placeholder="Every rep" data={repOptions} value={params.rep ?? null} clearable searchable
          onChange={(v) => set({ rep: v ?? undefined })} error={errors.rep} />
        {about.usesDays && (
          <NumberInput label={report === 'offers' ? 'Unconfirmed after (days)' : 'Not visited in (days)'} min={1} max={3650} allowDecimal={false}
            value={params.days ?? period?.days ?? 30} error={errors.days}
            onChange={(v) => set({ days: v === '' ? undefined : String(v) })} />
        )}
        {about.usesClasses && (
          <div>
            <Text size="sm" fw={500} mb={4}>Important classes</Text>
            <Chip.Group multiple value={classes} onChange={(v) => set({ classes: v.length ? [...v].sort().join(',') : undefined })}>
              <Group gap={6}>{['A', 'B', 'C'].map((c) => <Chip key={c} value={c} size="sm" variant="outline">{c}</Chip>)}</Group>
            </Chip.Group>
            {errors.classes && <Text size="xs" c="red" mt={4}>{errors.classes}</Text>}
          </div>
        )}
      </SimpleGrid>
    </Paper>
  );
}

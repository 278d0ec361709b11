import { Chip, Group, MultiSelect, NumberInput, Paper, Select, SimpleGrid, Switch, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { leadStatuses } from '../../../../../engine/lead/workspace-schemas';
import { humanize } from '../../../lib/format';
import { filterLabels } from '../finder-params';
import { DebouncedTextInput } from './DebouncedTextInput';

const sources = ['web', 'partner', 'import', 'manual'];
const list = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : []);
const num = (v: unknown) => (v === '' || v === undefined || v === null ? null : String(v));

export interface LeadFiltersProps {
  params: Record<string, string>;
  set(patch: Record<string, string | null>): void;
  /** Field errors of the server's 400, by filter name. */
  errors: Record<string, string>;
  owners: { value: string; label: string }[];
  stages: string[];
  productInterests: { value: string; label: string }[];
}

/** Every finder filter; each change goes straight into the URL. */
export function LeadFilters({ params, set, errors, owners, stages, productInterests }: LeadFiltersProps) {
  const p = params;
  const err = (k: string) => errors[k];
  const label = (k: string) => filterLabels[k] ?? k;
  return (
    <Paper withBorder p="md" radius="md" mb="md" data-testid="lead-filters">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
        <Select label={label('stage')} placeholder="Any stage" data={[...new Set([...stages, ...(p.stage ? [p.stage] : [])])].map((s) => ({ value: s, label: humanize(s) }))}
          value={p.stage ?? null} onChange={(v) => set({ stage: v })} clearable searchable error={err('stage')} />
        <MultiSelect label={label('status')} placeholder={list(p.status).length ? undefined : 'Any status'} data={leadStatuses.map((s) => ({ value: s, label: humanize(s) }))}
          value={list(p.status)} onChange={(v) => set({ status: v.join(',') })} clearable error={err('status')} />
        <Select label={label('owner')} placeholder="Anyone" data={[{ value: 'unassigned', label: 'Unassigned' }, ...owners]} value={p.owner ?? null}
          onChange={(v) => set({ owner: v })} clearable searchable error={err('owner')} />
        <div>
          <Text size="sm" fw={500} mb={4}>{label('grade')}</Text>
          <Chip.Group multiple value={list(p.grade)} onChange={(v) => set({ grade: [...v].sort().join(',') })}>
            <Group gap={6}>{['A', 'B', 'C'].map((g) => <Chip key={g} value={g} size="sm" variant="outline">{g}</Chip>)}</Group>
          </Chip.Group>
          {err('grade') && <Text size="xs" c="red">{err('grade')}</Text>}
        </div>
        <Group grow gap="xs" align="flex-start">
          <NumberInput label={label('scoreMin')} value={p.scoreMin ?? ''} onChange={(v) => set({ scoreMin: num(v) })} error={err('scoreMin')} allowDecimal={false} />
          <NumberInput label={label('scoreMax')} value={p.scoreMax ?? ''} onChange={(v) => set({ scoreMax: num(v) })} error={err('scoreMax')} allowDecimal={false} />
        </Group>
        <MultiSelect label={label('source')} placeholder={list(p.source).length ? undefined : 'Any source'} data={sources.map((s) => ({ value: s, label: humanize(s) }))}
          value={list(p.source)} onChange={(v) => set({ source: v.join(',') })} clearable error={err('source')} />
        <DebouncedTextInput label={label('country')} placeholder="e.g. DE" value={p.country ?? ''} onCommit={(v) => set({ country: v.toUpperCase() })} error={err('country')} maxLength={2} />
        <DebouncedTextInput label={label('industry')} placeholder="e.g. Manufacturing" value={p.industry ?? ''} onCommit={(v) => set({ industry: v })} error={err('industry')} />
        <Group grow gap="xs" align="flex-start">
          <NumberInput label={label('companySizeMin')} min={0} value={p.companySizeMin ?? ''} onChange={(v) => set({ companySizeMin: num(v) })} error={err('companySizeMin')} allowDecimal={false} thousandSeparator />
          <NumberInput label={label('companySizeMax')} min={0} value={p.companySizeMax ?? ''} onChange={(v) => set({ companySizeMax: num(v) })} error={err('companySizeMax')} allowDecimal={false} thousandSeparator />
        </Group>
        <Select label={label('productInterest')} placeholder="Any product" data={productInterests} value={p.productInterest ?? null}
          onChange={(v) => set({ productInterest: v })} clearable searchable error={err('productInterest')} />
        <DatePickerInput type="range" label="Created between" placeholder="Any time" clearable allowSingleDateInRange
          value={[p.createdFrom ?? null, p.createdTo ?? null]} error={err('createdFrom') ?? err('createdTo')}
          onChange={([from, to]) => set({ createdFrom: from, createdTo: to })} />
        <DatePickerInput label={label('lastContactAfter')} placeholder="Any time" clearable value={p.lastContactAfter ?? null}
          onChange={(v) => set({ lastContactAfter: v })} error={err('lastContactAfter')} />
        <DatePickerInput label={label('lastContactBefore')} placeholder="Any time" clearable value={p.lastContactBefore ?? null}
          onChange={(v) => set({ lastContactBefore: v })} error={err('lastContactBefore')} />
        <Group gap="lg" mt="lg">
          <Switch label={label('neverContacted')} checked={p.neverContacted === 'true'} onChange={(e) => set({ neverContacted: e.currentTarget.checked ? 'true' : null })} />
          <Switch label={label('overdueTask')} checked={p.overdueTask === 'true'} onChange={(e) => set({ overdueTask: e.currentTarget.checked ? 'true' : null })} />
        </Group>
      </SimpleGrid>
    </Paper>
  );
}

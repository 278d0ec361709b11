import { Alert, Badge, Button, CloseButton, Group, Pagination, Paper, SegmentedControl, Select, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAdjustmentsHorizontal, IconDownload, IconSearch } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { withQuery } from '../../../lib/api';
import { humanize } from '../../../lib/format';
import { useUser } from '../../../lib/session';
import { useConstants, useLeadList, useOwners } from '../api/queries';
import { activeFilterKeys, defaultLimit, filterLabels, filtersOf, paramsOf, withParam } from '../finder-params';
import { DebouncedTextInput } from './DebouncedTextInput';
import { LeadFilters } from './LeadFilters';
import { LeadTable } from './LeadTable';
import { SavedViews } from './SavedViews';

const scopesOf = (role: string) =>
  role === 'rep' ? [] : role === 'manager' ? [{ value: 'mine', label: 'My leads' }, { value: 'team', label: "My teams'" }]
    : [{ value: 'mine', label: 'My leads' }, { value: 'team', label: "My team's" }, { value: 'all', label: 'All' }];
const defaultScope = (role: string) => (role === 'rep' ? 'mine' : role === 'manager' ? 'team' : 'all');

/** `/leads`: every lead the user may see, filtered, sorted and paged; all state in the URL. */
export function LeadFinderPage() {
  const user = useUser();
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => paramsOf(search), [search]);
  const [filtersOpen, { toggle: toggleFilters }] = useDisclosure(activeFilterKeys(params).some((k) => k !== 'q'));
  const list = useLeadList(params);
  const constants = useConstants();
  const owners = useOwners(user.role !== 'rep');
  const set = (patch: Record<string, string | null>) => {
    let next = params;
    for (const [k, v] of Object.entries(patch)) next = withParam(next, k, v);
    setSearch(next);
  };
  const limit = Number(params.limit ?? defaultLimit) || defaultLimit;
  const offset = Number(params.offset ?? 0) || 0;
  const sort = params.sort ?? 'createdAt';
  const order = params.order ?? 'desc';
  const onSort = (key: string) => set({ sort: key, order: sort === key && order === 'desc' ? 'asc' : sort === key ? 'desc' : key === 'name' || key === 'company' || key === 'owner' ? 'asc' : 'desc' });
  const scopes = scopesOf(user.role);
  const fieldErrors = list.error?.fieldErrors ?? {};
  const ownerOptions = user.role === 'rep'
    ? [{ value: user.id, label: `${user.name} (me)` }]
    : (owners.data?.items ?? []).filter((u) => u.role === 'rep' || u.role === 'manager').map((u) => ({ value: u.id, label: u.id === user.id ? `${u.name} (me)` : u.name }));
  const ownerName = (id: string) => (id === 'unassigned' ? 'Unassigned' : ownerOptions.find((o) => o.value === id)?.label ?? id);
  const stages = [...new Set((list.data?.items ?? []).map((l) => l.stage))].sort();
  const active = activeFilterKeys(params);
  const total = list.data?.total ?? 0;
  const chipValue = (k: string) => {
    const v = params[k]!;
    if (k === 'owner') return ownerName(v);
    if (k === 'accountId') return list.data?.items.find((l) => l.accountId === v)?.accountName ?? v;
    if (k === 'neverContacted' || k === 'overdueTask') return null;
    return v.split(',').map(humanize).join(', ');
  };
  const exportHref = withQuery('/api/leads/export.csv', filtersOf(params));
  return (
    <div className="page page-wide">
      <PageHeader
        title="Leads"
        description={list.data ? `${total.toLocaleString()} lead${total === 1 ? '' : 's'} match` : 'Find leads by any fact; every filter is kept in the link.'}
        actions={
          <>
            <SavedViews filters={filtersOf(params)} onApply={(v) => setSearch(v.filters)} />
            <Button component="a" href={exportHref} download variant="default" leftSection={<IconDownload size={16} />}>Export CSV</Button>
          </>
        }
      />
      <Group mb="sm" gap="sm" wrap="wrap">
        {scopes.length > 0 && (
          <SegmentedControl data={scopes} value={params.scope ?? defaultScope(user.role)} onChange={(v) => set({ scope: v === defaultScope(user.role) ? null : v })} aria-label="Whose leads" />
        )}
        <DebouncedTextInput placeholder="Search name, company or e-mail" aria-label="Search leads" leftSection={<IconSearch size={16} />} value={params.q ?? ''}
          onCommit={(v) => set({ q: v })} w={320} error={fieldErrors.q} />
        <Button variant={filtersOpen ? 'light' : 'default'} leftSection={<IconAdjustmentsHorizontal size={16} />} onClick={toggleFilters}>
          Filters{active.filter((k) => k !== 'q').length ? ` (${active.filter((k) => k !== 'q').length})` : ''}
        </Button>
      </Group>
      {filtersOpen && (
        <LeadFilters params={params} set={set} errors={fieldErrors} owners={ownerOptions} stages={stages} productInterests={constants.data?.product_interest ?? []} />
      )}
      {active.length > 0 && (
        <Group gap={6} mb="sm" data-testid="active-filters">
          {active.map((k) => (
            <Badge key={k} variant="light" size="lg" radius="sm" tt="none" color={fieldErrors[k] ? 'red' : 'indigo'}
              rightSection={<CloseButton size="xs" aria-label={`Remove filter ${filterLabels[k] ?? k}`} onClick={() => set({ [k]: null })} />}>
              {filterLabels[k] ?? k}{chipValue(k) ? `: ${chipValue(k)}` : ''}
            </Badge>
          ))}
          <Button variant="subtle" size="compact-sm" onClick={() => setSearch(params.scope ? { scope: params.scope } : {})}>Clear all</Button>
        </Group>
      )}
      {list.error && (
        <Alert color="red" variant="light" mb="sm" title="The filters could not be applied" role="alert">{list.error.message}</Alert>
      )}
      <LeadTable leads={list.data?.items ?? []} sort={sort} order={order} onSort={onSort} loading={list.isFetching} />
      {list.data && total === 0 && (
        <Paper withBorder p="xl" ta="center" mt="-1px"><Text c="dimmed">No lead matches these filters.</Text></Paper>
      )}
      {list.isPending && <Paper withBorder p="xl" ta="center"><Text c="dimmed">Loading leads…</Text></Paper>}
      <Group justify="space-between" mt="md">
        <Text size="sm" c="dimmed">{total > 0 ? `${offset + 1}–${Math.min(offset + limit, total)} of ${total.toLocaleString()}` : ''}</Text>
        <Group gap="sm">
          <Select aria-label="Leads per page" data={['25', '50', '100', '200']} value={String(limit)} w={90} onChange={(v) => set({ limit: v === String(defaultLimit) ? null : v })} allowDeselect={false} />
          <Pagination total={Math.max(1, Math.ceil(total / limit))} value={Math.floor(offset / limit) + 1} onChange={(p) => set({ offset: p > 1 ? String((p - 1) * limit) : null })} />
        </Group>
      </Group>
    </div>
  );
}

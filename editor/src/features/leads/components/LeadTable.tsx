import { Anchor, Badge, Center, Group, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatDate, formatMoney, humanize } from '../../../lib/format';
import type { Lead } from '../api/types';
import { GradeBadge } from './GradeBadge';

interface Column { key: string; label: string; sort?: string; render(l: Lead): ReactNode; align?: 'right' }

const statusColor: Record<string, string> = { open: 'blue', qualified: 'indigo', nurturing: 'grape', won: 'green', lost: 'red', disqualified: 'gray' };

const columns: Column[] = [
  {
    key: 'name', label: 'Lead', sort: 'name',
    render: (l) => (
      <div>
        <Anchor component={Link} to={`/leads/${encodeURIComponent(l.id)}`} fw={600} size="sm" onClick={(e) => e.stopPropagation()}>{l.name}</Anchor>
        <Text size="xs" c="dimmed">{l.email ?? l.phone ?? ''}</Text>
      </div>
    ),
  },
  { key: 'company', label: 'Company', sort: 'company', render: (l) => <div><Text size="sm">{l.accountName ?? l.company ?? '—'}</Text><Text size="xs" c="dimmed">{[l.country, l.industry].filter(Boolean).join(' · ')}</Text></div> },
  { key: 'stage', label: 'Stage', sort: 'stage', render: (l) => <Group gap={4} wrap="nowrap"><Text size="sm">{humanize(l.stage)}</Text>{l.status !== 'open' && <Badge size="xs" variant="light" color={statusColor[l.status] ?? 'gray'}>{l.status}</Badge>}</Group> },
  { key: 'score', label: 'Score', sort: 'score', align: 'right', render: (l) => <Group gap={6} justify="flex-end" wrap="nowrap"><Text size="sm">{l.score}</Text><GradeBadge grade={l.grade} /></Group> },
  { key: 'owner', label: 'Owner', sort: 'owner', render: (l) => (l.ownerName ? <Text size="sm">{l.ownerName}</Text> : <Text size="sm" c="dimmed" fs="italic">Unassigned</Text>) },
  { key: 'lastContactAt', label: 'Last contact', sort: 'lastContactAt', render: (l) => <Text size="sm" c={l.lastContactAt ? undefined : 'dimmed'}>{l.lastContactAt ? formatDate(l.lastContactAt) : 'never'}</Text> },
  { key: 'tasks', label: 'Tasks', render: (l) => (l.overdueTasks > 0 ? <Badge color="red" variant="light" size="sm">{l.overdueTasks} overdue</Badge> : <Text size="sm" c="dimmed">{l.openTasks || '—'}</Text>) },
  { key: 'offerValue', label: 'Offer value', align: 'right', render: (l) => <Text size="sm">{l.offerValue == null ? '—' : formatMoney(l.offerValue)}</Text> },
  { key: 'createdAt', label: 'Created', sort: 'createdAt', render: (l) => <Text size="sm" c="dimmed">{formatDate(l.createdAt)}</Text> },
];

function SortHeader({ col, sort, order, onSort }: { col: Column; sort: string; order: string; onSort(key: string): void }) {
  if (!col.sort) return <Table.Th ta={col.align}>{col.label}</Table.Th>;
  const active = sort === col.sort;
  const Icon = active ? (order === 'asc' ? IconArrowUp : IconArrowDown) : IconSelector;
  return (
    <Table.Th ta={col.align} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(col.sort!)} className="sort-header" aria-label={`Sort by ${col.label}`}>
        <Group gap={4} wrap="nowrap" justify={col.align === 'right' ? 'flex-end' : undefined}>
          <Text size="sm" fw={600}>{col.label}</Text><Center><Icon size={14} stroke={1.6} /></Center>
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** The finder's results; a click on a row opens the lead. */
export function LeadTable({ leads, sort, order, onSort, loading }: { leads: Lead[]; sort: string; order: string; onSort(key: string): void; loading: boolean }) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table withTableBorder bg="white" striped={false} data-testid="lead-table" style={{ opacity: loading ? 0.6 : 1 }}>
        <Table.Thead>
          <Table.Tr>{columns.map((c) => <SortHeader key={c.key} col={c} sort={sort} order={order} onSort={onSort} />)}</Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {leads.map((l) => (
            <Table.Tr key={l.id} data-testid={`lead-row-${l.id}`} style={{ cursor: 'pointer' }} onClick={() => void navigate(`/leads/${encodeURIComponent(l.id)}`)}>
              {columns.map((c) => <Table.Td key={c.key} ta={c.align}>{c.render(l)}</Table.Td>)}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

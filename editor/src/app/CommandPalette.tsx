import { Spotlight, type SpotlightActionData } from '@mantine/spotlight';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch, IconUser } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, withQuery } from '../lib/api';
import type { NavItem } from './nav';

interface LeadHit { id: string; name: string | null; company: string | null; email: string | null; stage: string }

/** Ctrl+K: jump to any page of the navbar, or to a lead found by name, company or e-mail. */
export function CommandPalette({ nav }: { nav: NavItem[] }) {
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const [q] = useDebouncedValue(query.trim(), 200);
  const leads = useQuery({
    queryKey: ['leads', 'search', q],
    queryFn: ({ signal }) => api<{ items: LeadHit[] }>(withQuery('/api/leads', { q, limit: 8 }), { signal }),
    enabled: q.length >= 2,
    placeholderData: keepPreviousData,
  });
  const needle = query.trim().toLowerCase();
  const pages: SpotlightActionData[] = nav
    .filter((n) => !needle || n.label.toLowerCase().includes(needle) || n.description.toLowerCase().includes(needle))
    .map((n) => ({ id: `page:${n.to}`, label: n.label, description: n.description, leftSection: <n.icon size={18} />, onClick: () => void navigate(n.to) }));
  const hits: SpotlightActionData[] = q.length >= 2 ? (leads.data?.items ?? []).map((l) => ({
    id: `lead:${l.id}`,
    label: l.name ?? l.email ?? l.id,
    description: [l.company, l.stage].filter(Boolean).join(' · '),
    leftSection: <IconUser size={18} />,
    onClick: () => void navigate(`/leads/${encodeURIComponent(l.id)}`),
  })) : [];
  return (
    <Spotlight.Root query={query} onQueryChange={setQuery} shortcut={['mod + K', '/']} scrollable maxHeight={420}>
      <Spotlight.Search placeholder="Jump to a page or search leads by name…" leftSection={<IconSearch size={18} />} aria-label="Search pages and leads" />
      <Spotlight.ActionsList>
        {pages.length > 0 && (
          <Spotlight.ActionsGroup label="Pages">
            {pages.map(({ id, ...a }) => <Spotlight.Action key={id} {...a} />)}
          </Spotlight.ActionsGroup>
        )}
        {hits.length > 0 && (
          <Spotlight.ActionsGroup label="Leads">
            {hits.map(({ id, ...a }) => <Spotlight.Action key={id} {...a} />)}
          </Spotlight.ActionsGroup>
        )}
        {pages.length === 0 && hits.length === 0 && (
          <Spotlight.Empty>{q.length >= 2 && leads.isFetching ? 'Searching…' : q.length >= 2 ? 'No page or lead matches.' : 'Type two letters to search leads.'}</Spotlight.Empty>
        )}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}

import { Alert, Group, Loader, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { ApprovalsCard } from '../../approvals';
import { useUser } from '../../../lib/session';
import { useRepOptions } from '../api/stages';
import { useTasks } from '../api/tasks';
import { TaskList } from './TaskList';


/** Every task I may see, filtered (kind, text; managers and ops also by rep), grouped overdue / today / upcoming. */
export function InboxPage() {
  const user = useUser();
  const seesOthers = user.role !== 'rep';
  const [params, setParams] = useSearchParams();
  const owner = params.get('owner') ?? (seesOthers ? '' : user.id);
  const kind = params.get('kind') ?? '';
  const text = params.get('q') ?? '';
  const mine = params.get('mine') === 'true';
  const set = (k: string, v: string) => setParams((p) => {
    if (v) p.set(k, v);
    else p.delete(k);
    return p;
  }, { replace: true });
  const tasks = useTasks({ owner: seesOthers ? (mine ? user.id : owner || undefined) : undefined, done: 'false' });
  const reps = useRepOptions(seesOthers);
  const now = useMemo(() => new Date(tasks.dataUpdatedAt || Date.now()), [tasks.dataUpdatedAt]);
  const shown = (tasks.data ?? []).filter((t) =>
    (!kind || t.kind === kind) && (!text || `${t.title} ${t.leadName ?? ''} ${t.ownerName ?? ''}`.toLowerCase().includes(text.toLowerCase())));
  // Task kinds are set per pipeline node, so the choices are the kinds present.
  const kindOptions = [{ value: '', label: 'Every kind' }, ...[...new Set((tasks.data ?? []).map((t) => t.kind))].sort().map((k) => ({ value: k, label: k.replace(/_/g, ' ') }))];
  return (
    <Stack gap="md" className="page" data-testid="inbox">
      <PageHeader title="Inbox" description={seesOthers ? 'Tasks of the reps you look after: calls, follow-ups, overdue offers.' : 'Tasks the pipelines created for you: calls, follow-ups, overdue offers.'} />
      <ApprovalsCard />
      <Group gap="sm" align="flex-end" wrap="wrap">
        {seesOthers && (
          <SegmentedControl value={mine ? 'mine' : 'all'} onChange={(v) => set('mine', v === 'mine' ? 'true' : '')}
            data={[{ value: 'all', label: user.role === 'manager' ? 'Team' : 'Everyone' }, { value: 'mine', label: 'Mine' }]} aria-label="whose tasks" />
        )}
        {seesOthers && !mine && (
          <Select label="Rep" placeholder="Every rep" clearable searchable w={220} data={reps.data ?? []} value={owner || null}
            onChange={(v) => set('owner', v ?? '')} aria-label="filter by rep" />
        )}
        <Select label="Kind" w={170} data={kindOptions} value={kind} onChange={(v) => set('kind', v ?? '')} allowDeselect={false} aria-label="filter by kind" />
        <TextInput label="Search" w={240} placeholder="Task, lead or rep" leftSection={<IconSearch size={14} />} value={text} onChange={(e) => set('q', e.currentTarget.value)} />
      </Group>
      {tasks.isPending && <Loader size="sm" />}
      {tasks.error && <Alert color="red" title="Tasks could not be loaded">{tasks.error.message}</Alert>}
      {tasks.data && <TaskList tasks={shown} now={now} showOwner={seesOthers} />}
    </Stack>
  );
}

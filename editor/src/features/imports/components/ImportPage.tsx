import { Alert, Anchor, Badge, Button, Card, Group, Loader, NativeSelect, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { suggestMapping } from '../../../../../engine/import/mapping';
import { PageHeader } from '../../../components/PageHeader';
import { ApiError } from '../../../lib/api';
import {
  errorFileUrl, fetchSavedMapping, importFields, useControlImport, useImport, usePreview, useSavedMappings, useStartImport,
  type DedupeChoice, type ImportDraft, type ImportField, type ImportView,
} from '../api/imports';
import { statusColor } from './ImportsPage';

const fieldLabels: Record<ImportField, string> = {
  name: 'Name', firstName: 'First name', lastName: 'Last name', email: 'E-mail', phone: 'Phone', company: 'Company', country: 'Country (ISO code)',
  productInterest: 'Product interest', message: 'Message', jobTitle: 'Job title', companySize: 'Company size', industry: 'Industry',
};
const dedupeHelp: Record<DedupeChoice, string> = {
  skip: 'A row whose person is already a lead (same e-mail, phone, or company and name) — or came earlier in this file — is skipped.',
  merge: 'A known person\'s row is added to their existing lead as a new submission (its timeline shows it).',
  create: 'Every valid row becomes a new lead, even when the person is already known.',
};

/** One import: map the columns and start it (a draft), or follow its progress. */
export function ImportPage() {
  const { id = '' } = useParams();
  const imp = useImport(id);
  if (imp.isLoading) return <div className="page"><Loader /></div>;
  if (imp.error || !imp.data) return <div className="page"><Alert color="red">{imp.error?.message ?? 'Import not found'}</Alert></div>;
  const v = imp.data;
  return (
    <div className="page page-wide">
      <PageHeader
        eyebrow={<Anchor component={Link} to="/imports" size="sm">Imports</Anchor>}
        title={v.fileName}
        description={`${v.encoding}, separated by ${v.delimiter === '\t' ? 'tabs' : `"${v.delimiter}"`}, ${v.headers.length} columns, ${(v.totalBytes / 1024).toFixed(0)} KB`}
        actions={<Badge size="lg" color={statusColor[v.status]}>{v.status}</Badge>}
      />
      {v.status === 'draft' ? <MappingStep view={v} /> : <ProgressView view={v} />}
    </div>
  );
}

function MappingStep({ view }: { view: ImportView }) {
  // Right after the upload the server's suggestion is at hand; on a page opened later it is made again from the headers.
  const suggested = (view as Partial<ImportDraft>).suggestedMapping ?? suggestMapping(view.headers);
  const [mapping, setMapping] = useState<Record<string, ImportField>>(suggested);
  const [dedupe, setDedupe] = useState<DedupeChoice>('skip');
  const [listName, setListName] = useState(view.fileName.replace(/\.[^.]*$/, ''));
  const [saveAs, setSaveAs] = useState('');
  const [loadError, setLoadError] = useState<string>();
  const saved = useSavedMappings();
  const preview = usePreview(view.id, mapping);
  const start = useStartImport(view.id);
  const problems = start.error instanceof ApiError ? start.error.fieldErrors : {};

  const setColumn = (header: string, field: string) => {
    const next = { ...mapping };
    for (const [h, f] of Object.entries(next)) if (f === field) delete next[h];
    if (field) next[header] = field as ImportField;
    else delete next[header];
    setMapping(next);
  };
  const useSaved = async (name: string) => {
    if (!name) return;
    try {
      setMapping((await fetchSavedMapping(view.id, name)).mapping);
      setLoadError(undefined);
    } catch (err) {
      setLoadError((err as Error).message);
    }
  };
  const rows = preview.data?.rows ?? [];
  const bad = rows.filter((r) => r.problems.length).length;

  return (
    <Stack>
      <Card withBorder>
        <Group justify="space-between" mb="sm">
          <Text fw={600}>Columns</Text>
          {saved.data && saved.data.items.length > 0 && (
            <NativeSelect aria-label="Saved mapping" data={[{ value: '', label: 'Use a saved mapping…' }, ...saved.data.items.map((m) => ({ value: m.name, label: m.name }))]} onChange={(e) => void useSaved(e.currentTarget.value)} w={260} />
          )}
        </Group>
        {loadError && <Alert color="red" mb="sm">{loadError}</Alert>}
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          {view.headers.map((h) => (
            <NativeSelect
              key={h} label={h} aria-label={`Column ${h}`} value={mapping[h] ?? ''} onChange={(e) => setColumn(h, e.currentTarget.value)}
              data={[{ value: '', label: '— not imported —' }, ...importFields.map((f) => ({ value: f, label: fieldLabels[f] }))]}
            />
          ))}
        </SimpleGrid>
        {problems.mapping && <Alert color="red" mt="sm">{problems.mapping}</Alert>}
      </Card>

      <Card withBorder>
        <Group justify="space-between" mb="sm">
          <Text fw={600}>Preview: the first {rows.length} rows</Text>
          {preview.isFetching ? <Loader size="xs" /> : <Text size="sm" c={bad ? 'red' : 'green'}>{bad ? `${bad} of ${rows.length} rows have problems` : 'all rows look good'}</Text>}
        </Group>
        {preview.error && <Alert color="red">{preview.error.message}</Alert>}
        <Table.ScrollContainer minWidth={600}>
          <Table aria-label="Preview" striped>
            <Table.Thead>
              <Table.Tr><Table.Th>Row</Table.Th>{view.headers.map((h) => <Table.Th key={h}>{h}{mapping[h] ? <Text span size="xs" c="dimmed"> → {fieldLabels[mapping[h]]}</Text> : null}</Table.Th>)}<Table.Th>Check</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.row} bg={r.problems.length ? 'var(--mantine-color-red-light)' : undefined}>
                  <Table.Td>{r.row}</Table.Td>
                  {view.headers.map((h, i) => <Table.Td key={h}>{r.values[i] ?? ''}</Table.Td>)}
                  <Table.Td>{r.problems.length ? r.problems.map((p) => `${p.field}: ${p.reason}`).join('; ') : 'ok'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>

      <Card withBorder>
        <Stack>
          <div>
            <Text fw={600} mb={4}>When a person is already a lead</Text>
            <SegmentedControl aria-label="Duplicates" value={dedupe} onChange={(v) => setDedupe(v as DedupeChoice)} data={[{ value: 'skip', label: 'Skip' }, { value: 'merge', label: 'Merge' }, { value: 'create', label: 'Create anyway' }]} />
            <Text size="sm" c="dimmed" mt={4}>{dedupeHelp[dedupe]}</Text>
          </div>
          <Group align="flex-start">
            <TextInput label="List name" description="Every imported lead is tagged with it" value={listName} onChange={(e) => setListName(e.currentTarget.value)} error={problems.listName} w={300} />
            <TextInput label="Save this mapping as (optional)" value={saveAs} onChange={(e) => setSaveAs(e.currentTarget.value)} error={problems.saveMappingAs} w={300} />
          </Group>
          {start.error && !Object.keys(problems).length && <Alert color="red">{start.error.message}</Alert>}
          {start.error && Object.keys(problems).length > 0 && !problems.mapping && !problems.listName && <Alert color="red">{start.error.message}</Alert>}
          <Group>
            <Button onClick={() => start.mutate({ mapping, dedupe, listName, ...(saveAs.trim() ? { saveMappingAs: saveAs.trim() } : {}) })} loading={start.isPending}>Start import</Button>
          </Group>
        </Stack>
      </Card>
    </Stack>
  );
}

const duration = (s: number) => (s < 90 ? `${Math.ceil(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

function ProgressView({ view }: { view: ImportView }) {
  const control = useControlImport(view.id);
  const p = view.progress;
  const [asked, setAsked] = useState<string>();
  useEffect(() => setAsked(undefined), [view.status]);
  const act = (a: 'pause' | 'resume' | 'cancel') => {
    setAsked(a);
    control.mutate(a);
  };
  const pct = Math.round(p.fraction * 1000) / 10;
  return (
    <Stack>
      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Text fw={600}>{view.status === 'completed' ? 'Finished' : view.status === 'running' ? 'Importing…' : view.status === 'paused' ? 'Paused' : view.status === 'cancelled' ? 'Cancelled' : 'Failed'}</Text>
          <Text size="sm" c="dimmed">
            {pct}%{p.rate ? ` · ${Math.round(p.rate).toLocaleString()} rows/s` : ''}{p.secondsLeft !== null && view.status === 'running' ? ` · about ${duration(p.secondsLeft)} left` : ''}
          </Text>
        </Group>
        <Progress value={pct} size="xl" aria-label="Import progress" animated={view.status === 'running'} color={view.status === 'failed' ? 'red' : undefined} />
        {view.error && <Alert color="red" mt="sm" title="The import stopped">{view.error}</Alert>}
        <SimpleGrid cols={{ base: 2, sm: 5 }} mt="md">
          {([['Rows done', p.rowsDone], ['Created', p.created], ['Merged', p.merged], ['Skipped', p.skipped], ['Failed', p.failed]] as const).map(([label, n]) => (
            <div key={label} data-testid={`count-${label.toLowerCase().replace(' ', '-')}`}>
              <Text size="xs" c="dimmed">{label}</Text>
              <Text fw={700} size="xl">{n.toLocaleString('en-US')}</Text>
            </div>
          ))}
        </SimpleGrid>
        <Group mt="md">
          {view.status === 'running' && <Button variant="default" onClick={() => act('pause')} loading={asked === 'pause'}>Pause</Button>}
          {view.status === 'paused' && <Button onClick={() => act('resume')} loading={asked === 'resume'}>Resume</Button>}
          {(view.status === 'running' || view.status === 'paused') && <Button color="red" variant="light" onClick={() => act('cancel')} loading={asked === 'cancel'}>Cancel import</Button>}
          {p.failed > 0 && <Button component="a" href={errorFileUrl(view.id)} variant="light" download>Download error file ({p.failed.toLocaleString('en-US')} rows)</Button>}
        </Group>
        {control.error && <Alert color="red" mt="sm">{control.error.message}</Alert>}
      </Card>
      <Card withBorder>
        <Text size="sm">List: <b>{view.listName}</b> · duplicates: <b>{view.dedupe}</b> · at most {view.rowsPerSecond?.toLocaleString('en-US')} rows/s · started {view.startedAt ? new Date(view.startedAt).toLocaleString() : '—'}{view.finishedAt ? `, finished ${new Date(view.finishedAt).toLocaleString()}` : ''}</Text>
      </Card>
    </Stack>
  );
}

import { Alert, Anchor, Button, Group, Loader } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { exportHref, filterKeys, reportCatalog, reportNames, useReport, type ReportName, type ReportParams } from '../api/reports';
import { DrillList } from './DrillList';
import { ReportFilters } from './ReportFilters';
import { ReportTableCard } from './ReportTableCard';

const isReport = (s: string | undefined): s is ReportName => !!s && (reportNames as readonly string[]).includes(s);

/** `/reports/:report`: one report's tables for the filters in the URL; `?drill=` shows the list behind a number. */
export function ReportPage() {
  const { report } = useParams();
  if (!isReport(report)) {
    return (
      <div className="page">
        <PageHeader title="No such report" />
        <Alert color="yellow">There is no report “{report}”. <Anchor component={Link} to="/reports">See all reports</Anchor>.</Alert>
      </div>
    );
  }
  return <Report key={report} report={report} />;
}

function Report({ report }: { report: ReportName }) {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => {
    const p: ReportParams = {};
    for (const k of filterKeys) {
      const v = search.get(k);
      if (v) p[k] = v;
    }
    return p;
  }, [search]);
  const drill = search.get('drill');
  const result = useReport(report, params);
  const set = (patch: ReportParams & { drill?: string }) => setSearch((prev) => {
    const next = new URLSearchParams(prev);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    // Other filters, other numbers: a list opened before no longer matches.
    if (!('drill' in patch)) next.delete('drill');
    return next;
  });
  const about = reportCatalog[report];
  const data = result.data;
  return (
    <div className="page page-wide" data-testid="report">
      <PageHeader eyebrow={<Anchor component={Link} to="/reports" size="sm">Reports</Anchor>} title={about.title} description={data?.description ?? about.question}
        actions={<Button component="a" href={exportHref(report, params)} variant="default" leftSection={<IconDownload size={16} />}>Export CSV</Button>} />
      <ReportFilters report={report} params={params} period={data?.filters} set={set} errors={result.error?.fieldErrors ?? {}} />
      {result.error && <Alert color="red" mb="md" title="The report could not be run">{result.error.message}</Alert>}
      {result.isPending && <Group justify="center" p="xl"><Loader /></Group>}
      {data?.empty && (
        <Alert color="gray" mb="md" title="Nothing to report" data-testid="report-empty">
          No {report === 'important-customers' ? 'accounts of these classes' : 'activity'} {report === 'important-customers' ? 'for these filters' : `between ${data.filters.from} and ${data.filters.to}`}.
          Try a longer period or another team or rep.
        </Alert>
      )}
      <DrillList report={report} params={params} drill={drill} onClose={() => set({ drill: undefined })} />
      {data && !data.empty && data.tables.map((t) => <ReportTableCard key={t.id} table={t} activeDrill={drill} onDrill={(d) => set({ drill: d })} />)}
    </div>
  );
}

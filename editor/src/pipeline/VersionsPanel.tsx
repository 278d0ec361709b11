import { useEffect, useState } from 'react';
import { api, ApiError } from '../lib/api';
import { navigate } from '../lib/router';

export interface VersionInfo { version: number; note: string; publishedBy: string | null; publishedAt: string }
interface DiffEntry { id: string; type?: string; label?: string; source?: string; target?: string; branch?: string }
interface Diff {
  nodes: { added: DiffEntry[]; removed: DiffEntry[]; changed: { id: string; fields: string[] }[] };
  edges: { added: DiffEntry[]; removed: DiffEntry[]; changed: { id: string; fields: string[] }[] };
}

/** Published versions, with a diff between any two (or against the draft) and read-only opening. */
export function VersionsPanel({ pipelineId, versions }: { pipelineId: string; versions: VersionInfo[] }) {
  const [from, setFrom] = useState(versions[1] ? String(versions[1].version) : versions[0] ? String(versions[0].version) : '');
  const [to, setTo] = useState('draft');
  const [diff, setDiff] = useState<Diff>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!from || !to || from === to) return setDiff(undefined);
    api<Diff>(`/api/pipelines/${encodeURIComponent(pipelineId)}/diff?from=${from}&to=${to}`)
      .then((d) => { setDiff(d); setError(undefined); })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [pipelineId, from, to, versions]);
  const refs = ['draft', ...versions.map((v) => String(v.version))];
  return (
    <div className="panel-body" data-testid="versions">
      <h3>Versions</h3>
      {versions.length === 0 && <p className="muted small">Not published yet.</p>}
      <ul className="version-list">
        {versions.map((v) => (
          <li key={v.version}>
            <div><span className="pill pill-green">v{v.version}</span> <span className="small muted">{new Date(v.publishedAt).toLocaleString()}</span></div>
            {v.note && <div className="small">{v.note}</div>}
            <button className="btn btn-sm" onClick={() => navigate(`/pipelines/${encodeURIComponent(pipelineId)}/versions/${v.version}`)}>Open read-only</button>
          </li>
        ))}
      </ul>
      {versions.length > 0 && (
        <>
          <h4>Compare</h4>
          <div className="row gap">
            <select aria-label="compare from" value={from} onChange={(e) => setFrom(e.target.value)}>{refs.map((r) => <option key={r} value={r}>{r === 'draft' ? 'draft' : `v${r}`}</option>)}</select>
            <span className="muted">→</span>
            <select aria-label="compare to" value={to} onChange={(e) => setTo(e.target.value)}>{refs.map((r) => <option key={r} value={r}>{r === 'draft' ? 'draft' : `v${r}`}</option>)}</select>
          </div>
          {error && <div className="alert alert-error small">{error}</div>}
          {diff && <DiffView diff={diff} />}
        </>
      )}
    </div>
  );
}

function DiffView({ diff }: { diff: Diff }) {
  const none = !diff.nodes.added.length && !diff.nodes.removed.length && !diff.nodes.changed.length && !diff.edges.added.length && !diff.edges.removed.length && !diff.edges.changed.length;
  if (none) return <p className="muted small">No differences.</p>;
  const edge = (e: DiffEntry) => `${e.source} → ${e.target}${e.branch ? ` (${e.branch})` : ''}`;
  return (
    <div className="diff" data-testid="diff">
      {diff.nodes.added.map((n) => <div key={`na${n.id}`} className="diff-add">+ node <b>{n.label ?? n.id}</b> <span className="muted">{n.type}</span></div>)}
      {diff.nodes.removed.map((n) => <div key={`nr${n.id}`} className="diff-del">− node <b>{n.label ?? n.id}</b> <span className="muted">{n.type}</span></div>)}
      {diff.nodes.changed.map((n) => <div key={`nc${n.id}`} className="diff-mod">~ node <b>{n.id}</b> <span className="muted">{n.fields.join(', ')}</span></div>)}
      {diff.edges.added.map((e) => <div key={`ea${e.id}`} className="diff-add">+ edge {edge(e)}</div>)}
      {diff.edges.removed.map((e) => <div key={`er${e.id}`} className="diff-del">− edge {edge(e)}</div>)}
      {diff.edges.changed.map((e) => <div key={`ec${e.id}`} className="diff-mod">~ edge {e.id} <span className="muted">{e.fields.join(', ')}</span></div>)}
    </div>
  );
}

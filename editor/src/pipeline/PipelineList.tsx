import { useState } from 'react';
import { api, ApiError } from '../lib/api';
import { Link, navigate } from '../lib/router';
import { useApi } from '../lib/session';

interface PipelineRow { id: string; name: string; draftUpdatedAt: string; latestVersion: number | null; publishedAt: string | null }

export function PipelineList() {
  const { data, error, loading } = useApi<{ items: PipelineRow[] }>('/api/pipelines');
  const [newId, setNewId] = useState('');
  const [createError, setCreateError] = useState<string>();
  const create = async () => {
    const id = newId.trim();
    try {
      await api(`/api/pipelines/${encodeURIComponent(id)}/draft`, {
        method: 'PUT',
        body: { name: id, nodes: [{ id: 'capture', type: 'trigger', label: 'Lead captured', config: { sources: [] }, position: { x: 0, y: 120 } }], edges: [] },
      });
      navigate(`/pipelines/${encodeURIComponent(id)}`);
    } catch (err) {
      setCreateError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Pipelines</h1>
          <p className="muted">The graphs leads walk through. Edit a draft, publish it as a new version; running leads stay on theirs.</p>
        </div>
        <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void create(); }}>
          <input placeholder="new-pipeline-id" value={newId} pattern="[A-Za-z0-9_-]+" onChange={(e) => setNewId(e.target.value)} aria-label="New pipeline id" />
          <button className="btn btn-primary" disabled={!newId.trim()}>New pipeline</button>
        </form>
      </div>
      {createError && <div className="alert alert-error">{createError}</div>}
      {error && <div className="alert alert-error">{error.message}</div>}
      {loading && !data && <p className="muted">Loading…</p>}
      <table className="table">
        <thead><tr><th>Name</th><th>Id</th><th>Published</th><th>Draft saved</th><th /></tr></thead>
        <tbody>
          {data?.items.map((p) => (
            <tr key={p.id}>
              <td><Link to={`/pipelines/${encodeURIComponent(p.id)}`} className="strong">{p.name}</Link></td>
              <td className="mono">{p.id}</td>
              <td>{p.latestVersion ? <span className="pill pill-green">v{p.latestVersion}</span> : <span className="pill">never</span>} {p.publishedAt && <span className="muted small">{new Date(p.publishedAt).toLocaleString()}</span>}</td>
              <td className="muted small">{new Date(p.draftUpdatedAt).toLocaleString()}</td>
              <td className="right">
                <Link to={`/pipelines/${encodeURIComponent(p.id)}`} className="btn btn-sm">Edit</Link>{' '}
                <Link to={`/live/${encodeURIComponent(p.id)}`} className="btn btn-sm">Live</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

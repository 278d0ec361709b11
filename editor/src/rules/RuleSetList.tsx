import { useState } from 'react';
import type { RuleSetKind } from '../../../rules/schema';
import { api, ApiError } from '../lib/api';
import { Link, navigate } from '../lib/router';
import { refreshRuleSets } from '../lib/rule-sets';
import { useApi } from '../lib/session';
import { defaultEvent } from '../../model';

interface Row { id: string; name: string; kind: RuleSetKind; latestVersion: number | null; publishedAt: string | null; draftUpdatedAt: string }
const kinds: RuleSetKind[] = ['scoring', 'routing', 'reminder', 'configurator'];

export function RuleSetList() {
  const { data, error } = useApi<{ items: Row[] }>('/api/rule-sets');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<RuleSetKind>('scoring');
  const [createError, setCreateError] = useState<string>();
  const create = async () => {
    const fact = kind === 'configurator' ? { fact: 'quantity', operator: 'greaterThan', value: 0 } : { fact: 'score', operator: 'greaterThanInclusive', value: 0 };
    const doc = { name, kind, rules: [{ name: 'First rule', priority: 1, conditions: { all: [fact] }, event: defaultEvent(kind) }], ...(kind === 'scoring' ? { settings: { grades: { A: 60, B: 30 } } } : {}) };
    if (kind === 'routing') doc.rules[0]!.event = { type: 'route', params: { strategy: { type: 'territory' } } };
    if (kind === 'configurator') doc.rules[0]!.event = { type: 'violation', params: { violation: 'describe the problem' } };
    try {
      const r = await api<{ id: string }>('/api/rule-sets', { method: 'POST', body: doc });
      refreshRuleSets();
      navigate(`/rules/${encodeURIComponent(r.id)}`);
    } catch (err) {
      setCreateError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Rule sets</h1>
          <p className="muted">Scoring, routing, reminders and configurator rules. Each decision records the rule set and version behind it.</p>
        </div>
        <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void create(); }}>
          <input placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} aria-label="New rule set name" />
          <select value={kind} onChange={(e) => setKind(e.target.value as RuleSetKind)} aria-label="Kind">{kinds.map((k) => <option key={k}>{k}</option>)}</select>
          <button className="btn btn-primary" disabled={!name.trim()}>New rule set</button>
        </form>
      </div>
      {(error || createError) && <div className="alert alert-error">{error?.message ?? createError}</div>}
      <table className="table">
        <thead><tr><th>Name</th><th>Kind</th><th>Published</th><th>Draft saved</th></tr></thead>
        <tbody>
          {data?.items.map((r) => (
            <tr key={r.id}>
              <td><Link to={`/rules/${encodeURIComponent(r.id)}`} className="strong">{r.name}</Link> <span className="mono muted small">{r.id}</span></td>
              <td><span className={`pill pill-${r.kind}`}>{r.kind}</span></td>
              <td>{r.latestVersion ? <span className="pill pill-green">v{r.latestVersion}</span> : <span className="pill">never</span>}</td>
              <td className="muted small">{new Date(r.draftUpdatedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

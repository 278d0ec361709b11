import { useState } from 'react';
import type { RuleSetKind } from '../../../rules/schema';
import { api, ApiError } from '../lib/api';

interface Trace { path: string; fact: string; operator: string; expected: unknown; actual: unknown; negated?: boolean }
interface SimResult {
  ruleSet: { version: number | null; draft: boolean };
  decision: Record<string, unknown>;
  explanation: { matched?: { rule: string; conditions: Trace[] }[] };
}
interface Backtest { leads: number; changed: number; counts: Record<string, number>; sample: { leadId: string; before: Record<string, unknown>; after: Record<string, unknown> }[]; published: { version: number } }

const sampleLead = { source: 'web', country: 'DE', companySize: 250, industry: 'software', jobTitle: 'Head of Sales', hasPhone: true, formSubmissions: 1, tags: [] as string[] };
const sampleConfig = { product: 'crm-pro', options: ['sso'], quantity: 25, contractMonths: 12, storageGb: 100, listPrice: 12000 };
const show = (v: unknown) => (v === undefined ? 'missing' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

/** Runs the draft (or the published version) on a stored or sample lead, with the explanation; backtests the draft. */
export function SimulatePanel({ ruleSetId, kind, dirty, canBacktest }: { ruleSetId: string; kind: RuleSetKind; dirty: boolean; canBacktest: boolean }) {
  const base = `/api/rule-sets/${encodeURIComponent(ruleSetId)}`;
  const [mode, setMode] = useState<'sample' | 'stored'>('sample');
  const [leadId, setLeadId] = useState('');
  const [text, setText] = useState(JSON.stringify(kind === 'configurator' ? sampleConfig : sampleLead, null, 2));
  const [useDraft, setUseDraft] = useState(true);
  const [result, setResult] = useState<SimResult>();
  const [bt, setBt] = useState<Backtest>();
  const [error, setError] = useState<string>();

  const simulate = async () => {
    setError(undefined);
    try {
      const facts = mode === 'sample' ? JSON.parse(text) as Record<string, unknown> : undefined;
      const body = mode === 'stored' ? { leadId, useDraft } : kind === 'configurator' ? { configuration: facts, useDraft } : { lead: facts, useDraft };
      setResult(await api<SimResult>(`${base}/simulate`, { method: 'POST', body }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : (err as Error).message);
    }
  };
  const backtest = async () => {
    setError(undefined);
    try {
      setBt(await api<Backtest>(`${base}/backtest`, { method: 'POST', body: { limit: 1000 } }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const matched = result?.explanation.matched ?? [];
  const unmatched = (result?.decision.unmatched ?? []) as { rule: string; failed: Trace | null }[];
  const { matched: _m, unmatched: _u, ...decision } = result?.decision ?? {};
  return (
    <div className="sim-grid">
      <div className="card">
        <h3>Simulate</h3>
        {dirty && useDraft && <div className="alert alert-warn small">The simulation uses the saved draft: save your changes first.</div>}
        <div className="tabs small-tabs">
          <button className={mode === 'sample' ? 'active' : ''} onClick={() => setMode('sample')}>Sample {kind === 'configurator' ? 'configuration' : 'lead'}</button>
          {kind !== 'configurator' && <button className={mode === 'stored' ? 'active' : ''} onClick={() => setMode('stored')}>Stored lead</button>}
        </div>
        {mode === 'sample' ? <textarea className="mono" rows={12} value={text} onChange={(e) => setText(e.target.value)} aria-label="sample facts" /> : (
          <input placeholder="lead id" value={leadId} onChange={(e) => setLeadId(e.target.value)} aria-label="lead id" />
        )}
        <div className="row gap">
          <label className="inline"><input type="checkbox" checked={useDraft} onChange={(e) => setUseDraft(e.target.checked)} /> use the draft (else the newest published version)</label>
          <button className="btn btn-primary" onClick={() => void simulate()}>Run</button>
        </div>
        {error && <div className="alert alert-error small">{error}</div>}
        {result && (
          <div className="sim-result" data-testid="sim-result">
            <h4>Decision <span className="muted small">({result.ruleSet.draft ? 'draft' : `v${result.ruleSet.version}`})</span></h4>
            <dl className="kv">{Object.entries(decision).map(([k, v]) => <><dt key={`k${k}`}>{k}</dt><dd key={`v${k}`} className="mono">{show(v)}</dd></>)}</dl>
            <h4>Matched rules</h4>
            {matched.length === 0 && <p className="muted small">None.</p>}
            {matched.map((m) => (
              <div key={m.rule} className="explain ok">
                <strong>✓ {m.rule}</strong>
                {m.conditions.map((c) => <div key={c.path} className="small mono">{c.negated ? 'not ' : ''}{c.fact} {c.operator} {show(c.expected)} <span className="muted">(was {show(c.actual)})</span></div>)}
              </div>
            ))}
            {unmatched.length > 0 && <h4>Not matched</h4>}
            {unmatched.map((u) => (
              <div key={u.rule} className="explain no">
                <strong>✗ {u.rule}</strong>
                {u.failed && <div className="small mono">failed: {u.failed.fact} {u.failed.operator} {show(u.failed.expected)} <span className="muted">(was {show(u.failed.actual)}) at {u.failed.path}</span></div>}
              </div>
            ))}
          </div>
        )}
      </div>
      <div className="card">
        <h3>Backtest</h3>
        <p className="muted small">Runs the saved draft and the newest published version over the newest stored leads and counts what would change.</p>
        <button className="btn" disabled={!canBacktest} onClick={() => void backtest()}>Run backtest</button>
        {bt && (
          <div data-testid="backtest-result">
            <p><strong>{bt.changed}</strong> of {bt.leads} leads would change (vs v{bt.published.version}).</p>
            <table className="table compact"><tbody>{Object.entries(bt.counts).map(([k, v]) => <tr key={k}><td>{k}</td><td className="right">{v}</td></tr>)}</tbody></table>
            {bt.sample.length > 0 && <h4>Sample changes</h4>}
            <table className="table compact">
              <tbody>{bt.sample.slice(0, 20).map((s) => <tr key={s.leadId}><td className="mono small">{s.leadId}</td><td className="mono small">{show(s.before)}</td><td>→</td><td className="mono small">{show(s.after)}</td></tr>)}</tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}

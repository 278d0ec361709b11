import { useCallback, useEffect, useMemo, useState } from 'react';
import { factCatalogView } from '../../../rules/catalog-view';
import { validateRuleSet } from '../../../rules/validate';
import { clearDraft, defaultEvent, loadDraft, pathString, storeDraft } from '../../model';
import { api, ApiError, type ApiProblem } from '../lib/api';
import { Link } from '../lib/router';
import { refreshRuleSets } from '../lib/rule-sets';
import { useSession } from '../lib/session';
import { ConditionTree, newLeaf } from './ConditionTree';
import { OutcomeEditor } from './OutcomeEditor';
import { SimulatePanel } from './SimulatePanel';
import type { EditableRule, EditableRuleSet, FactCatalog } from './types';

interface Detail { id: string; name: string; kind: EditableRuleSet['kind']; draft: EditableRuleSet; versions: { version: number; note: string; publishedAt: string }[] }
const storage = () => window.localStorage;

/** Rule builder for one rule set: tree of conditions per rule, outcome per kind, JSON view, simulate / backtest. */
export function RuleSetEditor({ ruleSetId }: { ruleSetId: string }) {
  const { user } = useSession();
  const canEdit = user?.role === 'ops' || user?.role === 'admin';
  const base = `/api/rule-sets/${encodeURIComponent(ruleSetId)}`;
  const [detail, setDetail] = useState<Detail>();
  const [doc, setDoc] = useState<EditableRuleSet>();
  const [catalog, setCatalog] = useState<FactCatalog>();
  const [serverProblems, setServerProblems] = useState<ApiProblem[]>([]);
  const [status, setStatus] = useState<{ kind: string; text: string }>({ kind: 'idle', text: '' });
  const [tab, setTab] = useState<'rules' | 'json' | 'simulate'>('rules');
  const [dirty, setDirty] = useState(false);
  const [loadError, setLoadError] = useState<string>();

  const load = useCallback(async () => {
    try {
      const d = await api<Detail>(base);
      setDetail(d);
      const local = loadDraft<EditableRuleSet>(storage(), 'ruleset', ruleSetId);
      setDoc(local?.doc ?? d.draft);
      setDirty(!!local);
      if (local) setStatus({ kind: 'local', text: 'Unsaved changes restored from this browser' });
      const cat = await api<FactCatalog>(`/api/facts?kind=${d.kind}`).catch(() => factCatalogView(d.kind) as unknown as FactCatalog);
      setCatalog(cat);
    } catch (err) {
      setLoadError(err instanceof ApiError ? err.message : String(err));
    }
  }, [base, ruleSetId]);
  useEffect(() => {
    void load();
  }, [load]);

  const update = (next: EditableRuleSet) => {
    setDoc(next);
    setDirty(true);
    storeDraft(storage(), 'ruleset', ruleSetId, next);
    setStatus({ kind: 'local', text: 'Unsaved changes (kept in this browser)' });
  };

  // Instant feedback from the same validation the API runs at save.
  const localProblems = useMemo(() => {
    if (!doc) return [];
    const r = validateRuleSet(doc);
    return r.ok ? [] : r.problems;
  }, [doc]);
  const problems = dirty ? localProblems : [...serverProblems, ...localProblems.filter((p) => !serverProblems.some((s) => s.path === p.path))];

  const save = async (): Promise<boolean> => {
    if (!doc) return false;
    setStatus({ kind: 'busy', text: 'Saving…' });
    try {
      const d = await api<Detail>(`${base}/draft`, { method: 'PUT', body: doc });
      clearDraft(storage(), 'ruleset', ruleSetId);
      setDetail(d);
      setDirty(false);
      setServerProblems([]);
      setStatus({ kind: 'saved', text: 'Draft saved' });
      return true;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err));
      setServerProblems(e.problems);
      setDirty(false);
      setStatus({ kind: 'error', text: `Not saved: ${e.problems.length ? `${e.problems.length} problem(s) — see the highlighted fields` : e.message}. Your changes are kept in this browser.` });
      return false;
    }
  };
  const publish = async () => {
    if (!(await save())) return;
    try {
      const r = await api<{ version: number }>(`${base}/publish`, { method: 'POST', body: { note: '' } });
      refreshRuleSets();
      setStatus({ kind: 'published', text: `Published version ${r.version}` });
      setDetail(await api<Detail>(base));
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err));
      setServerProblems(e.problems);
      setStatus({ kind: 'error', text: `Publish refused: ${e.message}` });
    }
  };

  if (loadError) return <div className="page"><div className="alert alert-error">{loadError}</div></div>;
  if (!doc || !catalog || !detail) return <div className="page muted">Loading…</div>;

  const setRule = (i: number, rule: EditableRule) => update({ ...doc, rules: doc.rules.map((r, j) => (j === i ? rule : r)) });
  const addRule = () => update({ ...doc, rules: [...doc.rules, { name: `Rule ${doc.rules.length + 1}`, priority: 1, conditions: { all: [newLeaf(catalog)] }, event: defaultEvent(doc.kind) }] });
  const grades = ((doc.settings?.grades ?? { A: 60, B: 30 }) as { A: number; B: number });

  return (
    <div className="page page-wide">
      <div className="toolbar">
        <div className="toolbar-title">
          <Link to="/rules" className="muted">Rules</Link><span className="muted">/</span><strong>{doc.name}</strong>
          <span className={`pill pill-${doc.kind}`}>{doc.kind}</span>
          {detail.versions[0] ? <span className="pill pill-green">v{detail.versions[0].version} published</span> : <span className="pill">unpublished</span>}
        </div>
        <div className={`status status-${status.kind}`} role="status" data-testid="rule-status">{status.text}</div>
        <div className="toolbar-actions">
          <button className="btn" disabled={!canEdit} onClick={() => void save()}>Save draft</button>
          <button className="btn btn-primary" disabled={!canEdit} onClick={() => void publish()}>Publish</button>
        </div>
      </div>
      <div className="tabs tabs-page">
        <button className={tab === 'rules' ? 'active' : ''} onClick={() => setTab('rules')}>Rules ({doc.rules.length})</button>
        <button className={tab === 'json' ? 'active' : ''} onClick={() => setTab('json')}>JSON</button>
        <button className={tab === 'simulate' ? 'active' : ''} onClick={() => setTab('simulate')}>Simulate &amp; backtest</button>
        {problems.length > 0 && <span className="pill pill-red" data-testid="rule-problem-count">{problems.length} problem(s)</span>}
      </div>
      {tab === 'rules' && (
        <div className="rules">
          {doc.kind === 'scoring' && (
            <div className="card settings">
              <strong>Grades</strong>
              <label className="inline">A from <input type="number" className="w-num" value={grades.A} disabled={!canEdit} onChange={(e) => update({ ...doc, settings: { ...doc.settings, grades: { ...grades, A: Number(e.target.value) } } })} /> points</label>
              <label className="inline">B from <input type="number" className="w-num" value={grades.B} disabled={!canEdit} onChange={(e) => update({ ...doc, settings: { ...doc.settings, grades: { ...grades, B: Number(e.target.value) } } })} /> points</label>
              <label className="inline">cap <input type="number" className="w-num" value={typeof doc.settings?.cap === 'number' ? doc.settings.cap : ''} disabled={!canEdit} onChange={(e) => update({ ...doc, settings: { ...doc.settings, cap: e.target.value === '' ? undefined : Number(e.target.value) } })} /></label>
            </div>
          )}
          {problems.filter((p) => !/^rules\[/.test(p.path)).map((p) => <div key={p.path + p.message} className="alert alert-error small">{p.path}: {p.message}</div>)}
          {doc.rules.map((rule, i) => {
            const rp = ['rules', i];
            const nameProblems = problems.filter((p) => p.path === pathString([...rp, 'name']));
            return (
              <div key={i} className="card rule-card" data-testid={`rule-${i}`}>
                <div className="rule-head">
                  <input className={`rule-name${nameProblems.length ? ' input-error' : ''}`} aria-label="rule name" value={rule.name} disabled={!canEdit} onChange={(e) => setRule(i, { ...rule, name: e.target.value })} />
                  <label className="inline small muted">priority <input type="number" className="w-num" value={rule.priority ?? 1} disabled={!canEdit} onChange={(e) => setRule(i, { ...rule, priority: Number(e.target.value) })} /></label>
                  {canEdit && <button className="btn btn-xs btn-ghost" onClick={() => update({ ...doc, rules: doc.rules.filter((_, j) => j !== i) })}>Delete rule</button>}
                </div>
                {nameProblems.map((p) => <div key={p.message} className="field-msg">{p.message}</div>)}
                <div className="rule-section-label">When</div>
                <ConditionTree root={rule.conditions} catalog={catalog} docPath={[...rp, 'conditions']} problems={problems} readOnly={!canEdit} onChange={(conditions) => setRule(i, { ...rule, conditions })} />
                <div className="rule-section-label">Then</div>
                <OutcomeEditor kind={doc.kind} event={rule.event} docPath={rp} problems={problems} readOnly={!canEdit} onChange={(event) => setRule(i, { ...rule, event })} />
              </div>
            );
          })}
          {canEdit && <button className="btn" onClick={addRule} data-testid="add-rule">+ Add rule</button>}
        </div>
      )}
      {tab === 'json' && <JsonView doc={doc} readOnly={!canEdit} onChange={update} />}
      {tab === 'simulate' && <SimulatePanel ruleSetId={ruleSetId} kind={doc.kind} dirty={dirty} canBacktest={canEdit} />}
    </div>
  );
}

/** The document as JSON; edits that parse flow back into the tree (and the tree's edits show here). */
function JsonView({ doc, readOnly, onChange }: { doc: EditableRuleSet; readOnly: boolean; onChange(d: EditableRuleSet): void }) {
  const [text, setText] = useState(() => JSON.stringify(doc, null, 2));
  const [error, setError] = useState<string>();
  return (
    <div className="card">
      <textarea className="json-editor mono" aria-label="rule set JSON" spellCheck={false} value={text} disabled={readOnly} onChange={(e) => {
        setText(e.target.value);
        try {
          const parsed = JSON.parse(e.target.value) as EditableRuleSet;
          if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.rules)) throw new Error('a rule set needs "rules": [...]');
          if (parsed.kind !== doc.kind) throw new Error('the kind of a rule set cannot change');
          setError(undefined);
          onChange(parsed);
        } catch (err) {
          setError((err as Error).message);
        }
      }} />
      {error ? <div className="field-msg">{error} — the tree keeps the last valid JSON</div> : <div className="muted small">Edits here update the rule tree.</div>}
    </div>
  );
}

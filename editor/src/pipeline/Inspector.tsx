import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FlowNode } from '../../model';
import { ConfigForm } from './ConfigForm';
import { CustomActivityInfo } from './CustomActivityInfo';
import { typeInfo, type PaletteItem } from './palette';
import { usePipelineStore } from './store';

/** Side panel: the selected node's id, label and config form; or the pipeline's own fields and general problems. */
export function Inspector({ palette }: { palette: PaletteItem[] }) {
  // Ids and data only: dragging changes node positions every frame, and the panel must not re-render for that.
  const selected = usePipelineStore(useShallow((s) => s.nodes.filter((n) => n.selected).map((n) => n.id)));
  const selectedEdge = usePipelineStore((s) => s.edges.find((e) => e.selected));
  const data = usePipelineStore((s) => (selected.length === 1 ? s.nodes.find((n) => n.id === selected[0])?.data : undefined));
  if (data) return <NodeInspector key={selected[0]} node={{ id: selected[0]!, data }} palette={palette} />;
  if (selectedEdge) {
    return (
      <div className="panel-body">
        <h3>Connection</h3>
        <dl className="kv">
          <dt>From</dt><dd className="mono">{selectedEdge.source}</dd>
          <dt>Branch</dt><dd>{selectedEdge.data?.branch ?? 'next'}</dd>
          <dt>To</dt><dd className="mono">{selectedEdge.target}</dd>
        </dl>
        {selectedEdge.data?.problems.map((p) => <div key={p} className="alert alert-error small">{p}</div>)}
        <p className="muted small">Press Delete to remove it.</p>
      </div>
    );
  }
  return <PipelineInspector count={selected.length} />;
}

function PipelineInspector({ count }: { count: number }) {
  const meta = usePipelineStore((s) => s.meta);
  const readOnly = usePipelineStore((s) => s.readOnly);
  const setMeta = usePipelineStore((s) => s.setMeta);
  const general = usePipelineStore((s) => s.generalProblems);
  const problems = usePipelineStore((s) => s.problems);
  const focus = (id: string) => usePipelineStore.setState((s) => ({ nodes: s.nodes.map((n) => ({ ...n, selected: n.id === id }) as FlowNode) }));
  return (
    <div className="panel-body">
      <h3>Pipeline</h3>
      <div className="form">
        <div className="field"><label htmlFor="p-name">Name</label><input id="p-name" value={meta.name} disabled={readOnly} onChange={(e) => setMeta({ name: e.target.value })} /></div>
        <div className="field"><label htmlFor="p-desc">Description</label><textarea id="p-desc" rows={3} value={meta.description ?? ''} disabled={readOnly} onChange={(e) => setMeta({ description: e.target.value })} /></div>
      </div>
      {count > 1 && <p className="muted small">{count} nodes selected. Ctrl+C copies them.</p>}
      <h4>Checks</h4>
      {problems.length === 0 ? <p className="muted small">No problems reported. Validate or save to check the graph.</p> : (
        <ul className="problem-list" data-testid="problem-list">
          {general.map((p) => <li key={p.path + p.message}>{p.message}</li>)}
          {problems.filter((p) => p.nodeId || p.edgeId).map((p) => (
            <li key={`${p.nodeId ?? ''}${p.edgeId ?? ''}${p.message}`}>
              {p.nodeId ? <button className="link" onClick={() => focus(p.nodeId!)}>{p.nodeId}</button> : <span className="mono">{p.edgeId}</span>}: {p.message}
            </li>
          ))}
        </ul>
      )}
      <h4>Shortcuts</h4>
      <p className="muted small">Drag from the palette · drag from a handle to connect · Delete removes · Ctrl+Z / Ctrl+Shift+Z undo/redo · Ctrl+C / Ctrl+V copy/paste · N adds a node · ? lists every shortcut</p>
    </div>
  );
}

function NodeInspector({ node, palette }: { node: Pick<FlowNode, 'id' | 'data'>; palette: PaletteItem[] }) {
  const readOnly = usePipelineStore((s) => s.readOnly);
  const update = usePipelineStore((s) => s.updateNodeData);
  const rename = usePipelineStore((s) => s.renameNode);
  const problems = usePipelineStore(useShallow((s) => s.problems.filter((p) => p.nodeId === node.id)));
  const [idDraft, setIdDraft] = useState(node.id);
  const item = palette.find((p) => p.type === node.data.nodeType && (p.kind === 'builtin' || p.activity === node.data.config.activity))
    ?? palette.find((p) => p.type === node.data.nodeType);
  const fieldProblems: Record<string, string[]> = {};
  for (const p of problems) {
    const m = /config\.([A-Za-z]+)/.exec(p.path);
    if (m) (fieldProblems[m[1]!] ??= []).push(p.message);
  }
  const general = problems.filter((p) => !/config\.[A-Za-z]+/.test(p.path));
  const info = typeInfo[node.data.nodeType];
  return (
    <div className="panel-body" data-testid="inspector">
      <div className="inspector-head">
        <span className="type-chip" style={{ background: info.accent }}>{info.icon} {info.name}</span>
        <span className="muted small">{item?.label}</span>
      </div>
      {general.map((p) => <div key={p.message} className="alert alert-error small">{p.message}</div>)}
      <div className="form">
        <div className="field">
          <label htmlFor="n-id">Id</label>
          <input id="n-id" className="mono" value={idDraft} disabled={readOnly} onChange={(e) => setIdDraft(e.target.value)}
            onBlur={() => { if (idDraft !== node.id && !rename(node.id, idDraft)) setIdDraft(node.id); }} />
        </div>
        <div className="field">
          <label htmlFor="n-label">Label</label>
          <input id="n-label" value={node.data.label ?? ''} disabled={readOnly} onChange={(e) => update(node.id, { label: e.target.value || undefined })} />
        </div>
      </div>
      <h4>Configuration</h4>
      {item ? (
        <ConfigForm schema={item.configSchema} nodeType={node.data.nodeType} value={node.data.config} readOnly={readOnly} fieldProblems={fieldProblems}
          onChange={(config) => update(node.id, { config })} />
      ) : <p className="muted small">Loading the palette…</p>}
      {item?.inputSchema && (
        <>
          <h4>Activity input</h4>
          <ConfigForm schema={item.inputSchema} value={(node.data.config.input as Record<string, unknown>) ?? {}} readOnly={readOnly}
            onChange={(input) => update(node.id, { config: { ...node.data.config, input } })} />
        </>
      )}
      {item?.kind === 'custom' && <CustomActivityInfo item={item} />}
      <h4>Outputs</h4>
      <div className="chips">{node.data.outputs.length ? node.data.outputs.map((o) => <span key={o} className="chip on">{o}</span>) : <span className="muted small">none (an end)</span>}</div>
    </div>
  );
}

import { Handle, Position, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo } from 'react';
import type { BranchNode, EndNode, FlowNode, StepNode, TriggerNode } from '../../model';
import { typeInfo } from './palette';

function subtitle(node: FlowNode): string {
  const c = node.data.config;
  switch (node.data.nodeType) {
    case 'score': case 'route': case 'configurator_check': return String(c.ruleSetId ?? '');
    case 'stage': return String(c.name ?? '');
    case 'wait': return `until ${String(c.until ?? '?')}${c.timeoutHours ? ` · ${String(c.timeoutHours)} h` : ''}`;
    case 'send_email': return `${String(c.template ?? '')} → ${String(c.to ?? 'lead')}`;
    case 'create_task': return String(c.title ?? '');
    case 'custom': return String(c.activity ?? '');
    case 'end_lost': return c.reason ? String(c.reason) : '';
    default: return '';
  }
}

function Card({ node, inputs, selected }: { node: FlowNode; inputs: boolean; selected: boolean }) {
  const info = typeInfo[node.data.nodeType];
  const outputs = node.data.outputs;
  const named = outputs.length > 1 || (outputs.length === 1 && outputs[0] !== 'next');
  const problems = node.data.problems;
  const counts = node.data.counts;
  return (
    <div
      className={`flow-node${problems.length ? ' has-problem' : ''}${selected ? ' selected' : ''}`}
      style={{ ['--accent' as string]: info.accent, minHeight: named ? 44 + outputs.length * 22 : undefined }}
      title={problems.join('\n') || undefined}
      data-testid={`node-${node.id}`}
    >
      {inputs && <Handle type="target" position={Position.Left} className="handle-in" />}
      <div className="flow-node-head">
        <span className="flow-node-icon">{info.icon}</span>
        <span className="flow-node-type">{info.name}</span>
        {counts && (
          <span className="count-badge" data-testid={`count-${node.id}`} title={`${counts.open} open, ${counts.closed} closed`}>
            {counts.open}{counts.closed ? <small> / {counts.closed}</small> : null}
          </span>
        )}
        {problems.length > 0 && <span className="problem-dot" aria-label={`${problems.length} problem(s)`}>!</span>}
      </div>
      <div className="flow-node-title">{node.data.label || node.id}</div>
      <div className="flow-node-sub">{subtitle(node)}</div>
      {problems.length > 0 && (
        <div className="flow-node-problem">
          {problems.slice(0, 3).map((p) => <div key={p}>{p}</div>)}
          {problems.length > 3 && <div>… and {problems.length - 3} more (see the side panel)</div>}
        </div>
      )}
      {outputs.map((o, i) => (
        <div key={o}>
          {named && <span className="handle-label" style={{ top: 44 + i * 22 - 7 }}>{o}</span>}
          <Handle
            id={o} type="source" position={Position.Right}
            className={named ? 'handle-out named' : 'handle-out'}
            style={named ? { top: 44 + i * 22 } : undefined}
            data-testid={`handle-${node.id}-${o}`}
          />
        </div>
      ))}
    </div>
  );
}

const TriggerNodeView = memo(({ data, id, selected, type }: NodeProps<TriggerNode>) => <Card node={{ id, data, type, position: { x: 0, y: 0 } }} inputs={false} selected={!!selected} />);
const StepNodeView = memo(({ data, id, selected, type }: NodeProps<StepNode>) => <Card node={{ id, data, type, position: { x: 0, y: 0 } }} inputs selected={!!selected} />);
const BranchNodeView = memo(({ data, id, selected, type }: NodeProps<BranchNode>) => <Card node={{ id, data, type, position: { x: 0, y: 0 } }} inputs selected={!!selected} />);
const EndNodeView = memo(({ data, id, selected, type }: NodeProps<EndNode>) => <Card node={{ id, data, type, position: { x: 0, y: 0 } }} inputs selected={!!selected} />);

/** Module scope: React Flow re-mounts every node when this object changes identity. */
export const nodeTypes: NodeTypes = { trigger: TriggerNodeView, step: StepNodeView, branch: BranchNodeView, end: EndNodeView };

import type { RuleSetKind } from '../../../rules/schema';
import { pathString, problemsAt } from '../../model';
import type { EditableRule } from './types';

type Event = EditableRule['event'];
interface Props { kind: RuleSetKind; event: Event; onChange(e: Event): void; readOnly?: boolean; docPath: (string | number)[]; problems: { path: string; message: string }[] }

const num = (v: string) => (v === '' ? undefined : Number(v));

/** The decision a matching rule makes, per rule-set kind. */
export function OutcomeEditor({ kind, event, onChange, readOnly, docPath, problems }: Props) {
  const p = event.params ?? {};
  const set = (params: Record<string, unknown>) => onChange({ ...event, params: { ...p, ...params } });
  const here = pathString([...docPath, 'event']);
  const msgs = problems.filter((x) => x.path.startsWith(here));
  const wrap = (children: React.ReactNode) => (
    <div className={`outcome${msgs.length ? ' field-error' : ''}`}>
      {children}
      {msgs.map((m) => <div key={m.path + m.message} className="field-msg">{m.path.slice(here.length + 1) || 'outcome'}: {m.message}</div>)}
    </div>
  );
  if (kind === 'scoring') {
    return wrap(<label className="inline">Add <input type="number" aria-label="points" className="w-num" value={typeof p.points === 'number' ? p.points : ''} disabled={readOnly} onChange={(e) => set({ points: num(e.target.value) })} /> points</label>);
  }
  if (kind === 'reminder') {
    return wrap(
      <div className="row gap wrap">
        <label className="inline">Remind after <input type="number" className="w-num" aria-label="delay hours" value={typeof p.delayHours === 'number' ? p.delayHours : ''} disabled={readOnly} onChange={(e) => set({ delayHours: num(e.target.value) })} /> h</label>
        <label className="inline">to <select value={String(p.recipient ?? 'owner')} disabled={readOnly} onChange={(e) => set({ recipient: e.target.value })}><option>owner</option><option>manager</option></select></label>
        <label className="inline">template <input value={String(p.template ?? '')} disabled={readOnly} onChange={(e) => set({ template: e.target.value })} /></label>
        <label className="inline">task kind <input value={String(p.kind ?? '')} disabled={readOnly} onChange={(e) => set({ kind: e.target.value || undefined })} /></label>
      </div>,
    );
  }
  if (kind === 'configurator') {
    const isPrice = event.type === 'priceAdjustment';
    const adj = (p.priceAdjustment ?? {}) as Record<string, unknown>;
    return wrap(
      <div className="row gap wrap">
        <select value={event.type} disabled={readOnly} aria-label="outcome type"
          onChange={(e) => onChange(e.target.value === 'priceAdjustment' ? { type: 'priceAdjustment', params: { priceAdjustment: { label: 'Discount', percent: -5 } } } : { type: 'violation', params: { violation: '' } })}>
          <option value="violation">Violation</option><option value="priceAdjustment">Price adjustment</option>
        </select>
        {isPrice ? (
          <>
            <input placeholder="label" value={String(adj.label ?? '')} disabled={readOnly} onChange={(e) => set({ priceAdjustment: { ...adj, label: e.target.value } })} />
            <label className="inline">amount <input type="number" className="w-num" value={typeof adj.amount === 'number' ? adj.amount : ''} disabled={readOnly} onChange={(e) => set({ priceAdjustment: { ...adj, amount: num(e.target.value) } })} /></label>
            <label className="inline">percent <input type="number" className="w-num" value={typeof adj.percent === 'number' ? adj.percent : ''} disabled={readOnly} onChange={(e) => set({ priceAdjustment: { ...adj, percent: num(e.target.value) } })} /></label>
          </>
        ) : (
          <input className="grow" placeholder="message shown to the rep" value={String(p.violation ?? '')} disabled={readOnly} onChange={(e) => set({ violation: e.target.value })} />
        )}
      </div>,
    );
  }
  // routing
  const s = (p.strategy ?? { type: 'territory' }) as Record<string, unknown>;
  const setS = (next: Record<string, unknown>) => set({ strategy: next });
  const weights = Array.isArray(s.weights) ? (s.weights as { userId: string; weight: number }[]) : [];
  return wrap(
    <div className="row gap wrap">
      <select aria-label="strategy" value={String(s.type)} disabled={readOnly} onChange={(e) => {
        const t = e.target.value;
        setS(t === 'named' ? { type: t, userId: '' } : t === 'round_robin' ? { type: t, team: '' } : t === 'weighted' ? { type: t, weights: [{ userId: '', weight: 1 }] } : t === 'capacity' ? { type: t, team: '' } : { type: t });
      }}>
        <option value="named">A named rep</option><option value="round_robin">Round robin in a team</option><option value="weighted">Weighted random</option>
        <option value="territory">By territory</option><option value="capacity">Capacity-aware</option>
      </select>
      {s.type === 'named' && <input placeholder="user id" value={String(s.userId ?? '')} disabled={readOnly} onChange={(e) => setS({ ...s, userId: e.target.value })} />}
      {(s.type === 'round_robin' || s.type === 'capacity') && <input placeholder="team id" value={String(s.team ?? '')} disabled={readOnly} onChange={(e) => setS({ ...s, team: e.target.value || undefined })} />}
      {s.type === 'capacity' && <input placeholder="or user ids, comma separated" value={Array.isArray(s.userIds) ? (s.userIds as string[]).join(', ') : ''} disabled={readOnly} onChange={(e) => { const ids = e.target.value.split(',').map((x) => x.trim()).filter(Boolean); setS({ ...s, userIds: ids.length ? ids : undefined }); }} />}
      {s.type === 'weighted' && (
        <div className="weights">
          {weights.map((w, i) => (
            <span key={i} className="row gap">
              <input placeholder="user id" value={w.userId} disabled={readOnly} onChange={(e) => setS({ ...s, weights: weights.map((x, j) => (j === i ? { ...x, userId: e.target.value } : x)) })} />
              <input type="number" className="w-num" aria-label="weight" value={w.weight} disabled={readOnly} onChange={(e) => setS({ ...s, weights: weights.map((x, j) => (j === i ? { ...x, weight: Number(e.target.value) } : x)) })} />
              {!readOnly && <button className="btn btn-xs btn-ghost" onClick={() => setS({ ...s, weights: weights.filter((_, j) => j !== i) })}>✕</button>}
            </span>
          ))}
          {!readOnly && <button className="btn btn-xs" onClick={() => setS({ ...s, weights: [...weights, { userId: '', weight: 1 }] })}>+ assignee</button>}
        </div>
      )}
      {problemsAt(problems, here, []).length > 0 && null}
    </div>,
  );
}

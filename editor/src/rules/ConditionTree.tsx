import { isLeaf, type Condition, type LeafCondition } from '../../../rules/schema';
import { appendChild, defaultValue, pathString, problemsAt, replaceAt, switchGroup, type CondPath } from '../../model';
import type { FactCatalog, FactView, OperatorView } from './types';

interface TreeProps {
  root: Condition;
  catalog: FactCatalog;
  /** Path of `conditions` in the document, e.g. ['rules', 0, 'conditions'] (for problem paths). */
  docPath: (string | number)[];
  problems: { path: string; message: string }[];
  readOnly?: boolean;
  onChange(next: Condition): void;
}

const allFacts = (c: FactCatalog) => c.entities.flatMap((e) => e.facts);

/** A new comparison on the first fact, with its first operator and a value of the right type. */
export function newLeaf(catalog: FactCatalog): LeafCondition {
  const fact = allFacts(catalog)[0];
  const op = fact?.operators[0];
  return { fact: fact?.name ?? '', operator: op?.name ?? 'equal', value: defaultValue(fact as never, op?.valueType as never) as LeafCondition['value'] };
}

/** all / any / not groups with comparisons, edited in place; every change produces a new tree. */
export function ConditionTree(props: TreeProps) {
  return <ConditionNode {...props} path={[]} />;
}

function ConditionNode({ root, path, catalog, docPath, problems, readOnly, onChange }: TreeProps & { path: CondPath }) {
  const cond = path.length ? (path.reduce<unknown>((c, s) => (c as Record<string | number, unknown>)[s], root) as Condition) : root;
  const here = pathString([...docPath, ...path]);
  const set = (next: Condition | undefined) => onChange(replaceAt(root, path, next));
  const remove = path.length ? () => set(undefined) : undefined;

  if (isLeaf(cond)) return <Leaf cond={cond} catalog={catalog} problems={problemsAt(problems, here, ['fact', 'operator', 'value'])} readOnly={readOnly} onChange={set} onRemove={remove} />;

  const own = problemsAt(problems, here, []);
  if ('not' in cond) {
    return (
      <div className="cond-group cond-not">
        <div className="cond-group-head">
          <span className="group-tag tag-not">NOT</span>
          {!readOnly && remove && <button className="btn btn-xs btn-ghost" onClick={remove} title="Remove group">✕</button>}
        </div>
        {own.map((p) => <div key={p.message} className="field-msg">{p.message}</div>)}
        <ConditionNode root={root} path={[...path, 'not']} catalog={catalog} docPath={docPath} problems={problems} readOnly={readOnly} onChange={onChange} />
      </div>
    );
  }
  const key = 'all' in cond ? 'all' : 'any';
  const children = (cond as Record<string, Condition[]>)[key] ?? [];
  return (
    <div className={`cond-group cond-${key}`} data-testid={`group-${here}`}>
      <div className="cond-group-head">
        <select className="group-select" value={key} disabled={readOnly} onChange={(e) => onChange(switchGroup(root, path, e.target.value as 'all' | 'any'))} aria-label="group type">
          <option value="all">ALL of</option>
          <option value="any">ANY of</option>
        </select>
        {!readOnly && (
          <span className="cond-actions">
            <button className="btn btn-xs" onClick={() => onChange(appendChild(root, path, newLeaf(catalog)))}>+ Condition</button>
            <button className="btn btn-xs" onClick={() => onChange(appendChild(root, path, { any: [newLeaf(catalog)] }))}>+ Group</button>
            <button className="btn btn-xs" onClick={() => onChange(appendChild(root, path, { not: { all: [newLeaf(catalog)] } }))}>+ Not</button>
            {remove && <button className="btn btn-xs btn-ghost" onClick={remove} title="Remove group">✕</button>}
          </span>
        )}
      </div>
      {own.map((p) => <div key={p.message} className="field-msg">{p.message}</div>)}
      <div className="cond-children">
        {children.map((_, i) => (
          <ConditionNode key={i} root={root} path={[...path, key, i]} catalog={catalog} docPath={docPath} problems={problems} readOnly={readOnly} onChange={onChange} />
        ))}
      </div>
    </div>
  );
}

function Leaf({ cond, catalog, problems, readOnly, onChange, onRemove }: {
  cond: LeafCondition; catalog: FactCatalog; problems: { path: string; message: string }[]; readOnly?: boolean;
  onChange(next: LeafCondition): void; onRemove?: () => void;
}) {
  const fact = allFacts(catalog).find((f) => f.name === cond.fact);
  const ops = fact?.operators ?? [];
  const op = ops.find((o) => o.name === cond.operator);
  const pickFact = (name: string) => {
    const f = allFacts(catalog).find((x) => x.name === name);
    const o = f?.operators.find((x) => x.name === cond.operator) ?? f?.operators[0];
    onChange({ fact: name, operator: o?.name ?? cond.operator, value: defaultValue(f as never, o?.valueType as never) as LeafCondition['value'] });
  };
  const pickOp = (name: string) => {
    const o = ops.find((x) => x.name === name);
    const sameShape = o && op && o.valueType === op.valueType;
    onChange({ ...cond, operator: name, value: sameShape ? cond.value : (defaultValue(fact as never, o?.valueType as never) as LeafCondition['value']) });
  };
  return (
    <div className={`cond-leaf${problems.length ? ' field-error' : ''}`} data-testid="condition">
      <div className="cond-row">
        <select className="fact-select" value={cond.fact} disabled={readOnly} onChange={(e) => pickFact(e.target.value)} aria-label="fact">
          {!fact && <option value={cond.fact}>{cond.fact || '— fact —'} (unknown)</option>}
          {catalog.entities.map((g) => (
            <optgroup key={g.entity} label={g.entity}>
              {g.facts.map((f) => <option key={f.name} value={f.name}>{f.label} · {f.type}</option>)}
            </optgroup>
          ))}
        </select>
        <select className="op-select" value={cond.operator} disabled={readOnly} onChange={(e) => pickOp(e.target.value)} aria-label="operator">
          {!op && <option value={cond.operator}>{cond.operator} (does not fit)</option>}
          {ops.map((o) => <option key={o.name} value={o.name} title={o.label}>{o.name}</option>)}
        </select>
        <ValueInput fact={fact} op={op} value={cond.value} readOnly={readOnly} onChange={(value) => onChange({ ...cond, value: value as LeafCondition['value'] })} />
        {!readOnly && onRemove && <button className="btn btn-xs btn-ghost" onClick={onRemove} title="Remove condition" aria-label="remove condition">✕</button>}
      </div>
      {problems.map((p) => <div key={p.path + p.message} className="field-msg">{p.message}</div>)}
    </div>
  );
}

function ValueInput({ fact, op, value, readOnly, onChange }: { fact?: FactView; op?: OperatorView; value: unknown; readOnly?: boolean; onChange(v: unknown): void }) {
  const type = fact?.type ?? 'string';
  const vt = op?.valueType ?? 'same';
  const num = type === 'number' || vt === 'days';
  if (vt === 'range') {
    const [a, b] = Array.isArray(value) ? value : [0, 0];
    return (
      <span className="value-range">
        <input type="number" aria-label="from" value={Number(a)} disabled={readOnly} onChange={(e) => onChange([Number(e.target.value), b])} />
        <span className="muted">to</span>
        <input type="number" aria-label="to" value={Number(b)} disabled={readOnly} onChange={(e) => onChange([a, Number(e.target.value)])} />
      </span>
    );
  }
  if (vt === 'list' || vt === 'elements' || vt === 'territories') {
    const list = Array.isArray(value) ? value.map(String) : [];
    if (fact?.values) {
      return (
        <span className="chips">
          {fact.values.map((v) => (
            <label key={v} className={`chip${list.includes(v) ? ' on' : ''}`}>
              <input type="checkbox" checked={list.includes(v)} disabled={readOnly} onChange={(e) => onChange(e.target.checked ? [...list, v] : list.filter((x) => x !== v))} />{v}
            </label>
          ))}
        </span>
      );
    }
    return (
      <input className="value-input" aria-label="values (comma separated)" placeholder="a, b, c" value={list.join(', ')} disabled={readOnly}
        onChange={(e) => onChange(e.target.value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (type === 'number' ? Number(s) : s)))} />
    );
  }
  if (num) return <input className="value-input" type="number" aria-label="value" value={typeof value === 'number' ? value : ''} disabled={readOnly} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} />;
  if (type === 'boolean') {
    return (
      <select className="value-input" aria-label="value" value={String(value)} disabled={readOnly} onChange={(e) => onChange(e.target.value === 'true')}>
        <option value="true">true</option><option value="false">false</option>
      </select>
    );
  }
  if (type === 'date' && vt === 'same') return <input className="value-input" type="date" aria-label="value" value={typeof value === 'string' ? value.slice(0, 10) : ''} disabled={readOnly} onChange={(e) => onChange(e.target.value)} />;
  if (fact?.values && (vt === 'same' || vt === 'element')) {
    return (
      <select className="value-input" aria-label="value" value={String(value ?? '')} disabled={readOnly} onChange={(e) => onChange(e.target.value)}>
        {!fact.values.includes(String(value)) && <option value={String(value ?? '')}>{String(value ?? '')}</option>}
        {fact.values.map((v) => <option key={v}>{v}</option>)}
      </select>
    );
  }
  return <input className="value-input" aria-label="value" value={typeof value === 'string' ? value : JSON.stringify(value ?? '')} disabled={readOnly} onChange={(e) => onChange(e.target.value)} />;
}

import { ActionIcon, Button, Chip, Group, NativeSelect, NumberInput, Text, TextInput } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { isLeaf, type Condition, type LeafCondition } from '../../../rules/schema';
import { appendChild, defaultValue, pathString, problemsAt, replaceAt, switchGroup, type CondPath } from '../../model';
import type { FactCatalog, FactView, OperatorView } from './types';
import { opWords } from './words';

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

function RemoveButton({ onClick, label }: { onClick(): void; label: string }) {
  return <ActionIcon variant="subtle" color="gray" size="sm" onClick={onClick} title={label} aria-label={label}><IconX size={14} /></ActionIcon>;
}

function Messages({ items }: { items: { path?: string; message: string }[] }) {
  return <>{items.map((p) => <Text key={(p.path ?? '') + p.message} size="xs" c="red" className="field-msg">{p.message}</Text>)}</>;
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
        <Group gap="xs" className="cond-group-head">
          <Text size="xs" fw={700} c="red">NOT</Text>
          {!readOnly && remove && <RemoveButton onClick={remove} label="Remove group" />}
        </Group>
        <Messages items={own} />
        <ConditionNode root={root} path={[...path, 'not']} catalog={catalog} docPath={docPath} problems={problems} readOnly={readOnly} onChange={onChange} />
      </div>
    );
  }
  const key = 'all' in cond ? 'all' : 'any';
  const children = (cond as Record<string, Condition[]>)[key] ?? [];
  return (
    <div className={`cond-group cond-${key}`} data-testid={`group-${here}`}>
      <Group gap="xs" className="cond-group-head">
        <NativeSelect size="xs" w={96} value={key} disabled={readOnly} onChange={(e) => onChange(switchGroup(root, path, e.currentTarget.value as 'all' | 'any'))} aria-label="group type"
          data={[{ value: 'all', label: 'ALL of' }, { value: 'any', label: 'ANY of' }]} styles={{ input: { fontWeight: 600 } }} />
        {!readOnly && (
          <Group gap={4}>
            <Button size="compact-xs" variant="light" onClick={() => onChange(appendChild(root, path, newLeaf(catalog)))}>+ Condition</Button>
            <Button size="compact-xs" variant="light" color="yellow" onClick={() => onChange(appendChild(root, path, { any: [newLeaf(catalog)] }))}>+ Group</Button>
            <Button size="compact-xs" variant="light" color="red" onClick={() => onChange(appendChild(root, path, { not: { all: [newLeaf(catalog)] } }))}>+ Not</Button>
            {remove && <RemoveButton onClick={remove} label="Remove group" />}
          </Group>
        )}
      </Group>
      <Messages items={own} />
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
  const bad = problems.length > 0;
  return (
    <div className={`cond-leaf${bad ? ' field-error' : ''}`} data-testid="condition">
      <Group gap={6} wrap="wrap" className="cond-row">
        <NativeSelect size="xs" w={240} value={cond.fact} disabled={readOnly} onChange={(e) => pickFact(e.currentTarget.value)} aria-label="fact" error={bad}>
          {!fact && <option value={cond.fact}>{cond.fact || '— fact —'} (unknown)</option>}
          {catalog.entities.map((g) => (
            <optgroup key={g.entity} label={g.entity}>
              {g.facts.map((f) => <option key={f.name} value={f.name}>{f.label} · {f.type}</option>)}
            </optgroup>
          ))}
        </NativeSelect>
        <NativeSelect size="xs" w={190} value={cond.operator} disabled={readOnly} onChange={(e) => pickOp(e.currentTarget.value)} aria-label="operator">
          {!op && <option value={cond.operator}>{cond.operator} (does not fit)</option>}
          {ops.map((o) => <option key={o.name} value={o.name} title={o.name}>{opWords(o.name, o.label)}</option>)}
        </NativeSelect>
        <ValueInput fact={fact} op={op} value={cond.value} readOnly={readOnly} onChange={(value) => onChange({ ...cond, value: value as LeafCondition['value'] })} />
        {!readOnly && onRemove && <RemoveButton onClick={onRemove} label="remove condition" />}
      </Group>
      <Messages items={problems} />
    </div>
  );
}

const num = (v: number | string) => (v === '' ? null : Number(v));

export function ValueInput({ fact, op, value, readOnly, onChange }: { fact?: FactView; op?: OperatorView; value: unknown; readOnly?: boolean; onChange(v: unknown): void }) {
  const type = fact?.type ?? 'string';
  const vt = op?.valueType ?? 'same';
  const isNum = type === 'number' || vt === 'days';
  if (vt === 'range') {
    const [a, b] = Array.isArray(value) ? value : [0, 0];
    return (
      <Group gap={6} className="value-range">
        <NumberInput size="xs" w={90} aria-label="from" value={Number(a)} disabled={readOnly} onChange={(v) => onChange([Number(v) || 0, b])} />
        <Text size="xs" c="dimmed">to</Text>
        <NumberInput size="xs" w={90} aria-label="to" value={Number(b)} disabled={readOnly} onChange={(v) => onChange([a, Number(v) || 0])} />
      </Group>
    );
  }
  if (vt === 'list' || vt === 'elements' || vt === 'territories') {
    const list = Array.isArray(value) ? value.map(String) : [];
    if (fact?.values) {
      return (
        <Chip.Group multiple value={list} onChange={(next) => onChange(next)}>
          <Group gap={4}>{fact.values.map((v) => <Chip key={v} value={v} size="xs" disabled={readOnly}>{v}</Chip>)}</Group>
        </Chip.Group>
      );
    }
    return (
      <TextInput size="xs" w={200} aria-label="values (comma separated)" placeholder="a, b, c" value={list.join(', ')} disabled={readOnly}
        onChange={(e) => onChange(e.currentTarget.value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (type === 'number' ? Number(s) : s)))} />
    );
  }
  if (isNum) return <NumberInput size="xs" w={200} aria-label="value" value={typeof value === 'number' ? value : ''} disabled={readOnly} onChange={(v) => onChange(num(v))} />;
  if (type === 'boolean') {
    return <NativeSelect size="xs" w={200} aria-label="value" value={String(value)} disabled={readOnly} onChange={(e) => onChange(e.currentTarget.value === 'true')} data={['true', 'false']} />;
  }
  if (type === 'date' && vt === 'same') return <TextInput size="xs" w={200} type="date" aria-label="value" value={typeof value === 'string' ? value.slice(0, 10) : ''} disabled={readOnly} onChange={(e) => onChange(e.currentTarget.value)} />;
  if (fact?.values && (vt === 'same' || vt === 'element')) {
    return (
      <NativeSelect size="xs" w={200} aria-label="value" value={String(value ?? '')} disabled={readOnly} onChange={(e) => onChange(e.currentTarget.value)}>
        {!fact.values.includes(String(value)) && <option value={String(value ?? '')}>{String(value ?? '')}</option>}
        {fact.values.map((v) => <option key={v}>{v}</option>)}
      </NativeSelect>
    );
  }
  return <TextInput size="xs" w={200} aria-label="value" value={typeof value === 'string' ? value : JSON.stringify(value ?? '')} disabled={readOnly} onChange={(e) => onChange(e.currentTarget.value)} />;
}

import { useState } from 'react';
import { fieldLabel, fieldsOf, type FormField, type JsonSchema } from '../../model';
import { useRuleSets } from '../lib/rule-sets';
import { TemplateSelect } from '../rules/pickers';
import { BranchConditions } from './BranchConditions';

interface Props {
  schema: JsonSchema;
  nodeType?: string;
  value: Record<string, unknown>;
  onChange(next: Record<string, unknown>): void;
  readOnly?: boolean;
  /** Problem messages per field name (from the server's paths). */
  fieldProblems?: Record<string, string[]>;
}

/** A form generated from the JSON schema of a config (the API derives it from the zod schema it validates with). */
export function ConfigForm({ schema, nodeType, value, onChange, readOnly, fieldProblems = {} }: Props) {
  const fields = fieldsOf(schema, nodeType);
  if (!fields.length) return <p className="muted small">Nothing to configure.</p>;
  return (
    <div className="form">
      {fields.map((f) => (
        <Field
          key={f.name} field={f} nodeType={nodeType} value={value[f.name]} readOnly={readOnly} problems={fieldProblems[f.name]}
          onChange={(v) => {
            const next = { ...value };
            if (v === undefined || v === '') delete next[f.name];
            else next[f.name] = v;
            onChange(next);
          }}
        />
      ))}
    </div>
  );
}

function Field({ field, nodeType, value, onChange, readOnly, problems }: { field: FormField; nodeType?: string; value: unknown; onChange(v: unknown): void; readOnly?: boolean; problems?: string[] }) {
  const id = `f-${field.name}`;
  return (
    <div className={`field${problems?.length ? ' field-error' : ''}`}>
      <label htmlFor={id}>{fieldLabel(field.name)}{field.required && <span className="req">*</span>}</label>
      <Input id={id} field={field} nodeType={nodeType} value={value} onChange={onChange} readOnly={readOnly} />
      {problems?.map((p) => <div key={p} className="field-msg">{p}</div>)}
    </div>
  );
}

function RuleSetSelect({ id, field, value, onChange, readOnly }: { id: string; field: FormField; value: unknown; onChange(v: unknown): void; readOnly?: boolean }) {
  const sets = useRuleSets();
  // Without a kind (a decision's rule set, recorded with each decision) every rule set may be chosen.
  const options = (sets ?? []).filter((s) => !field.ruleSetKind || s.kind === field.ruleSetKind);
  const current = typeof value === 'string' ? value : '';
  if (sets && sets.length === 0) {
    return <input id={id} value={current} disabled={readOnly} placeholder={`${field.ruleSetKind}-default`} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <select id={id} value={current} disabled={readOnly} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">{field.required ? `— choose a ${field.ruleSetKind ?? ''} rule set —` : '— none —'}</option>
      {current && !options.some((o) => o.id === current) && <option value={current}>{current} (unknown)</option>}
      {options.map((o) => <option key={o.id} value={o.id}>{o.name} ({o.id})</option>)}
    </select>
  );
}

function Input({ id, field, nodeType, value, onChange, readOnly }: { id: string; field: FormField; nodeType?: string; value: unknown; onChange(v: unknown): void; readOnly?: boolean }) {
  // Fields whose values name things stored elsewhere get a picker fed by the API instead of free text or JSON.
  if (nodeType === 'send_email' && field.name === 'template') {
    return <TemplateSelect id={id} ariaLabel="Template" w="100%" value={typeof value === 'string' ? value : undefined} readOnly={readOnly} onChange={onChange} />;
  }
  if (nodeType === 'decision' && field.name === 'ruleSetId') return <RuleSetSelect id={id} field={field} value={value} onChange={onChange} readOnly={readOnly} />;
  if (nodeType === 'decision' && field.name === 'when') return <BranchConditions value={value} onChange={onChange} readOnly={readOnly} />;
  switch (field.kind) {
    case 'rule-set':
      return <RuleSetSelect id={id} field={field} value={value} onChange={onChange} readOnly={readOnly} />;
    case 'enum':
      return (
        <select id={id} value={value === undefined ? '' : String(value)} disabled={readOnly} onChange={(e) => onChange(e.target.value || undefined)}>
          {!field.required && <option value="">— default{field.defaultValue !== undefined ? ` (${String(field.defaultValue)})` : ''} —</option>}
          {field.options!.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      );
    case 'enum-list': {
      const list = Array.isArray(value) ? (value as string[]) : [];
      return (
        <div className="chips" id={id}>
          {field.options!.map((o) => (
            <label key={o} className={`chip${list.includes(o) ? ' on' : ''}`}>
              <input type="checkbox" checked={list.includes(o)} disabled={readOnly} onChange={(e) => onChange(e.target.checked ? [...list, o] : list.filter((x) => x !== o))} />
              {o}
            </label>
          ))}
        </div>
      );
    }
    case 'boolean':
      return <input id={id} type="checkbox" checked={value === true} disabled={readOnly} onChange={(e) => onChange(e.target.checked)} />;
    case 'number':
    case 'integer':
      return (
        <input
          id={id} type="number" value={typeof value === 'number' ? value : ''} min={field.min} max={field.max} step={field.kind === 'integer' ? 1 : 'any'} disabled={readOnly}
          placeholder={field.defaultValue !== undefined ? String(field.defaultValue) : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
    case 'string':
      return <input id={id} value={typeof value === 'string' ? value : ''} disabled={readOnly} onChange={(e) => onChange(e.target.value)} />;
    case 'object-list': {
      const list = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      return (
        <div className="object-list">
          {list.map((item, i) => (
            <div key={i} className="object-item">
              {field.itemFields!.map((f) => (
                <Field key={f.name} field={f} nodeType={nodeType} value={item[f.name]} readOnly={readOnly} onChange={(v) => {
                  const next = [...list];
                  const copy = { ...item };
                  if (v === undefined || v === '') delete copy[f.name];
                  else copy[f.name] = v;
                  next[i] = copy;
                  onChange(next);
                }} />
              ))}
              {!readOnly && <button type="button" className="btn btn-sm btn-ghost" onClick={() => onChange(list.filter((_, j) => j !== i))}>Remove</button>}
            </div>
          ))}
          {!readOnly && <button type="button" className="btn btn-sm" onClick={() => onChange([...list, { id: `b${list.length + 1}`, label: `Branch ${list.length + 1}` }])}>Add</button>}
        </div>
      );
    }
    default:
      return <JsonInput id={id} value={value} onChange={onChange} readOnly={readOnly} />;
  }
}

function JsonInput({ id, value, onChange, readOnly }: { id: string; value: unknown; onChange(v: unknown): void; readOnly?: boolean }) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [bad, setBad] = useState(false);
  return (
    <>
      <textarea
        id={id} className="mono" rows={4} value={text} disabled={readOnly}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(e.target.value.trim() ? JSON.parse(e.target.value) : undefined);
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <div className="field-msg">not valid JSON yet</div>}
    </>
  );
}

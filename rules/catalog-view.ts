/**
 * The fact catalog as the editor's rule builder needs it: facts of a kind grouped by entity, each with the
 * operators that fit its type (name, label, what the value must be). Pure data, built from the catalog and
 * the operator table, so the builder can never offer a combination validation would refuse.
 *
 * @example
 * ```ts
 * factCatalogView('scoring').entities[0]; // { entity: 'lead', facts: [{ name: 'source', type: 'string', operators: [...] }, …] }
 * ```
 */
import { factCatalog, type FactEntity, type FactType } from './facts';
import { operatorsFor, type ValueType } from './operators';
import type { RuleSetKind } from './schema';

export interface OperatorView { name: string; label: string; valueType: ValueType; custom: boolean }
export interface FactView { name: string; type: FactType; label: string; values?: string[]; operators: OperatorView[] }
export interface FactCatalogView { kind: RuleSetKind; entities: { entity: FactEntity; facts: FactView[] }[] }

/** Catalog of one rule-set kind, grouped by entity in first-seen order. */
export function factCatalogView(kind: RuleSetKind): FactCatalogView {
  const groups = new Map<FactEntity, FactView[]>();
  for (const f of factCatalog[kind]) {
    const view: FactView = {
      name: f.name, type: f.type, label: f.label,
      operators: operatorsFor(f.type).map((o) => ({ name: o.name, label: o.description, valueType: o.valueType, custom: !o.builtin })),
    };
    if (f.values) view.values = [...f.values];
    const list = groups.get(f.entity) ?? [];
    list.push(view);
    groups.set(f.entity, list);
  }
  return { kind, entities: [...groups].map(([entity, facts]) => ({ entity, facts })) };
}

import type { Condition, RuleSetKind } from '../../../rules/schema';

/** A rule-set document as the builder edits it (possibly invalid while the user types). */
export interface EditableRule { name: string; priority?: number; conditions: Condition; event: { type: string; params: Record<string, unknown> } }
export interface EditableRuleSet { id?: string; name: string; kind: RuleSetKind; description?: string; rules: EditableRule[]; settings?: Record<string, unknown> }

export interface OperatorView { name: string; label: string; valueType: string; custom: boolean }
export interface FactView { name: string; type: string; label: string; values?: string[]; operators: OperatorView[] }
export interface FactCatalog { kind: RuleSetKind; entities: { entity: string; facts: FactView[] }[] }

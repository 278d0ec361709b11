/**
 * Public API of the rules library (pure: no I/O).
 *
 * @example
 * ```ts
 * import { validateRuleSet, scoreLead, compileScoring, packs } from '../rules';
 * const r = validateRuleSet(json);
 * if (r.ok && r.doc.kind === 'scoring') console.log((await scoreLead(r.doc, facts)).grade);
 * ```
 */
export * from './schema';
export * from './facts';
export { leadFactsSchema, configurationFactsSchema } from './facts-schema';
export { factCatalogView, type FactCatalogView, type FactView, type OperatorView } from './catalog-view';
export { territories, expandTerritories, isTerritoryOrCountry } from './territories';
export { allOperators, builtinOperators, customOperators, findOperator, operatorsFor, type EvalContext, type RuleOperator, type ValueType } from './operators';
export { createRuleEngine, toEngineCondition, ENGINE_OPTIONS, type RuleEngine } from './engine';
export { validateRuleSet, formatPath, type Problem, type ValidationResult } from './validate';
export type { ConditionTrace } from './explain';
export type { DecisionOptions, Explanation } from './decide/evaluate';
export { scoreLead, gradeOf, type Grade, type ScoreResult } from './decide/score';
export { routeLead, type RouteResult } from './decide/route';
export { remindersFor, type Reminder } from './decide/remind';
export { checkConfiguration, type ConfigurationCheck } from './decide/configure';
export * from './compiled';
export { factsUsed } from './facts-used';
export { diffRuleSets, diffValues, type FieldChange, type RuleSetDiff } from './diff';
export { packs, packJson } from './packs';
export { products, type Product, type ProductOption } from './catalog/products';

import { expandTerritories } from '../territories';
import type { RuleOperator } from './types';

/**
 * Country fact (ISO-2) lies in one of the listed countries or named territories (DACH, NORDICS, BENELUX…).
 *
 * @example
 * ```ts
 * inTerritory.evaluate('AT', ['DACH'], { now: new Date() }); // true
 * ```
 */
export const inTerritory: RuleOperator = {
  name: 'inTerritory',
  factTypes: ['string'],
  valueType: 'territories',
  builtin: false,
  description: 'in territory',
  evaluate: (factValue, value) =>
    typeof factValue === 'string' && Array.isArray(value) && expandTerritories(value).has(factValue.toUpperCase()),
};

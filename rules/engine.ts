/**
 * json-rules-engine adapter: one Engine per rule-set document, cached and reused (no listeners are ever
 * attached; decisions read `results`/`failureResults` of `run`).
 *
 * Engine options, shared with the compiled evaluator (`compiled/`): `allowUndefinedFacts: true` — a fact the
 * workers could not compute (e.g. `daysSinceLastVisit` of a never-visited lead) evaluates as `undefined`
 * instead of failing the whole run; a `{ fact }` value naming a missing fact is `undefined` too.
 * `replaceFactsInEventParams` stays off: event params are plain data.
 *
 * Date operators need the evaluation clock, but json-rules-engine operators only see (factValue, value).
 * We therefore rewrite their value to `{ fact: '$clock', params: { value } }`: the `$clock` fact reads the
 * per-run `$now` fact, so a cached engine stays deterministic even with concurrent runs.
 *
 * @example
 * ```ts
 * const re = createRuleEngine(doc);
 * const { results } = await re.run(facts, { now: new Date('2025-01-01') });
 * ```
 */
import { Engine, type Almanac, type EngineResult } from 'json-rules-engine';
import { customOperators, findOperator, type EvalContext } from './operators';
import { isLeaf, type Condition, type RuleSetDocument } from './schema';

export const ENGINE_OPTIONS = { allowUndefinedFacts: true } as const;
const CLOCK_FACT = '$clock';
const NOW_FACT = '$now';
/** Passed to operators that never read the clock, to avoid an allocation per comparison. */
const NO_CLOCK: EvalContext = { now: new Date(0) };

interface ClockValue { now: Date; value: unknown }

export interface RuleEngine {
  readonly doc: RuleSetDocument;
  readonly engine: Engine;
  /** Runs every rule once over `facts`. */
  run(facts: object, ctx?: Partial<EvalContext>): Promise<EngineResult>;
}

/** Converts a document condition into json-rules-engine's JSON, rewriting clock-dependent values. */
export function toEngineCondition(c: Condition): Record<string, unknown> {
  if ('all' in c) return { all: c.all.map(toEngineCondition) };
  if ('any' in c) return { any: c.any.map(toEngineCondition) };
  if ('not' in c) return { not: toEngineCondition(c.not) };
  if (!isLeaf(c)) throw new Error('unreachable');
  const op = findOperator(c.operator);
  const value = op?.needsNow ? { fact: CLOCK_FACT, params: { value: c.value } } : c.value;
  return c.path === undefined ? { fact: c.fact, operator: c.operator, value } : { fact: c.fact, operator: c.operator, value, path: c.path };
}

function buildEngine(doc: RuleSetDocument): Engine {
  const engine = new Engine([], ENGINE_OPTIONS);
  for (const op of customOperators) {
    engine.addOperator(op.name, op.needsNow
      ? (a: unknown, b: ClockValue) => op.evaluate(a, b.value, { now: b.now })
      : (a: unknown, b: unknown) => op.evaluate(a, b, NO_CLOCK));
  }
  const clock = async (params: Record<string, unknown>, almanac: Almanac): Promise<ClockValue> => ({
    now: (await almanac.factValue<Date>(NOW_FACT)) ?? new Date(),
    value: params.value,
  });
  engine.addFact<ClockValue>(CLOCK_FACT, clock as never, { cache: false });
  for (const rule of doc.rules) {
    engine.addRule({
      name: rule.name,
      priority: rule.priority,
      conditions: toEngineCondition(rule.conditions) as never,
      event: { type: rule.event.type, params: rule.event.params },
    });
  }
  return engine;
}

const cache = new WeakMap<RuleSetDocument, RuleEngine>();

/**
 * Returns the (cached) engine for a validated document. Documents are immutable once published, so the
 * document object itself is the cache key.
 */
export function createRuleEngine(doc: RuleSetDocument): RuleEngine {
  let re = cache.get(doc);
  if (!re) {
    const engine = buildEngine(doc);
    re = {
      doc,
      engine,
      run: (facts, ctx) => engine.run({ ...facts, [NOW_FACT]: ctx?.now ?? new Date() }),
    };
    cache.set(doc, re);
  }
  return re;
}

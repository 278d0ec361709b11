/**
 * Activity types as data: the activities custom pipeline nodes call, each served by a worker on its own task
 * queue. Developer workers register theirs over the API at start (and send heartbeats); the main worker registers
 * the built-in ones. The palette, publish checks, the lead workflow and the "waiting for worker" view read here.
 *
 * @example
 * await registerActivityTypes(sql, { owner: 'credit-team', keyId }, [{ name: 'assessCredit', version: 1, … }]);
 * const problems = await checkCustomNodes(sql, pipelineDoc); // [] when every custom node may be published
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { z } from 'zod';
import type { PipelineDocument } from '../engine/pipeline/schema';
import type { PipelineProblem } from '../engine/pipeline/validate';
import type { activityTypeRegistrationSchema, RetryPolicy } from '../sdk/protocol';
import type { Sql } from './client';

export type ActivityTypeInput = z.output<typeof activityTypeRegistrationSchema>;

/** A worker that has not sent a heartbeat for this long counts as offline (the SDK sends one every 10 s). */
export const OFFLINE_AFTER_MS = 30_000;
/** Owner of the types the main worker serves; no developer key may register under it. */
export const BUILTIN_OWNER = 'leadflow';

export interface ActivityTypeRow {
  name: string;
  version: number;
  label: string;
  description: string | null;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  taskQueue: string;
  startToCloseMs: number;
  retry: RetryPolicy;
  source: 'builtin' | 'developer';
  owner: string;
  lastSeenAt: Date | null;
  retiredAt: Date | null;
  /** Built-in types are served by the main worker; developer types are online while their worker sends heartbeats. */
  online: boolean;
}

/** Registration refused for a reason the worker's developer can fix (the API answers 4xx with it). */
export class ActivityTypeError extends Error {
  constructor(readonly code: 'unprocessable' | 'conflict', message: string, readonly path: string) {
    super(message);
  }
}

// ---- JSON Schema ---------------------------------------------------------------------------------------------

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

/** Compiles a JSON Schema (cached by its text); throws with ajv's reason when the schema itself is invalid. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  // Workers may name another draft in `$schema`; the keywords used in practice mean the same in 2020-12.
  const { $schema: _ignored, ...rest } = schema;
  const text = JSON.stringify(rest);
  let fn = compiled.get(text);
  if (!fn) {
    fn = ajv.compile(rest);
    if (compiled.size > 500) compiled.clear();
    compiled.set(text, fn);
  }
  return fn;
}

/** Readable reasons why `value` does not match `schema` ([] when it does). */
export function schemaErrors(schema: Record<string, unknown>, value: unknown): { path: string; message: string }[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
      : e.keyword === 'enum' ? ` (${(e.params as { allowedValues?: unknown[] }).allowedValues?.map(String).join(', ')})` : '';
    return { path: e.instancePath, message: `${e.message ?? 'is invalid'}${extra}` };
  });
}

const describe = (errors: { path: string; message: string }[]) => errors.map((e) => `${e.path || '(top)'} ${e.message}`).join('; ');
export { describe as describeSchemaErrors };

function checkSchema(schema: Record<string, unknown>, path: string): void {
  try {
    compileSchema(schema);
  } catch (err) {
    throw new ActivityTypeError('unprocessable', `not a valid JSON Schema: ${(err as Error).message}`, path);
  }
  if (schema.type !== 'object') throw new ActivityTypeError('unprocessable', 'must describe an object ("type": "object")', path);
}

// ---- registration and heartbeats -----------------------------------------------------------------------------

/**
 * Registers (or updates) the types a worker serves. All or nothing: an invalid schema, a name another owner
 * registered, or a built-in name refuses the whole call.
 */
export async function registerActivityTypes(sql: Sql, by: { owner: string; keyId: string | null; source?: 'builtin' | 'developer' }, items: ActivityTypeInput[]): Promise<ActivityTypeRow[]> {
  const source = by.source ?? 'developer';
  items.forEach((a, i) => {
    checkSchema(a.inputSchema, `activities[${i}].inputSchema`);
    checkSchema(a.outputSchema, `activities[${i}].outputSchema`);
  });
  return sql.begin(async (transaction) => {
    const tx = transaction as unknown as Sql;
    const out: ActivityTypeRow[] = [];
    for (const [i, a] of items.entries()) {
      // Serialise registrations of one name, so two owners racing for it cannot both win.
      await tx`select pg_advisory_xact_lock(hashtext(${`activity-type:${a.name}`}))`;
      const [taken] = await tx<{ owner: string }[]>`select owner from activity_types where name = ${a.name} and owner <> ${by.owner} limit 1`;
      if (taken) {
        const whose = taken.owner === BUILTIN_OWNER ? 'a built-in activity' : `registered by another team ("${taken.owner}")`;
        throw new ActivityTypeError('conflict', `activity type "${a.name}" is ${whose}; choose another name`, `activities[${i}].name`);
      }
      const [row] = await tx<DbRow[]>`
        insert into activity_types (name, version, label, description, input_schema, output_schema, task_queue, start_to_close_ms, retry, source, owner, registered_by, last_seen_at, stopped_at)
        values (${a.name}, ${a.version}, ${a.label}, ${a.description ?? null}, ${tx.json(a.inputSchema as never)}, ${tx.json(a.outputSchema as never)},
                ${a.taskQueue}, ${a.startToCloseTimeoutMs}, ${tx.json(a.retry as never)}, ${source}, ${by.owner}, ${by.keyId}, now(), null)
        on conflict (name, version) do update set label = excluded.label, description = excluded.description, input_schema = excluded.input_schema,
          output_schema = excluded.output_schema, task_queue = excluded.task_queue, start_to_close_ms = excluded.start_to_close_ms,
          retry = excluded.retry, registered_by = excluded.registered_by, updated_at = now(), last_seen_at = now(), stopped_at = null
        returning ${columns(tx)}`;
      out.push(toRow(row!));
    }
    return out;
  }) as Promise<ActivityTypeRow[]>;
}

/** A worker's heartbeat (or goodbye): marks every type of the owner on that task queue. Returns how many. */
export async function heartbeat(sql: Sql, owner: string, taskQueue: string, stopping: boolean): Promise<number> {
  const rows = stopping
    ? await sql`update activity_types set stopped_at = now() where owner = ${owner} and task_queue = ${taskQueue} returning name`
    : await sql`update activity_types set last_seen_at = now(), stopped_at = null where owner = ${owner} and task_queue = ${taskQueue} returning name`;
  return rows.length;
}

// ---- reading -------------------------------------------------------------------------------------------------

interface DbRow {
  name: string;
  version: number;
  label: string;
  description: string | null;
  input_schema: Record<string, unknown>;
  output_schema: Record<string, unknown>;
  task_queue: string;
  start_to_close_ms: number;
  retry: RetryPolicy;
  source: 'builtin' | 'developer';
  owner: string;
  last_seen_at: Date | null;
  retired_at: Date | null;
  online: boolean;
}

function columns(sql: Sql) {
  return sql`name, version, label, description, input_schema, output_schema, task_queue, start_to_close_ms, retry, source, owner, last_seen_at, retired_at,
    (source = 'builtin' or (last_seen_at > now() - make_interval(secs => ${OFFLINE_AFTER_MS / 1000}) and stopped_at is null)) as online`;
}

const toRow = (r: DbRow): ActivityTypeRow => ({
  name: r.name, version: r.version, label: r.label, description: r.description, inputSchema: r.input_schema, outputSchema: r.output_schema,
  taskQueue: r.task_queue, startToCloseMs: r.start_to_close_ms, retry: r.retry, source: r.source, owner: r.owner,
  lastSeenAt: r.last_seen_at, retiredAt: r.retired_at, online: r.online,
});

/** Every registered type, newest version first per name; retired ones only when asked. */
export async function listActivityTypes(sql: Sql, opts: { includeRetired?: boolean } = {}): Promise<ActivityTypeRow[]> {
  const rows = await sql<DbRow[]>`
    select ${columns(sql)} from activity_types where ${opts.includeRetired ? sql`true` : sql`retired_at is null`} order by name, version desc`;
  return rows.map(toRow);
}

/** One type: the given version, or the newest one that is not retired. */
export async function getActivityType(sql: Sql, name: string, version?: number): Promise<ActivityTypeRow | undefined> {
  const [row] = version
    ? await sql<DbRow[]>`select ${columns(sql)} from activity_types where name = ${name} and version = ${version}`
    : await sql<DbRow[]>`select ${columns(sql)} from activity_types where name = ${name} and retired_at is null order by version desc limit 1`;
  return row ? toRow(row) : undefined;
}

// ---- pipelines -----------------------------------------------------------------------------------------------

type CustomConfig = { activity: string; version?: number; input: Record<string, unknown> };

/**
 * Publish checks of a pipeline's custom nodes: the activity type exists (in the version named, when one is),
 * is not retired, and the node's input matches the type's input schema. Problems carry the node path.
 */
export async function checkCustomNodes(sql: Sql, doc: Pick<PipelineDocument, 'nodes'>): Promise<PipelineProblem[]> {
  const customs = doc.nodes.map((n, i) => ({ n, i })).filter(({ n }) => n.type === 'custom');
  if (!customs.length) return [];
  const types = await listActivityTypes(sql, { includeRetired: true });
  const problems: PipelineProblem[] = [];
  for (const { n, i } of customs) {
    const c = n.config as CustomConfig;
    const base = `nodes[${i}].config`;
    if (!c.activity) {
      problems.push({ path: `${base}.activity`, nodeId: n.id, message: 'choose the activity this node runs' });
      continue;
    }
    const versions = types.filter((t) => t.name === c.activity);
    const t = c.version ? versions.find((v) => v.version === c.version) : versions.find((v) => !v.retiredAt);
    if (!versions.length) problems.push({ path: `${base}.activity`, nodeId: n.id, message: `activity type "${c.activity}" is not registered` });
    else if (!t && c.version) problems.push({ path: `${base}.version`, nodeId: n.id, message: `activity type "${c.activity}" has no version ${c.version}` });
    else if (!t || t.retiredAt) problems.push({ path: `${base}.${c.version ? 'version' : 'activity'}`, nodeId: n.id, message: `activity type "${c.activity}"${c.version ? ` v${c.version}` : ''} is retired` });
    else {
      for (const e of schemaErrors(t.inputSchema, c.input ?? {})) {
        problems.push({ path: `${base}.input${e.path.replaceAll('/', '.')}`, nodeId: n.id, message: `${e.message} (input of ${c.activity} v${t.version})` });
      }
    }
  }
  return problems;
}

/** Pipelines whose draft or newest published version has a custom node calling `name` (any version, or the one given). */
export async function pipelinesUsing(sql: Sql, name: string, version?: number): Promise<{ id: string; name: string; nodeIds: string[]; where: ('draft' | 'published')[] }[]> {
  const rows = await sql<{ id: string; name: string; draft: PipelineDocument; published: PipelineDocument | null }[]>`
    select p.id, p.name, p.draft,
      (select v.document from pipeline_versions v where v.pipeline_id = p.id order by v.version desc limit 1) as published
    from pipelines p order by p.id`;
  const uses = (doc: PipelineDocument | null) => (doc?.nodes ?? []).filter((n) => n.type === 'custom'
    && (n.config as CustomConfig).activity === name && (!version || !(n.config as CustomConfig).version || (n.config as CustomConfig).version === version)).map((n) => n.id);
  return rows.flatMap((r) => {
    const inDraft = uses(r.draft);
    const inPublished = uses(r.published);
    if (!inDraft.length && !inPublished.length) return [];
    const where: ('draft' | 'published')[] = [...(inDraft.length ? ['draft' as const] : []), ...(inPublished.length ? ['published' as const] : [])];
    return [{ id: r.id, name: r.name, nodeIds: [...new Set([...inDraft, ...inPublished])], where }];
  });
}

/** Retires a version: new publishes refuse it; leads already on it keep running. False when there is no such version. */
export async function retireActivityType(sql: Sql, name: string, version: number, by: string): Promise<boolean> {
  const rows = await sql`update activity_types set retired_at = coalesce(retired_at, now()), retired_by = coalesce(retired_by, ${by}) where name = ${name} and version = ${version} returning name`;
  return rows.length > 0;
}

// ---- decision facts ------------------------------------------------------------------------------------------

export type CustomFactType = 'number' | 'string' | 'boolean' | 'string[]';

/** Decision facts an activity's output offers: one per top-level property of its output schema, with its type. */
export function outputFacts(name: string, outputSchema: Record<string, unknown>): { name: string; type: CustomFactType; label: string; values?: string[] }[] {
  const props = (outputSchema.properties ?? {}) as Record<string, { type?: string | string[]; enum?: unknown[]; items?: { type?: string }; title?: string; description?: string }>;
  return Object.entries(props).flatMap(([field, p]) => {
    const ty = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type;
    const type: CustomFactType | undefined = ty === 'integer' || ty === 'number' ? 'number' : ty === 'string' ? 'string' : ty === 'boolean' ? 'boolean'
      : ty === 'array' && p.items?.type === 'string' ? 'string[]' : p.enum?.every((v) => typeof v === 'string') ? 'string' : undefined;
    if (!type) return [];
    const values = p.enum?.every((v) => typeof v === 'string') ? (p.enum as string[]) : undefined;
    return [{ name: `custom.${name}.${field}`, type, label: p.title ?? p.description ?? `${name}: ${field}`, ...(values ? { values } : {}) }];
  });
}

/** Flattens recorded outputs (activity name → output object) into decision facts `custom.<name>.<field>`. */
export function flattenOutputs(outputs: Record<string, Record<string, unknown>> | undefined): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const [name, out] of Object.entries(outputs ?? {})) {
    for (const [field, value] of Object.entries(out ?? {})) facts[`custom.${name}.${field}`] = value;
  }
  return facts;
}

/** Every fact the registered (not retired) activity types offer to decisions, by name. */
export async function customFactCatalog(sql: Sql): Promise<Map<string, ReturnType<typeof outputFacts>[number]>> {
  const types = await listActivityTypes(sql);
  const byName = new Map<string, ReturnType<typeof outputFacts>[number]>();
  // Newest version first per name (the list's order), so its facts win.
  for (const t of types) for (const f of outputFacts(t.name, t.outputSchema)) if (!byName.has(f.name)) byName.set(f.name, f);
  return byName;
}

const customFactName = /unknown fact "(custom\.[A-Za-z0-9]+\.[^"]+)"/;

/**
 * Adds the custom-node checks to the other publish problems. The rule catalog does not know the facts activity
 * outputs offer, so its "unknown fact" complaints about a `custom.<activity>.<field>` an activity type declares are
 * dropped; one naming a field no registered type declares stays.
 */
export async function withCustomNodeChecks(sql: Sql, doc: Pick<PipelineDocument, 'nodes'>, problems: PipelineProblem[]): Promise<PipelineProblem[]> {
  const facts = problems.some((p) => customFactName.test(p.message)) ? await customFactCatalog(sql) : new Map();
  const kept = problems.filter((p) => {
    const m = customFactName.exec(p.message);
    return !m || !facts.has(m[1]!);
  });
  return [...kept, ...await checkCustomNodes(sql, doc)];
}

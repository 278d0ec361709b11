import { z } from 'zod';
import { nodeTypes, type NodeType } from '../../engine/pipeline/schema';

/** A graph problem as the editor highlights it (same fields as `PipelineProblem`). */
export const problemSchema = z.object({
  path: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
});

/**
 * A draft as the editor saves it: the document's outline with each node's `config` left open, so unfinished work
 * (an empty rule set id, a branch not yet wired) is stored and reported as problems instead of refused.
 */
export const pipelineDraftSchema = z.object({
  id: z.string().max(64).optional(),
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).optional(),
  nodes: z.array(z.object({
    id: z.string().min(1).max(64),
    type: z.enum(nodeTypes as [NodeType, ...NodeType[]]),
    config: z.record(z.string(), z.unknown()).default({}),
    position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
    label: z.string().max(80).optional(),
  })).max(2000),
  edges: z.array(z.object({
    id: z.string().min(1).max(64),
    source: z.string().min(1).max(64),
    target: z.string().min(1).max(64),
    branch: z.string().min(1).max(64).optional(),
  })).max(5000),
});
export type PipelineDraft = z.infer<typeof pipelineDraftSchema>;

export const pipelineIdParams = z.object({ id: z.string().min(1).max(64) });
export const versionInfoSchema = z.object({ version: z.number().int(), note: z.string(), publishedBy: z.string().nullable(), publishedAt: z.string() });
export const jsonObject = z.record(z.string(), z.unknown());

export const paletteItemSchema = z.object({
  /** Node type the item creates. */
  type: z.enum(nodeTypes as [NodeType, ...NodeType[]]),
  label: z.string(),
  kind: z.enum(['builtin', 'custom']),
  /** For custom items: the registered activity name put into `config.activity`. */
  activity: z.string().optional(),
  /** Named outputs for the default config ("next" = the plain output); decisions and waits derive theirs from config. */
  branches: z.array(z.string()),
  dynamicBranches: z.boolean(),
  /** JSON schema of `config` (input side: defaults are optional), generated from the zod schema the API validates with. */
  configSchema: jsonObject,
  defaults: jsonObject,
  description: z.string().optional(),
  /** For custom items: JSON schema of the activity input (the form for `config.input`). */
  inputSchema: jsonObject.optional(),
  /** For custom items: the activity type's version, output schema and the decision facts its output offers. */
  version: z.number().int().optional(),
  outputSchema: jsonObject.optional(),
  outputFacts: z.array(z.object({ name: z.string(), type: z.enum(['number', 'string', 'boolean', 'string[]']), label: z.string(), values: z.array(z.string()).optional() })).optional(),
  /** For custom items: who serves the type, on which task queue, and whether its worker is online (heartbeat). */
  source: z.enum(['builtin', 'developer']).optional(),
  taskQueue: z.string().optional(),
  online: z.boolean().optional(),
  lastSeenAt: z.string().nullable().optional(),
});

export const diffSchema = z.object({
  from: z.string(),
  to: z.string(),
  nodes: z.object({
    added: z.array(jsonObject),
    removed: z.array(jsonObject),
    changed: z.array(z.object({ id: z.string(), fields: z.array(z.string()), before: jsonObject, after: jsonObject })),
  }),
  edges: z.object({
    added: z.array(jsonObject),
    removed: z.array(jsonObject),
    changed: z.array(z.object({ id: z.string(), fields: z.array(z.string()), before: jsonObject, after: jsonObject })),
  }),
});

/** Leads open, closed (won, lost, disqualified) and failed (their process stopped with an error; see the lead page). */
export const countSchema = z.object({ open: z.number().int(), closed: z.number().int(), failed: z.number().int() });
export const liveCountsSchema = z.object({
  pipelineId: z.string(),
  version: z.number().int().nullable(),
  nodes: z.array(countSchema.extend({ nodeId: z.string() })),
  stages: z.array(countSchema.extend({ stage: z.string() })),
  total: countSchema,
  at: z.string(),
});
export type LiveCounts = z.infer<typeof liveCountsSchema>;

export const leadAtNodeSchema = z.object({
  id: z.string(), name: z.string(), company: z.string().nullable(), ownerId: z.string().nullable(), ownerName: z.string().nullable(),
  score: z.number(), grade: z.string().nullable(), stage: z.string(), status: z.string(), pipelineVersion: z.number().int(), updatedAt: z.string(),
});

// Moving live leads to another pipeline version: the request and answer shapes, shared by the API and the editor.
import { z } from 'zod';

const nodeIdSchema = z.string().min(1).max(64);

/**
 * Which leads, to which version, with which node mapping. `mapping` overrides the default target per source node
 * id (an empty string leaves the leads at that node where they are).
 * @example { toVersion: 2, fromVersion: 1, stage: 'qualification', mapping: { qualify: 'qualify-call' } }
 */
export const movePlanSchema = z.object({
  toVersion: z.number().int().positive().max(2_147_483_647),
  fromVersion: z.number().int().positive().max(2_147_483_647).optional(),
  stage: z.string().trim().min(1).max(100).optional(),
  nodeId: nodeIdSchema.optional(),
  leadIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
  mapping: z.record(nodeIdSchema, z.union([nodeIdSchema, z.literal('')])).default({}),
});
export type MovePlan = z.input<typeof movePlanSchema>;

/** Executing a plan: an optional client-chosen id makes a repeated request return the same job instead of a second one. */
export const moveRequestSchema = movePlanSchema.extend({
  moveId: z.string().regex(/^[A-Za-z0-9_.:-]{8,80}$/, 'letters, digits and _ . : - (8 to 80 characters)').optional(),
});
export type MoveRequest = z.input<typeof moveRequestSchema>;

export const mappingRuleSchema = z.enum(['same node', 'same stage', 'same type', 'chosen']);

export const movePreviewSchema = z.object({
  pipelineId: z.string(),
  toVersion: z.number().int(),
  /** Nodes of the target version a lead may be moved to. */
  targets: z.array(z.object({ nodeId: z.string(), label: z.string(), type: z.string(), stage: z.string().nullable() })),
  /** One row per node the chosen leads are at, with the node it maps to (null: none, those leads stay). */
  sources: z.array(z.object({
    nodeId: z.string(), label: z.string(), type: z.string(), stage: z.string().nullable(), versions: z.array(z.number().int()), leads: z.number().int(),
    target: z.string().nullable(), rule: mappingRuleSchema.nullable(), defaultTarget: z.string().nullable(),
  })),
  leads: z.array(z.object({
    id: z.string(), name: z.string(), company: z.string().nullable(), status: z.string(), stage: z.string(), fromVersion: z.number().int(),
    fromNodeId: z.string().nullable(), toNodeId: z.string().nullable(), movable: z.boolean(), reason: z.string().nullable(),
  })),
  movable: z.number().int(),
  refused: z.number().int(),
});
export type MovePreview = z.infer<typeof movePreviewSchema>;

export const moveItemStatusSchema = z.enum(['pending', 'moved', 'refused']);

export const moveJobSchema = z.object({
  id: z.string(),
  pipelineId: z.string(),
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int(),
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: z.object({ moved: z.number().int(), refused: z.number().int(), pending: z.number().int() }),
  items: z.array(z.object({
    leadId: z.string(), name: z.string(), fromVersion: z.number().int(), fromNodeId: z.string().nullable(), toNodeId: z.string().nullable(),
    status: moveItemStatusSchema, reason: z.string().nullable(), updatedAt: z.string(),
  })),
});
export type MoveJobView = z.infer<typeof moveJobSchema>;

export const moveJobSummarySchema = z.object({
  id: z.string(), fromVersion: z.number().int().nullable(), toVersion: z.number().int(), createdByName: z.string().nullable(),
  createdAt: z.string(), finishedAt: z.string().nullable(), moved: z.number().int(), refused: z.number().int(), pending: z.number().int(),
});

import { z } from 'zod';

/** What a `wait` node waits for; each choice has its own outgoing branches (see `outputsOf`). */
export const waitUntilSchema = z.enum(['qualification', 'engagement', 'visit', 'close']);

const position = z.object({ x: z.number(), y: z.number() });
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
const hours = z.number().positive().max(24 * 365);

/** Every node type of the pipeline document; `config` is typed per type (forms in the editor are generated from these). */
export const nodeConfigSchemas = {
  trigger: z.object({ sources: z.array(z.enum(['web', 'partner', 'import', 'manual'])).default([]) }).describe('Capture trigger'),
  score: z.object({ ruleSetId: z.string().min(1) }).describe('Score with a rule set'),
  route: z.object({ ruleSetId: z.string().min(1) }).describe('Assign an owner with a routing rule set'),
  stage: z.object({
    name: z.string().min(1).max(60),
    reminderRuleSetId: z.string().min(1).optional(),
    status: z.enum(['open', 'nurturing', 'qualified']).optional(),
  }).describe('Enter a pipeline stage (SLA reminders from a reminder rule set)'),
  wait: z.object({ until: waitUntilSchema, timeoutHours: hours.optional(), maxTimeouts: z.number().int().min(1).max(100).optional() })
    .describe('Wait for a rep action or an inbound event'),
  decision: z.object({
    ruleSetId: z.string().min(1).optional(),
    branches: z.array(z.object({ id, label: z.string().min(1).max(60), when: z.record(z.string(), z.unknown()).optional() })).min(1),
  }).describe('Branch by rules: the first branch whose conditions match, else "default"'),
  send_email: z.object({ template: z.string().min(1), to: z.enum(['lead', 'owner', 'manager']).default('lead') }).describe('Send an e-mail'),
  create_task: z.object({
    kind: z.string().min(1).max(40),
    title: z.string().min(1).max(200),
    dueHours: hours.default(24),
    assignee: z.enum(['owner', 'manager']).default('owner'),
  }).describe('Create a task for a rep'),
  configurator_check: z.object({ ruleSetId: z.string().min(1) }).describe('Check the latest offer against configurator rules'),
  custom: z.object({
    activity: z.string().min(1),
    /** Version of the activity type; without one the newest version that is not retired runs. */
    version: z.number().int().positive().optional(),
    input: z.record(z.string(), z.unknown()).default({}),
  }).describe('A developer-registered activity'),
  end_won: z.object({}).describe('Won: an order is created'),
  end_lost: z.object({ reason: z.string().optional() }).describe('Lost, with a reason'),
} as const;

export type NodeType = keyof typeof nodeConfigSchemas;
export const nodeTypes = Object.keys(nodeConfigSchemas) as NodeType[];

const node = <T extends NodeType>(type: T) =>
  z.object({
    id,
    type: z.literal(type),
    config: nodeConfigSchemas[type] as (typeof nodeConfigSchemas)[T],
    position: position.default({ x: 0, y: 0 }),
    label: z.string().max(80).optional(),
  });

export const pipelineNodeSchema = z.discriminatedUnion('type', [
  node('trigger'), node('score'), node('route'), node('stage'), node('wait'), node('decision'), node('send_email'),
  node('create_task'), node('configurator_check'), node('custom'), node('end_won'), node('end_lost'),
]);

export const pipelineEdgeSchema = z.object({
  id,
  source: z.string().min(1),
  target: z.string().min(1),
  branch: z.string().min(1).optional(),
});

/**
 * A pipeline version: an immutable graph of nodes and edges.
 * @example pipelineDocumentSchema.parse({ id: 'default', name: 'Default', nodes: [...], edges: [...] })
 */
export const pipelineDocumentSchema = z.object({
  id: id,
  name: z.string().min(1).max(100),
  description: z.string().max(2000).optional(),
  nodes: z.array(pipelineNodeSchema).min(1).max(2000),
  edges: z.array(pipelineEdgeSchema).max(5000),
});

export type PipelineDocument = z.infer<typeof pipelineDocumentSchema>;
export type PipelineNode = z.infer<typeof pipelineNodeSchema>;
export type PipelineEdge = z.infer<typeof pipelineEdgeSchema>;
export type NodeOf<T extends NodeType> = Extract<PipelineNode, { type: T }>;

import type { Edge, Node } from '@xyflow/react';
import type { NodeType } from '../../engine/pipeline/schema';

/** Live lead counts drawn on a node in the live view. */
export interface NodeCounts { open: number; closed: number }

/** What a canvas node carries: plain data only (no functions), so it can be copied, stored and diffed. */
export interface StepData extends Record<string, unknown> {
  nodeType: NodeType;
  label?: string;
  config: Record<string, unknown>;
  /** Output handles, one per branch ("next" = the plain output). */
  outputs: string[];
  /** Messages of the server's (or local) graph checks on this node. */
  problems: string[];
  counts?: NodeCounts;
}

/** Canvas node kinds: each renders differently (trigger has no input, ends have no outputs, branching nodes label handles). */
export type TriggerNode = Node<StepData, 'trigger'>;
export type StepNode = Node<StepData, 'step'>;
export type BranchNode = Node<StepData, 'branch'>;
export type EndNode = Node<StepData, 'end'>;
export type FlowNode = TriggerNode | StepNode | BranchNode | EndNode;
export type FlowNodeKind = FlowNode['type'];

export interface EdgeData extends Record<string, unknown> {
  branch?: string;
  problems: string[];
}
export type FlowEdge = Edge<EdgeData>;

/** The pipeline's own fields besides the graph. */
export interface PipelineMeta {
  id: string;
  name: string;
  description?: string;
}

/** The draft document the API stores (config left open: unfinished work is kept and reported, not refused). */
export interface DraftDocument extends PipelineMeta {
  nodes: { id: string; type: NodeType; label?: string; config: Record<string, unknown>; position: { x: number; y: number } }[];
  edges: { id: string; source: string; target: string; branch?: string }[];
}

/** A graph problem as returned by the API / validatePipeline. */
export interface Problem { path: string; message: string; nodeId?: string; edgeId?: string }

/** The plain output handle id. */
export const NEXT = 'next';

import type { PipelineDocument } from '../pipeline/schema';

/** A captured lead as normalised by the API (the same shape for web form, partner API, import and manual entry). */
export interface CaptureInput {
  submissionId: string;
  source: 'web' | 'partner' | 'import' | 'manual';
  name: string;
  email?: string;
  phone?: string;
  company?: string;
  companyDomain?: string;
  country?: string;
  productInterest?: string;
  message?: string;
  jobTitle?: string;
  companySize?: number;
  industry?: string;
  capturedAt: string;
  /** Who entered it: a user id for manual entry, a key id for partners. */
  capturedBy?: string;
}

export interface LeadWorkflowInput {
  leadId: string;
  dedupeKey: string;
  pipelineId: string;
  pipelineVersion: number;
  pipeline: PipelineDocument;
  capture: CaptureInput;
  /** Present when the workflow continues as new: the state it carries over. */
  resume?: LeadSnapshot;
}

export type LeadStatus = 'open' | 'nurturing' | 'qualified' | 'disqualified' | 'won' | 'lost';
export type OfferStatus = 'draft' | 'sent' | 'confirmed' | 'in_follow_up' | 'renegotiated' | 'accepted' | 'rejected' | 'postponed';

export interface OfferState {
  id: string;
  version: number;
  status: OfferStatus;
  total: number;
}

export interface OpenTask {
  id: string;
  kind: string;
  title: string;
  ownerId: string | null;
  dueAt: string | null;
}

/** Everything the workflow carries; serialisable so continueAsNew can pass it on. */
export interface LeadSnapshot {
  nodeId: string;
  stage: string;
  status: LeadStatus;
  score: number;
  grade: 'A' | 'B' | 'C' | null;
  ownerId: string | null;
  managerId: string | null;
  qualified: boolean;
  opportunityId: string | null;
  offers: OfferState[];
  visits: number;
  submissions: string[];
  engagements: number;
  openTasks: OpenTask[];
  nextDeadline: string | null;
  closed: boolean;
  lostReason: string | null;
  /** How many times each node was entered: the occurrence part of idempotency keys. */
  visitsPerNode: Record<string, number>;
  /** How many timeouts each wait node has seen in a row (for maxTimeouts). */
  timeoutsPerNode: Record<string, number>;
  /** Rep decision waiting to be consumed by a `wait` node. */
  pendingDecision: string | null;
  captured: boolean;
}

/** What queries return: stage, score, owner, open tasks and the next deadline. */
export interface LeadView {
  leadId: string;
  pipelineId: string;
  pipelineVersion: number;
  nodeId: string;
  stage: string;
  status: LeadStatus;
  score: number;
  grade: 'A' | 'B' | 'C' | null;
  ownerId: string | null;
  qualified: boolean;
  offers: OfferState[];
  openTasks: OpenTask[];
  nextDeadline: string | null;
  closed: boolean;
}

export interface LeadOutcome {
  result: 'won' | 'lost';
  reason?: string;
  orderId?: string;
}

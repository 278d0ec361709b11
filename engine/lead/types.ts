import type { PipelineDocument } from '../pipeline/schema';
import type { PendingApproval } from '../proposal/approval';
import type { MoveResult } from './moves';

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
  /** Why the lead entered its pipeline (the entry rules' choice), recorded on its timeline at capture. */
  entry?: PipelineEntry;
}

/** The entry rules' choice for a captured lead: the pipeline, the rule that chose it (null: the default took it) and why. */
export interface PipelineEntry {
  pipelineId: string;
  version: number;
  rule: { id: string; name: string } | null;
  reason: string;
  /** The comparisons that held, per matched rule (rules/explain.ts ConditionTrace). */
  matched?: unknown[];
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

export type LeadStatus = 'open' | 'nurturing' | 'qualified' | 'disqualified' | 'won' | 'lost' | 'failed';
export type OfferStatus = 'draft' | 'awaiting_approval' | 'sent' | 'confirmed' | 'in_follow_up' | 'renegotiated' | 'accepted' | 'rejected' | 'postponed';

export interface OfferState {
  id: string;
  version: number;
  status: OfferStatus;
  total: number;
  /** The manager's decision on a discount above the threshold (patch `discount-approval`). */
  approval?: 'pending' | 'approved' | 'rejected';
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
  /** Keys of reminders that already fired (a replanning never arms them again). */
  firedReminders: string[];
  /** Reminders still pending when the workflow continued as new; the next run re-arms them. */
  reminders?: ScheduledReminder[];
  /** Set while the lead waits unassigned and is routed again (patch `reroute-unassigned`); carried over continue-as-new. */
  rerouting?: Rerouting | null;
  /** Discount approvals the lead waits for (patch `discount-approval`); re-armed after continue-as-new. */
  approvals?: PendingApproval[];
  /** Answers to the latest move requests (patch `move-version`), so a repeated moveId gets the same answer. */
  moves?: MoveResult[];
  /** Output of the latest run of each custom activity, by activity name (patch `activity-task-queues`): decision facts `custom.<name>.<field>`. */
  customOutputs?: Record<string, Record<string, unknown>>;
  /** What asks for a re-score and has not been scored yet (patch `behaviour-rescoring`); carried over continue-as-new. */
  rescoreReasons?: RescoreReason[];
  /** Re-scores run so far (the idempotency key of the next one). */
  rescores?: number;
  /** Re-scores that raised the grade (a nurtured lead goes back to qualification). */
  gradeRaises?: number;
}

/** Why the lead re-scores: a behavioural event or a logged visit. */
export interface RescoreReason {
  kind: 'behaviour' | 'visit';
  /** The event's type (email_open …) or the visit's type. */
  type: string;
  id: string;
  at: string;
}

/** An unassigned lead routing again after each retry timer, or early on `capacityFreedSignal`. */
export interface Rerouting {
  /** The route node that found nobody, its rule set and idempotency key (attempt n uses `${key}:retry${n}`). */
  nodeId: string;
  ruleSetId: string;
  key: string;
  attempts: number;
  /** Wait before the next attempt (UNASSIGNED_RETRY_MINUTES, as the routing activity answered). */
  retryAfterMs: number;
}

/** A reminder timer armed in the current stage. */
export interface ScheduledReminder {
  rule: string;
  key: string;
  /** Workflow time (ms) at which it fires. */
  dueAt: number;
  recipient: 'owner' | 'manager';
  template: string;
  kind: string;
  ruleSetId: string;
}

/** What queries return: stage, score, owner, open tasks and the next deadline. */
export type LeadView = { leadId: string; pipelineId: string; pipelineVersion: number } & Pick<LeadSnapshot,
  'nodeId' | 'stage' | 'status' | 'score' | 'grade' | 'ownerId' | 'qualified' | 'offers' | 'openTasks' | 'nextDeadline' | 'closed'>;

export interface LeadOutcome {
  result: 'won' | 'lost';
  reason?: string;
  orderId?: string;
}

// What the lead finder and lead page read from the API (see the rep workspace API contract).

export interface Lead {
  id: string; name: string; email: string | null; phone: string | null; company: string | null; country: string | null;
  source: string; status: string; stage: string; score: number; grade: string | null; ownerId: string | null; ownerName: string | null;
  productInterest: string | null; pipelineId: string; createdAt: string; updatedAt: string; lostReason: string | null;
  industry: string | null; companySize: number | null; accountId: string | null; accountName: string | null;
  lastContactAt: string | null; overdueTasks: number; openTasks: number; offerValue: number | null; teamId: string | null;
  nextDeadline?: string | null;
}

export interface LeadPage { total: number; items: Lead[] }

export interface ConditionTrace { path?: string; fact: string; operator: string; expected: unknown; actual: unknown; negated?: boolean }
export interface DecisionCause { ruleSetId: string; ruleSetName?: string; version: number; matched?: unknown }

export interface LeadEvent {
  id: number; type: string; at: string; actor: string | null; actorName?: string | null; stage: string | null;
  context: Record<string, unknown>; cause: DecisionCause | null;
}

export interface LeadTask { id: string; kind: string; title: string; ownerId: string | null; ownerName?: string | null; dueAt: string | null; done: boolean }
export interface LeadVisit { id: string; type: string; status: string; outcome: string | null; notes: string | null; repId: string | null; repName?: string | null; occurredAt: string; offerId: string | null }
/** `product` and `options` are the catalog ids and option codes (or the text of a line typed by hand); the names are what users read. */
export interface OfferLine { product: string; options: string[]; productName?: string; optionNames?: string[]; quantity: number; unitPrice: number }
export interface LeadOffer { id: string; version: number; status: string; total: number; currency: string; rejectionReason: string | null; supersedes: string | null; lines: OfferLine[] }
export interface LeadOrder { id: string; offerId: string | null; total: number; currency: string; createdAt: string }
export interface ScoreRule { name: string; points: number; reason?: string | null }
export interface LeadScore { points: number; grade: string | null; ruleSetId: string; ruleSetName?: string; version: number; rules: ScoreRule[] }
export interface LeadWarning { kind: string; message: string; userId?: string; userName?: string; leadId?: string; at?: string }

export interface LeadDetail {
  lead: Lead; events: LeadEvent[]; tasks: LeadTask[]; visits: LeadVisit[]; offers: LeadOffer[];
  orders?: LeadOrder[]; score?: LeadScore | null; warnings?: LeadWarning[];
  /** Set while the lead's process has failed (see FailedLead). */
  failure?: { reason: string; at: string; nodeId: string | null } | null;
  /** Names of the users the events refer to by id (when the API provides them). */
  people?: Record<string, string>;
}

export interface Permission { allowed: boolean; reason?: string }
export const actionNames = ['logVisit', 'qualify', 'disqualify', 'nurture', 'opportunity', 'createOffer', 'won', 'lost', 'reassign'] as const;
export type ActionName = (typeof actionNames)[number];
export interface LeadActions { actions: Record<ActionName, Permission>; offerStatus: Record<string, Record<string, Permission>> }

export interface Constant { category: string; code: string; label: string; sort: number; active: boolean }
export interface UserOption { id: string; name: string; email: string; role: string; teamId?: string | null; active?: boolean }
export interface SavedView { id: string; name: string; filters: Record<string, string>; createdAt: string }

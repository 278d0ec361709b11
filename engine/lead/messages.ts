import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AllowedActions } from './allowed-actions';
import type { MoveResult } from './moves';
import type { CaptureInput, LeadView, OfferStatus } from './types';

// Rep actions: updates with validators, so an illegal transition is refused before anything changes.
export interface LogVisitInput { visitId: string; type: string; status: string; outcome?: string; notes?: string; occurredAt: string; repId: string; offerId?: string }
export interface QualifyInput { by: string; note?: string }
export interface DisqualifyInput { by: string; reason: string }
export interface NurtureInput { by: string; note?: string }
export interface ConvertInput { by: string; opportunityId: string; name: string; amount?: number }
export interface OfferLineInput {
  product: string; options: string[]; quantity: number; unitPrice: number;
  // Set when the line was priced from the catalog on the server (see api/pricing/offer-pricing.ts).
  productId?: string; productName?: string; optionNames?: string[]; listUnitPrice?: number; source?: 'catalog' | 'manual' | 'free' | 'fee';
  adjustments?: { rule: string; label: string; percent?: number; amount: number }[];
}
/** The catalog pricing of an offer: its list total, overall discount in percent, price list and contract length. */
export interface OfferPricingInput { listTotal: number; discountPct: number; priceListId: string | null; contractMonths: number | null }
export interface CreateOfferInput { by: string; offerId: string; lines: OfferLineInput[]; currency?: string; supersedes?: string; pricing?: OfferPricingInput }
export interface SetOfferStatusInput { by: string; offerId: string; status: OfferStatus; reason?: string }
export interface MarkWonInput { by: string; offerId?: string; orderId: string }
export interface MarkLostInput { by: string; reason: string; note?: string }
export interface ReassignInput { by: string; ownerId: string; reason?: string }

export const logVisitUpdate = defineUpdate<{ visitId: string }, [LogVisitInput]>('logVisit');
export const qualifyUpdate = defineUpdate<LeadView, [QualifyInput]>('qualify');
export const disqualifyUpdate = defineUpdate<LeadView, [DisqualifyInput]>('disqualify');
export const nurtureUpdate = defineUpdate<LeadView, [NurtureInput]>('nurture');
export const convertToOpportunityUpdate = defineUpdate<{ opportunityId: string }, [ConvertInput]>('convertToOpportunity');
export const createOfferUpdate = defineUpdate<{ offerId: string; version: number; total: number }, [CreateOfferInput]>('createOffer');
export const setOfferStatusUpdate = defineUpdate<{ offerId: string; status: OfferStatus }, [SetOfferStatusInput]>('setOfferStatus');
export const markWonUpdate = defineUpdate<LeadView, [MarkWonInput]>('markWon');
export const markLostUpdate = defineUpdate<LeadView, [MarkLostInput]>('markLost');
export const reassignUpdate = defineUpdate<LeadView, [ReassignInput]>('reassign');

// Inbound events: signals (nobody waits for an answer).
export const formSubmittedSignal = defineSignal<[CaptureInput]>('formSubmitted');
export const emailEngagedSignal = defineSignal<[{ kind: 'open' | 'click' | 'reply'; at: string; mailId?: string }]>('emailEngaged');
/**
 * A behavioural event was stored on the lead (partner API or tracked mail; patch `behaviour-rescoring`): the lead
 * re-scores once per burst of events and records the change with its why.
 */
export interface BehaviourSignalInput { eventId: string; type: string; at: string; source: string }
export const behaviourSignal = defineSignal<[BehaviourSignalInput]>('behaviour');

export const getLeadQuery = defineQuery<LeadView>('getLead');

// Routing: a waiting unassigned lead routes again now (capacity freed in its team) instead of at its retry timer.
export const capacityFreedSignal = defineSignal('capacityFreed');

// Operations: an operator cancels a step that keeps failing (e.g. a visit write retried while the database refuses it);
// the rep action waiting on it fails with "cancelled" and the lead takes the next action.
export interface CancelStepInput { activityType: string; by: string }
export const cancelStepUpdate = defineUpdate<{ cancelled: number }, [CancelStepInput]>('cancelStep');

// The rep workspace's action bar: every action and offer status move, allowed or refused with the reason.
export const allowedActionsQuery = defineQuery<AllowedActions>('allowedActions');

// Operations: move a live lead to another published version of its pipeline. The lead records the intent and applies
// it at its next node boundary (at once when it waits); a repeated moveId answers the first result.
export interface MoveToVersionInput {
  moveId: string;
  version: number;
  /** The target node for the node the lead was at when the move was planned (`fromNodeId`). */
  nodeId: string;
  fromNodeId: string;
  /** Target node per source node, for a lead that moved on between the plan and its boundary. */
  mapping?: Record<string, string>;
  by: string;
}
export const moveToVersionUpdate = defineUpdate<MoveResult, [MoveToVersionInput]>('moveToVersion');

// Discount approval: the approver's decision on an offer awaiting approval (back to draft, approved or rejected).
export interface DecideDiscountInput { by: string; offerId: string; approve: boolean; comment: string }
export const decideDiscountUpdate = defineUpdate<{ offerId: string; approval: 'approved' | 'rejected' }, [DecideDiscountInput]>('decideDiscount');

// What a rep may do with a lead right now, computed from the same rules of play the update validators use, so the
// action bar never offers what the workflow would refuse (and says why for the rest).
import * as play from './rules-of-play';
import type { LeadSnapshot, OfferStatus } from './types';

export interface ActionCheck { allowed: boolean; reason?: string }
export const leadActionNames = ['logVisit', 'qualify', 'disqualify', 'nurture', 'opportunity', 'createOffer', 'won', 'lost', 'reassign'] as const;
export type LeadActionName = (typeof leadActionNames)[number];
export interface AllowedActions {
  actions: Record<LeadActionName, ActionCheck>;
  /** Per offer, per target status: whether the offer may move there now. */
  offerStatus: Record<string, Partial<Record<OfferStatus, ActionCheck>>>;
}

const settableStatuses: OfferStatus[] = ['sent', 'confirmed', 'in_follow_up', 'accepted', 'rejected', 'postponed'];
export const closedReason = 'this lead is closed';

function check(assert: () => void): ActionCheck {
  try {
    assert();
    return { allowed: true };
  } catch (err) {
    return { allowed: false, reason: (err as Error).message };
  }
}

/**
 * Every rep action and offer status move, allowed or refused with the rules of play's reason.
 * @example allowedActions(snapshot).actions.won // { allowed: false, reason: 'only a qualified lead with an accepted offer can be won' }
 */
export function allowedActions(s: LeadSnapshot): AllowedActions {
  if (s.closed) return closedActions(s.offers.map((o) => o.id));
  return {
    actions: {
      logVisit: check(() => play.assertOpen(s)),
      qualify: check(() => play.assertCanQualify(s)),
      disqualify: check(() => play.assertCanDisqualify(s)),
      nurture: check(() => play.assertCanQualify(s)),
      opportunity: check(() => play.assertCanConvert(s)),
      createOffer: check(() => play.assertCanCreateOffer(s)),
      won: check(() => play.assertCanWin(s)),
      // The reason is asked for when the rep marks the lead lost; any reason passes here.
      lost: check(() => play.assertCanLose(s, 'other')),
      // Any other rep: the target is chosen in the dialog.
      reassign: check(() => play.assertOpen(s)),
    },
    offerStatus: Object.fromEntries(s.offers.map((o) => [o.id, Object.fromEntries(settableStatuses.map((st) =>
      [st, check(() => play.assertCanSetOfferStatus(s, o.id, st, 'other'))]))])),
  };
}

/** A closed lead: nothing is allowed. */
export function closedActions(offerIds: string[] = []): AllowedActions {
  const no: ActionCheck = { allowed: false, reason: closedReason };
  return {
    actions: Object.fromEntries(leadActionNames.map((a) => [a, no])) as Record<LeadActionName, ActionCheck>,
    offerStatus: Object.fromEntries(offerIds.map((id) => [id, Object.fromEntries(settableStatuses.map((st) => [st, no]))])),
  };
}

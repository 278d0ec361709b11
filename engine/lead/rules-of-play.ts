// The legal transitions of a lead, as pure functions: update validators call them, so an illegal action is refused
// with a sentence a rep can read, before anything changes.
import type { LeadSnapshot, OfferStatus } from './types';

/** Offer status moves a rep may make; `renegotiated` only happens by creating a new offer version. */
export const offerTransitions: Record<OfferStatus, OfferStatus[]> = {
  draft: ['sent'],
  sent: ['confirmed', 'in_follow_up', 'accepted', 'rejected', 'postponed'],
  confirmed: ['in_follow_up', 'accepted', 'rejected', 'postponed'],
  in_follow_up: ['confirmed', 'accepted', 'rejected', 'postponed'],
  postponed: ['sent', 'in_follow_up', 'accepted', 'rejected'],
  renegotiated: [],
  accepted: [],
  rejected: [],
};

export class IllegalTransition extends Error {
  override name = 'IllegalTransition';
}

function refuse(message: string): never {
  throw new IllegalTransition(message);
}

export function assertOpen(s: LeadSnapshot): void {
  if (s.closed) refuse(`this lead is already closed (${s.status}); reopen it by capturing it again`);
}

export function assertCanQualify(s: LeadSnapshot): void {
  assertOpen(s);
  if (s.qualified) refuse('this lead is already qualified');
  if (s.pendingDecision) refuse(`a decision (${s.pendingDecision}) is already being processed`);
}

export function assertCanDisqualify(s: LeadSnapshot): void {
  assertOpen(s);
  if (s.qualified) refuse('a qualified lead cannot be disqualified; mark it lost with a reason instead');
  if (s.pendingDecision) refuse(`a decision (${s.pendingDecision}) is already being processed`);
}

export function assertCanConvert(s: LeadSnapshot): void {
  assertOpen(s);
  if (!s.qualified) refuse('qualify the lead before converting it to an opportunity');
  if (s.opportunityId) refuse('this lead already has an opportunity');
}

export function assertCanCreateOffer(s: LeadSnapshot, supersedes?: string): void {
  assertOpen(s);
  if (!s.qualified) refuse('qualify the lead before making an offer');
  if (supersedes) {
    const old = s.offers.find((o) => o.id === supersedes);
    if (!old) refuse(`offer ${supersedes} does not belong to this lead`);
    if (['accepted', 'rejected', 'renegotiated'].includes(old.status)) refuse(`offer ${supersedes} is ${old.status} and cannot be renegotiated`);
  }
}

export function assertCanSetOfferStatus(s: LeadSnapshot, offerId: string, status: OfferStatus, reason?: string): void {
  assertOpen(s);
  const offer = s.offers.find((o) => o.id === offerId);
  if (!offer) refuse(`offer ${offerId} does not belong to this lead`);
  if (!offerTransitions[offer.status].includes(status)) {
    const allowed = offerTransitions[offer.status];
    refuse(`an offer that is ${offer.status} cannot become ${status}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`);
  }
  if (status === 'rejected' && !reason) refuse('a rejected offer needs a reason (price, competition or other)');
}

export function assertCanWin(s: LeadSnapshot, offerId?: string): void {
  assertOpen(s);
  if (!s.qualified) refuse('only a qualified lead with an accepted offer can be won');
  const accepted = s.offers.filter((o) => o.status === 'accepted');
  if (offerId && !accepted.some((o) => o.id === offerId)) refuse(`offer ${offerId} is not accepted`);
  if (!accepted.length) refuse('a lead is won when an offer is accepted; no offer is accepted yet');
}

export function assertCanLose(s: LeadSnapshot, reason: string): void {
  assertOpen(s);
  if (!reason) refuse('a lost lead needs a reason');
}

export function assertCanReassign(s: LeadSnapshot, ownerId: string): void {
  assertOpen(s);
  if (s.ownerId === ownerId) refuse('the lead is already assigned to this rep');
}

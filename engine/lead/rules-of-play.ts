// The legal transitions of a lead, as pure functions: update validators call them, so an illegal action is refused
// with a sentence a rep can read, before anything changes.
import { MAX_AMOUNT, offerTotal, visitDateProblem } from './bounds';
import type { LeadSnapshot, OfferStatus } from './types';

/** Offer status moves a rep may make; `renegotiated` only happens by creating a new offer version. */
export const offerTransitions: Record<OfferStatus, OfferStatus[]> = {
  draft: ['sent'],
  // Leaves only by the approver's decision (back to draft), never by a rep's status move.
  awaiting_approval: [],
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

/** A value the lead's records cannot hold or a reference to something the lead does not have (the API answers 422). */
export class InvalidInput extends Error {
  override name = 'InvalidInput';
}

function invalid(message: string): never {
  throw new InvalidInput(message);
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

/** A visit refers only to the lead's own offers and is dated between 2000-01-01 and a year after `nowMs`. */
export function assertValidVisit(s: LeadSnapshot, v: { offerId?: string; occurredAt?: string }, nowMs: number): void {
  assertOpen(s);
  if (v.offerId !== undefined && !s.offers.some((o) => o.id === v.offerId)) {
    invalid(`offerId: offer "${v.offerId}" is not one of this lead's offers${s.offers.length ? ` (${s.offers.map((o) => o.id).join(', ')})` : ''}`);
  }
  const problem = v.occurredAt === undefined ? undefined : visitDateProblem(v.occurredAt, nowMs);
  if (problem) invalid(`occurredAt: ${problem}`);
}

/** An opportunity's amount fits its column. */
export function assertValidAmount(amount: number | undefined): void {
  if (amount !== undefined && !(Number.isFinite(amount) && amount >= 0 && amount <= MAX_AMOUNT)) invalid('amount: must be between 0 and 999,999,999,999.99');
}

export function assertCanCreateOffer(s: LeadSnapshot, supersedes?: string, lines?: readonly { quantity: number; unitPrice: number }[]): void {
  assertOpen(s);
  if (!s.qualified) refuse('qualify the lead before making an offer');
  if (lines) {
    if (!lines.length) invalid('lines: an offer needs at least one line');
    const bad = lines.findIndex((l) => !(l.quantity * l.unitPrice <= MAX_AMOUNT) || !(l.unitPrice >= 0) || !(l.quantity >= 1));
    if (bad >= 0) invalid(`lines[${bad}]: quantity × unitPrice must be between 0 and 999,999,999,999.99`);
    if (!(offerTotal(lines) <= MAX_AMOUNT)) invalid('lines: the offer total must be below 1,000,000,000,000');
  }
  if (supersedes !== undefined) {
    if (!supersedes) invalid('supersedes: must name the offer this one renegotiates (not empty)');
    const old = s.offers.find((o) => o.id === supersedes);
    if (!old) invalid(`supersedes: offer "${supersedes}" is not one of this lead's offers`);
    if (['accepted', 'rejected', 'renegotiated'].includes(old.status)) refuse(`offer ${supersedes} is ${old.status} and cannot be renegotiated`);
  }
}

export function assertCanSetOfferStatus(s: LeadSnapshot, offerId: string, status: OfferStatus, reason?: string): void {
  assertOpen(s);
  const offer = s.offers.find((o) => o.id === offerId);
  if (!offer) refuse(`offer ${offerId} does not belong to this lead`);
  if (offer.status === 'awaiting_approval') refuse("this offer awaits a manager's approval of its discount; it can be sent once approved");
  if (status === 'sent' && offer.approval === 'rejected') refuse('the discount of this offer was rejected; renegotiate a new version with a smaller discount');
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
  if (!reason) invalid('reason: a lost lead needs a reason');
}

export function assertCanReassign(s: LeadSnapshot, ownerId: string): void {
  assertOpen(s);
  if (s.ownerId === ownerId) refuse('the lead is already assigned to this rep');
}

/** A discount decision is made only on an offer that awaits one. */
export function assertCanDecideDiscount(s: LeadSnapshot, offerId: string): void {
  assertOpen(s);
  const offer = s.offers.find((o) => o.id === offerId);
  if (!offer) refuse(`offer ${offerId} does not belong to this lead`);
  if (offer.status !== 'awaiting_approval') refuse(`offer ${offerId} does not await an approval (it is ${offer.status})`);
}

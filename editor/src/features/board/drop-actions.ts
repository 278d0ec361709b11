/** What dropping a card on a target does: a workflow update, or a refusal said before anything is sent. */
export type BoardMove =
  | { action: 'qualify' | 'nurture' | 'won'; toStage: string }
  | { action: 'lost'; toStage: string; reason: string; note?: string };
export type DropDecision =
  | { kind: 'none' }
  | { kind: 'refused'; reason: string }
  | { kind: 'update'; action: 'qualify' | 'nurture' | 'won' }
  | { kind: 'ask-reason'; action: 'lost' };

/** Drop targets that end a lead: they are not columns (the board shows open leads only). */
export const closeTargets = [
  { stage: 'won', label: 'Won' },
  { stage: 'lost', label: 'Lost' },
] as const;

/** The stage a qualified lead moves on to in the shipped pipeline (the successor of qualification). */
export const QUALIFIED_STAGE = 'offer';
export const NURTURING_STAGE = 'nurturing';

/**
 * Maps a drag from one stage to another onto the workflow update that would make it happen. Stages the workflow
 * enters by itself (qualification, custom stages) are refused here with a readable reason; whether the update is
 * legal for this lead is the workflow's call (its refusal comes back as a 409 and the card snaps back).
 */
export function decideDrop(fromStage: string, toStage: string, toLabel = toStage): DropDecision {
  if (fromStage === toStage) return { kind: 'none' };
  if (toStage === 'won') return { kind: 'update', action: 'won' };
  if (toStage === 'lost') return { kind: 'ask-reason', action: 'lost' };
  if (toStage === QUALIFIED_STAGE) return { kind: 'update', action: 'qualify' };
  if (toStage === NURTURING_STAGE) return { kind: 'update', action: 'nurture' };
  return { kind: 'refused', reason: `the workflow moves leads into ${toLabel} by itself` };
}

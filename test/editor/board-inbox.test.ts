import { describe, expect, it } from 'vitest';
import { decideDrop } from '../../editor/src/features/board/drop-actions';
import { bucketOf, groupTasks } from '../../editor/src/features/inbox/buckets';
import { leadsPerRep } from '../../editor/src/features/team/api/team';

describe('board drop targets', () => {
  it('maps a drop onto the workflow update that makes the move', () => {
    expect(decideDrop('qualification', 'offer')).toEqual({ kind: 'update', action: 'qualify' });
    expect(decideDrop('qualification', 'nurturing')).toEqual({ kind: 'update', action: 'nurture' });
    expect(decideDrop('offer', 'won')).toEqual({ kind: 'update', action: 'won' });
    expect(decideDrop('offer', 'lost')).toEqual({ kind: 'ask-reason', action: 'lost' });
  });
  it('refuses stages the workflow enters by itself, naming them', () => {
    expect(decideDrop('nurturing', 'qualification', 'Qualification')).toEqual({ kind: 'refused', reason: 'the workflow moves leads into Qualification by itself' });
    expect(decideDrop('offer', 'hot-leads')).toEqual({ kind: 'refused', reason: 'the workflow moves leads into hot-leads by itself' });
  });
  it('does nothing when a card is dropped back on its own column', () => {
    expect(decideDrop('offer', 'offer')).toEqual({ kind: 'none' });
  });
});

describe('inbox buckets', () => {
  const now = new Date(2026, 4, 12, 10, 0, 0);
  const at = (d: number, h: number) => new Date(2026, 4, d, h, 0, 0).toISOString();
  it('keeps the server bucket and computes one for an unconfirmed snooze', () => {
    expect(bucketOf({ dueAt: at(1, 9), bucket: 'upcoming' }, now)).toBe('upcoming');
    expect(bucketOf({ dueAt: at(12, 9) }, now)).toBe('overdue');
    expect(bucketOf({ dueAt: at(12, 18) }, now)).toBe('today');
    expect(bucketOf({ dueAt: at(13, 9) }, now)).toBe('upcoming');
    expect(bucketOf({ dueAt: null }, now)).toBe('someday');
  });
  it('groups open tasks by bucket, soonest first, and leaves done ones out', () => {
    const g = groupTasks([
      { dueAt: at(20, 9), done: false }, { dueAt: at(14, 9), done: false }, { dueAt: at(11, 9), done: false }, { dueAt: at(10, 9), done: true },
    ], now);
    expect(g.overdue).toHaveLength(1);
    expect(g.upcoming.map((t) => t.dueAt)).toEqual([at(14, 9), at(20, 9)]);
  });
});

describe('team load', () => {
  it('counts open leads and offer value per rep, most loaded first', () => {
    const rows = leadsPerRep({ columns: [
      { stage: 'qualification', label: 'Qualification', count: 2, leads: [{ id: 'a', ownerName: 'Ben', offerValue: null }, { id: 'b', ownerName: null, offerValue: null }] },
      { stage: 'offer', label: 'Offer', count: 2, leads: [{ id: 'c', ownerName: 'Ada', offerValue: 1000 }, { id: 'd', ownerName: 'Ada', offerValue: 500 }] },
    ] });
    expect(rows).toEqual([
      { ownerName: 'Ada', open: 2, byStage: { offer: 2 }, offerValue: 1500 },
      { ownerName: 'Ben', open: 1, byStage: { qualification: 1 }, offerValue: 0 },
    ]);
  });
});

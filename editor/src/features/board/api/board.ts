import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { BoardMove } from '../drop-actions';

export interface BoardCard {
  id: string;
  name: string;
  company: string | null;
  score: number | null;
  grade: string | null;
  ownerId?: string | null;
  ownerName: string | null;
  offerValue: number | null;
  nextDeadline: string | null;
}
export interface BoardColumn { stage: string; label: string; count: number; offerValue: number | null; leads: BoardCard[] }
export interface Board { columns: BoardColumn[] }
export type BoardScope = 'mine' | 'team' | 'all';

export const boardKeys = {
  all: ['board'] as const,
  scope: (scope: BoardScope) => ['board', scope] as const,
};

/** Open leads by stage (mine, my team's for managers, everyone's for ops and admins). */
export function useBoard(scope: BoardScope) {
  return useQuery({
    queryKey: boardKeys.scope(scope),
    queryFn: ({ signal }) => api<Board>(`/api/board?scope=${scope}`, { signal }),
  });
}

export interface LossReason { code: string; label: string }

/** Active loss reasons (admin constants) for the "lost" modal. */
export function useLossReasons() {
  return useQuery({
    queryKey: ['constants'],
    queryFn: ({ signal }) => api<{ items: { category: string; code: string; label: string; active: boolean }[] }>('/api/constants', { signal }),
    select: (d): LossReason[] => d.items.filter((c) => c.category === 'loss_reason' && c.active).map(({ code, label }) => ({ code, label })),
    staleTime: 5 * 60_000,
  });
}

/** Moves a card optimistically to `to`; on a refusal the card goes back where it was. */
function moveCard(board: Board, leadId: string, to: string): Board {
  const card = board.columns.flatMap((c) => c.leads).find((l) => l.id === leadId);
  if (!card) return board;
  return {
    columns: board.columns.map((c) => {
      const had = c.leads.some((l) => l.id === leadId);
      if (c.stage === to && !had) return { ...c, count: c.count + 1, leads: [card, ...c.leads] };
      if (had && c.stage !== to) return { ...c, count: c.count - 1, leads: c.leads.filter((l) => l.id !== leadId) };
      return c;
    }),
  };
}

const cardStage = (board: Board, leadId: string) => board.columns.find((c) => c.leads.some((l) => l.id === leadId))?.stage;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The board once the read side shows a move the workflow accepted: the workflow answers when it took the decision and
 * writes the new stage (or the close) right after, so a plain refetch could briefly put the card back where it was.
 */
async function boardAfterMove(scope: BoardScope, leadId: string, to: string): Promise<Board> {
  let board = await api<Board>(`/api/board?scope=${scope}`);
  const arrived = () => {
    const at = cardStage(board, leadId);
    return at === to || (at === undefined && (to === 'won' || to === 'lost'));
  };
  for (let i = 0; i < 40 && !arrived(); i++) {
    await pause(Math.min(250 * (i + 1), 1000));
    board = await api<Board>(`/api/board?scope=${scope}`);
  }
  // The workflow accepted the move: if the read side is still behind (a busy server), show the card where it goes
  // rather than snapping it back; the next refetch shows the stored stage.
  return arrived() ? board : moveCard(board, leadId, to);
}

/** Runs the workflow update behind a drop (qualify, nurture, won, lost). */
export function useMoveLead(scope: BoardScope) {
  const qc = useQueryClient();
  const key = boardKeys.scope(scope);
  return useMutation({
    mutationFn: (m: BoardMove & { leadId: string }) =>
      api(`/api/leads/${encodeURIComponent(m.leadId)}/${m.action}`, { method: 'POST', body: m.action === 'lost' ? { reason: m.reason, note: m.note } : {} }),
    onMutate: async (m) => {
      await qc.cancelQueries({ queryKey: key });
      const previous = qc.getQueryData<Board>(key);
      if (previous) qc.setQueryData(key, moveCard(previous, m.leadId, m.toStage));
      return { previous };
    },
    onError: (_err, _m, ctx) => {
      if (ctx?.previous) qc.setQueryData(key, ctx.previous);
    },
    onSuccess: async (_r, m) => {
      qc.setQueryData(key, await boardAfterMove(scope, m.leadId, m.toStage).catch(() => qc.getQueryData<Board>(key)));
    },
    onSettled: () => Promise.all([
      qc.invalidateQueries({ queryKey: boardKeys.all, refetchType: 'inactive' }), qc.invalidateQueries({ queryKey: ['leads'] }), qc.invalidateQueries({ queryKey: ['tasks'] }),
    ]),
  });
}

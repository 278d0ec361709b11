import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MoveJobView, MovePlan, MovePreview, MoveRequest } from '../../../../../engine/lead/move-schemas';
import type { DraftDocument } from '../../../../model';
import { api } from '../../../lib/api';

export type { MoveJobView, MovePlan, MovePreview } from '../../../../../engine/lead/move-schemas';

const enc = encodeURIComponent;

export const moveKeys = {
  pipeline: (id: string) => ['moves', id, 'pipeline'] as const,
  version: (id: string, v: number) => ['moves', id, 'version', v] as const,
  preview: (id: string, plan: MovePlan) => ['moves', id, 'preview', plan] as const,
  jobs: (id: string) => ['moves', id, 'jobs'] as const,
};

export interface PipelineVersions { id: string; name: string; versions: { version: number; note: string; publishedAt: string }[] }
export interface VersionDocument { document: DraftDocument }

export function usePipelineVersions(pipelineId: string) {
  return useQuery({ queryKey: moveKeys.pipeline(pipelineId), queryFn: ({ signal }) => api<PipelineVersions>(`/api/pipelines/${enc(pipelineId)}`, { signal }) });
}

/** One published version's graph (for the stage filter of the source version). */
export function useVersionDocument(pipelineId: string, version: number | undefined) {
  return useQuery({
    queryKey: moveKeys.version(pipelineId, version ?? 0),
    queryFn: ({ signal }) => api<VersionDocument>(`/api/pipelines/${enc(pipelineId)}/versions/${version}`, { signal }),
    enabled: !!version, staleTime: Infinity,
  });
}

/** The server's plan for these choices: a fresh answer for every change, the previous one kept on screen meanwhile. */
export function useMovePreview(pipelineId: string, plan: MovePlan | null) {
  return useQuery({
    queryKey: moveKeys.preview(pipelineId, plan ?? { toVersion: 0 }),
    queryFn: ({ signal }) => api<MovePreview>(`/api/pipelines/${enc(pipelineId)}/moves/preview`, { method: 'POST', body: plan, signal }),
    enabled: !!plan, placeholderData: keepPreviousData, staleTime: 0,
  });
}

export function useRunMove(pipelineId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: MoveRequest) => api<MoveJobView>(`/api/pipelines/${enc(pipelineId)}/moves`, { method: 'POST', body: req }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['moves', pipelineId] });
      void qc.invalidateQueries({ queryKey: ['leads'] });
    },
  });
}

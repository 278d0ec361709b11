import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnMapping, DedupeChoice, ImportDraft, ImportField, ImportView, PreviewRow } from '../../../../../engine/import/schemas';
import { api, post } from '../../../lib/api';

export type { ImportDraft, ImportField, ImportView, PreviewRow, DedupeChoice } from '../../../../../engine/import/schemas';
export { importFields } from '../../../../../engine/import/schemas';

const enc = encodeURIComponent;

export const importKeys = {
  all: ['imports'] as const,
  one: (id: string) => ['imports', id] as const,
  preview: (id: string, mapping: Record<string, ImportField>) => ['imports', id, 'preview', mapping] as const,
  mappings: ['import-mappings'] as const,
};

const open = (v?: ImportView) => v?.status === 'running' || v?.status === 'paused';

export function useImports() {
  return useQuery({
    queryKey: importKeys.all, queryFn: ({ signal }) => api<{ items: ImportView[] }>('/api/imports', { signal }),
    refetchInterval: (q) => (q.state.data?.items.some(open) ? 2000 : false),
  });
}

/** One import; polled every second while it runs so the progress moves. */
export function useImport(id: string) {
  return useQuery({
    queryKey: importKeys.one(id), queryFn: ({ signal }) => api<ImportView>(`/api/imports/${enc(id)}`, { signal }),
    refetchInterval: (q) => (open(q.state.data) ? 1000 : false),
  });
}

export function usePreview(id: string, mapping: Record<string, ImportField> | undefined) {
  return useQuery({
    queryKey: importKeys.preview(id, mapping ?? {}),
    queryFn: ({ signal }) => api<{ rows: PreviewRow[] }>(`/api/imports/${enc(id)}/preview`, { method: 'POST', body: { mapping }, signal }),
    enabled: !!mapping, staleTime: Infinity,
  });
}

export function useUpload() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return api<ImportDraft>('/api/imports', { method: 'POST', body: form });
    },
    onSuccess: (draft) => {
      qc.setQueryData(importKeys.one(draft.id), draft);
      void qc.invalidateQueries({ queryKey: importKeys.all, exact: true });
    },
  });
}

export interface StartImport { mapping: ColumnMapping; dedupe: DedupeChoice; listName: string; saveMappingAs?: string }

export function useStartImport(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StartImport) => post<ImportView>(`/api/imports/${enc(id)}/start`, body),
    onSuccess: (v) => {
      qc.setQueryData(importKeys.one(id), v);
      void qc.invalidateQueries({ queryKey: importKeys.all, exact: true });
      void qc.invalidateQueries({ queryKey: importKeys.mappings });
    },
  });
}

export function useControlImport(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') => post<ImportView>(`/api/imports/${enc(id)}/${action}`),
    onSettled: () => void qc.invalidateQueries({ queryKey: importKeys.one(id) }),
  });
}

export function useSavedMappings() {
  return useQuery({ queryKey: importKeys.mappings, queryFn: ({ signal }) => api<{ items: { name: string; mapping: Record<string, string> }[] }>('/api/import-mappings', { signal }) });
}

/** A saved mapping applied to this file's columns (by header). */
export const fetchSavedMapping = (id: string, name: string) => api<{ mapping: Record<string, ImportField> }>(`/api/imports/${enc(id)}/mapping/${enc(name)}`);

export const errorFileUrl = (id: string) => `/api/imports/${enc(id)}/errors.csv`;

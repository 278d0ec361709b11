import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { api, del } from '../../../lib/api';

export type DocumentOwnerType = 'account' | 'contact' | 'lead' | 'offer';
export interface DocumentOwner { type: DocumentOwnerType; id: string; label: string }
export interface DocumentItem {
  id: string; ownerType: DocumentOwnerType; ownerId: string; kind: 'upload' | 'proposal'; name: string; contentType: string; sizeBytes: number;
  version: number | null; createdBy: string | null; createdByName: string | null; createdAt: string;
}

export const documentKeys = {
  all: ['documents'] as const,
  list: (o: Pick<DocumentOwner, 'type' | 'id'>) => ['documents', o.type, o.id] as const,
};

const ownerPath = (o: Pick<DocumentOwner, 'type' | 'id'>) => `/api/documents/${o.type}/${encodeURIComponent(o.id)}`;
export const downloadUrl = (id: string) => `/api/documents/${encodeURIComponent(id)}/content`;

/** The documents of several objects at once (a lead and its offers), newest first per object. */
export function useDocuments(owners: DocumentOwner[]) {
  return useQueries({
    queries: owners.map((o) => ({
      queryKey: documentKeys.list(o),
      queryFn: ({ signal }: { signal: AbortSignal }) => api<{ items: DocumentItem[] }>(ownerPath(o), { signal }),
    })),
  });
}

export function useUploadDocument(owner: Pick<DocumentOwner, 'type' | 'id'>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return api<DocumentItem>(ownerPath(owner), { method: 'POST', body: form });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: documentKeys.list(owner) }),
  });
}

export function useDeleteDocument() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (d: DocumentItem) => del<void>(`/api/documents/${encodeURIComponent(d.id)}`),
    onSuccess: (_r, d) => qc.invalidateQueries({ queryKey: documentKeys.list({ type: d.ownerType, id: d.ownerId }) }),
  });
}

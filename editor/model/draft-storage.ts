// Unsaved edits survive a reload and a failed save: the editor writes the working draft to localStorage on every
// change and removes it only after the server confirmed the save.

export interface KeyValueStorage { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void }

export interface StoredDraft<T> { doc: T; changedAt: string }

const keyOf = (kind: string, id: string) => `leadflow:draft:${kind}:${id}`;

export function storeDraft<T>(storage: KeyValueStorage, kind: string, id: string, doc: T, now = new Date()): boolean {
  const docId = (doc as { id?: unknown } | null)?.id;
  // Only a document's own key: another pipeline's graph must never become this one's draft.
  if (docId !== undefined && docId !== id) return false;
  try {
    storage.setItem(keyOf(kind, id), JSON.stringify({ doc, changedAt: now.toISOString() } satisfies StoredDraft<T>));
    return true;
  } catch {
    // Quota exceeded: the in-memory draft is still there; nothing better to do.
    return false;
  }
}

export function loadDraft<T>(storage: KeyValueStorage, kind: string, id: string): StoredDraft<T> | undefined {
  const raw = storage.getItem(keyOf(kind, id));
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as StoredDraft<T>;
    if (!parsed || typeof parsed !== 'object' || !('doc' in parsed)) return undefined;
    // A draft that names another document was written under the wrong key: never offer it for this one.
    const docId = (parsed.doc as { id?: unknown } | null)?.id;
    return docId === undefined || docId === id ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function clearDraft(storage: KeyValueStorage, kind: string, id: string): void {
  storage.removeItem(keyOf(kind, id));
}

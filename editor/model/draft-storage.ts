// Unsaved edits survive a reload and a failed save: the editor writes the working draft to localStorage on every
// change and removes it only after the server confirmed the save.

export interface KeyValueStorage { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void }

export interface StoredDraft<T> { doc: T; changedAt: string }

const keyOf = (kind: string, id: string) => `leadflow:draft:${kind}:${id}`;

export function storeDraft<T>(storage: KeyValueStorage, kind: string, id: string, doc: T, now = new Date()): void {
  try {
    storage.setItem(keyOf(kind, id), JSON.stringify({ doc, changedAt: now.toISOString() } satisfies StoredDraft<T>));
  } catch {
    // Quota exceeded: the in-memory draft is still there; nothing better to do.
  }
}

export function loadDraft<T>(storage: KeyValueStorage, kind: string, id: string): StoredDraft<T> | undefined {
  const raw = storage.getItem(keyOf(kind, id));
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as StoredDraft<T>;
    return parsed && typeof parsed === 'object' && 'doc' in parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function clearDraft(storage: KeyValueStorage, kind: string, id: string): void {
  storage.removeItem(keyOf(kind, id));
}

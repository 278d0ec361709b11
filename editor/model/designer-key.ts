// The designer shows one pipeline (draft or published version) at a time. Its store remembers whose graph it holds,
// so a screen only writes when the graph shown is the one its URL names and it has finished loading.

/** The identity of what a designer store holds: a pipeline's draft, one of its published versions, or its live view. */
export function designerKey(pipelineId: string, view: 'draft' | 'live' | number = 'draft'): string {
  return `${view === 'draft' ? 'draft' : view === 'live' ? 'live' : `v${view}`}:${pipelineId}`;
}

export interface WriteCheck {
  /** The key of the graph the store holds (undefined before anything loaded). */
  shownKey: string | undefined;
  /** The key the URL asks for. */
  wantedKey: string;
  /** A load for the wanted key is still under way. */
  loading: boolean;
  readOnly: boolean;
  /** The pipeline id the shown document carries. */
  shownDocId: string;
  pipelineId: string;
}

/**
 * Why the designer must not save or publish right now, in words, or undefined when it may. A save writes the graph
 * shown to the pipeline in the URL, so the two must be the same pipeline and fully loaded.
 */
export function whyNotWritable(c: WriteCheck): string | undefined {
  if (c.loading) return `pipeline "${c.pipelineId}" is still loading`;
  if (c.shownKey !== c.wantedKey || c.shownDocId !== c.pipelineId) return `the graph shown is not pipeline "${c.pipelineId}"; reload the page`;
  if (c.readOnly) return 'this view is read-only';
  return undefined;
}

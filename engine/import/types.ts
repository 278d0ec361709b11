/** What an import workflow starts (and continues-as-new) with. */
export interface ImportWorkflowInput {
  importId: string;
  /** Rows fed per second at most. */
  rowsPerSecond: number;
  /** Rows per batch (one activity, one transaction). */
  batchRows?: number;
  paused?: boolean;
}

/** What one batch did; the counts are also committed with the batch. */
export interface ImportBatchResult {
  /** Rows read by this batch (imported, merged, skipped or failed). */
  rows: number;
  /** The file is read to its end (or the import was cancelled or finished meanwhile). */
  done: boolean;
  /** Milliseconds the batch took. */
  elapsedMs: number;
}

export const importWorkflowId = (importId: string) => `import-${importId}`;

/** Input of one hourly digest run; `at` (ISO instant) defaults to the workflow's clock when the run starts. */
export interface DigestRunInput {
  at?: string;
}

/** One user's digest for one local day: the outbox key is `digest:<userId>:<localDate>`. */
export interface DueDigest {
  userId: string;
  localDate: string;
}

export interface DigestRunResult {
  at: string;
  sent: DueDigest[];
  /** Digests that can never be sent (e.g. no e-mail address), with the reason; not retried. */
  skipped: (DueDigest & { reason: string })[];
  /** Digests that still failed after their retries; the next hourly run tries them again. */
  failed: (DueDigest & { reason: string })[];
}

/** Progress of a running digest run (`getDigestProgressQuery`). */
export interface DigestProgress {
  at: string | null;
  due: number;
  done: number;
}

import type { Sql } from '../db/client';
import type { DocumentStore } from '../db/document-store';

/** What activities need from the outside world; built once per worker process and passed to every factory. */
export interface ActivityDeps {
  sql: Sql;
  /** Sends a message over SMTP_URL; undefined when mail is only kept in the outbox (embedded default). */
  smtpUrl?: string;
  mailFrom: string;
  /** Base URL of the app, used for links in e-mails. */
  appUrl: string;
  /** Minutes an unassigned lead waits before it is routed again (UNASSIGNED_RETRY_MINUTES; default 60). */
  unassignedRetryMinutes?: number;
  /** Where document bytes are read and written (DOCUMENT_STORE); unset: built from the environment. */
  documents?: DocumentStore;
}

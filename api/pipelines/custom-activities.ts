// The palette reads developer-registered activities from the worker registry. Importing workers/custom runs the
// registrations (each module only declares schemas and a handler; nothing starts), so the API lists the same set
// the worker runs.
import '../../workers/custom/index';
import { customActivityRegistry } from '../../workers/registry';

/** A developer-registered activity as the palette shows it. */
export interface CustomActivityInfo {
  name: string;
  label: string;
  description?: string;
  /** JSON schema of the activity input (the editor generates the form from it). */
  inputSchema?: Record<string, unknown>;
}

/** Registered custom activities. */
export function listCustomActivities(): CustomActivityInfo[] {
  return customActivityRegistry().map((a) => ({
    name: a.name, label: a.label, description: a.description,
    inputSchema: (a.input ?? undefined) as Record<string, unknown> | undefined,
  }));
}

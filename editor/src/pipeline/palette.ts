import type { NodeType } from '../../../engine/pipeline/schema';
import type { JsonSchema } from '../../model';

/** One entry of `GET /api/palette`. */
export interface PaletteItem {
  type: NodeType;
  label: string;
  kind: 'builtin' | 'custom';
  activity?: string;
  description?: string;
  branches: string[];
  dynamicBranches: boolean;
  configSchema: JsonSchema;
  inputSchema?: JsonSchema;
  defaults: Record<string, unknown>;
  /** Custom items: the activity type's version, output facts for decisions, and its worker's status. */
  version?: number;
  outputFacts?: { name: string; type: string; label: string; values?: string[] }[];
  source?: 'builtin' | 'developer';
  taskQueue?: string;
  online?: boolean;
  lastSeenAt?: string | null;
}

/** Short names and accent colours per node type (display only). */
export const typeInfo: Record<NodeType, { name: string; accent: string; icon: string }> = {
  trigger: { name: 'Capture', accent: '#2563eb', icon: '⚡' },
  score: { name: 'Score', accent: '#7c3aed', icon: '★' },
  route: { name: 'Route', accent: '#0891b2', icon: '⇄' },
  stage: { name: 'Stage', accent: '#0f766e', icon: '▣' },
  wait: { name: 'Wait', accent: '#b45309', icon: '◔' },
  decision: { name: 'Decision', accent: '#c2410c', icon: '◆' },
  send_email: { name: 'E-mail', accent: '#4f46e5', icon: '✉' },
  create_task: { name: 'Task', accent: '#0369a1', icon: '✓' },
  configurator_check: { name: 'Config check', accent: '#9333ea', icon: '⚙' },
  custom: { name: 'Custom', accent: '#475569', icon: '⌘' },
  end_won: { name: 'Won', accent: '#15803d', icon: '●' },
  end_lost: { name: 'Lost', accent: '#b91c1c', icon: '○' },
};

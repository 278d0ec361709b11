import { Badge } from '@mantine/core';
import type { RuleSetKind } from '../../../rules/schema';

const colors: Record<RuleSetKind, string> = { scoring: 'violet', routing: 'cyan', reminder: 'yellow', configurator: 'pink' };

/** The kind of a rule set, in the same colour everywhere. */
export function KindBadge({ kind }: { kind: RuleSetKind }) {
  return <Badge variant="light" color={colors[kind] ?? 'gray'}>{kind}</Badge>;
}

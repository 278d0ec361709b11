import { Button, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Condition } from '../../../rules/schema';
import { api } from '../lib/api';
import { ConditionTree, newLeaf } from '../rules/ConditionTree';
import type { FactCatalog } from '../rules/types';
import { conditionWords } from '../rules/words';

/** The lead facts a decision branch can test (the scoring catalog: decisions evaluate lead facts). */
function useLeadFactCatalog() {
  return useQuery({ queryKey: ['facts', 'scoring'], queryFn: ({ signal }) => api<FactCatalog>('/api/facts?kind=scoring', { signal }), staleTime: 5 * 60_000 });
}

/**
 * A decision branch's conditions in the rule builder (the same one rule sets use): facts and operators from
 * the catalog, values typed to the fact. A branch without conditions is never chosen; "default" is the fallback.
 */
export function BranchConditions({ value, onChange, readOnly, problems = [] }: { value: unknown; onChange(v: unknown): void; readOnly?: boolean; problems?: { path: string; message: string }[] }) {
  const catalog = useLeadFactCatalog();
  if (catalog.error) return <Text size="xs" c="red">The fact catalog could not be loaded: {catalog.error.message}</Text>;
  if (!catalog.data) return <Text size="xs" c="dimmed">Loading facts…</Text>;
  const root = value && typeof value === 'object' ? (value as Condition) : undefined;
  if (!root) {
    return (
      <div>
        <Text size="xs" c="dimmed">No conditions: this branch is never chosen.</Text>
        {!readOnly && <Button size="compact-xs" variant="light" mt={4} onClick={() => onChange({ all: [newLeaf(catalog.data)] })}>+ Conditions</Button>}
      </div>
    );
  }
  const isGroup = 'all' in root || 'any' in root || 'not' in root;
  const tree: Condition = isGroup ? root : { all: [root] };
  return (
    <div className="branch-conditions" data-testid="branch-conditions">
      <ConditionTree root={tree} catalog={catalog.data} docPath={['when']} problems={problems} readOnly={readOnly} onChange={(next) => onChange(next)} />
      <Text size="xs" c="dimmed" mt={2}>{conditionWords(tree, catalog.data)}</Text>
      {!readOnly && <Button size="compact-xs" variant="subtle" color="red" onClick={() => onChange(undefined)}>Remove all conditions</Button>}
    </div>
  );
}

import { Anchor, Code, List, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { ConditionTrace, DecisionCause } from '../api/types';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

interface Matched { rule?: string; label?: string; points?: number; conditions?: ConditionTrace[] }
const matchedOf = (m: unknown): Matched[] => (Array.isArray(m) ? m.map((x) => (typeof x === 'string' ? { rule: x } : (x as Matched))) : []);

/** The rule set and version behind a decision, each matched rule with the comparisons that held, and a link to re-run it. */
export function DecisionDetails({ cause, leadId }: { cause: DecisionCause; leadId: string }) {
  const matched = matchedOf(cause.matched);
  const inline = cause.ruleSetId.startsWith('pipeline:');
  return (
    <Stack gap={6} data-testid="decision-details">
      <Text size="sm">
        {inline ? <>Branch conditions of the pipeline step <Code>{cause.ruleSetId.slice('pipeline:'.length)}</Code></>
          : <>Rule set <strong>{cause.ruleSetName ?? cause.ruleSetId}</strong> version {cause.version}</>}
      </Text>
      {matched.length === 0 ? <Text size="sm" c="dimmed">No rule matched (the default applied).</Text> : (
        <List size="sm" spacing={4}>
          {matched.map((m, i) => (
            <List.Item key={i}>
              <strong>{m.label ?? m.rule ?? 'rule'}</strong>{typeof m.points === 'number' ? ` (${m.points > 0 ? '+' : ''}${m.points})` : ''}
              {m.conditions && m.conditions.length > 0 && (
                <List size="xs" withPadding>
                  {m.conditions.map((c, j) => (
                    <List.Item key={j}>
                      <Code>{c.fact}</Code> {c.negated ? 'not ' : ''}{c.operator} <Code>{show(c.expected)}</Code> <Text span size="xs" c="dimmed">(was {show(c.actual)})</Text>
                    </List.Item>
                  ))}
                </List>
              )}
            </List.Item>
          ))}
        </List>
      )}
      {!inline && (
        <Anchor component={Link} size="sm" to={`/rules/${encodeURIComponent(cause.ruleSetId)}?simulateLead=${encodeURIComponent(leadId)}`}>
          Re-run this decision in the simulator
        </Anchor>
      )}
    </Stack>
  );
}

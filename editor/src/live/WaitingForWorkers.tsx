import { Alert, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { useApi } from '../lib/session';

interface WaitingNode { nodeId: string; activity: string; label: string; leads: number; lastSeenAt: string | null }

/**
 * Leads held at a custom node because the activity's worker is offline: shown apart from failures, since they go on
 * by themselves when the worker is back. Re-read whenever the live counts change (`at`), and every 10 s (a worker
 * going offline changes no count).
 */
export function WaitingForWorkers({ pipelineId, at }: { pipelineId: string; at: string | undefined }) {
  const waiting = useApi<{ items: WaitingNode[] }>(`/api/pipelines/${encodeURIComponent(pipelineId)}/waiting?t=${at ?? ''}`);
  const reload = useRef(waiting.reload);
  reload.current = waiting.reload;
  useEffect(() => {
    const timer = setInterval(() => reload.current(), 10_000);
    return () => clearInterval(timer);
  }, []);
  const items = waiting.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Alert color="yellow" variant="light" m="sm" icon={<IconPlugConnectedX size={18} />} data-testid="live-waiting-for-worker">
      {items.map((w) => (
        <Text key={w.nodeId} size="sm">
          <b>{w.leads}</b> lead{w.leads === 1 ? '' : 's'} at “{w.nodeId}” waiting for worker {w.label} ({w.activity}){w.lastSeenAt ? `, last seen ${new Date(w.lastSeenAt).toLocaleString()}` : ', never seen'}
        </Text>
      ))}
    </Alert>
  );
}

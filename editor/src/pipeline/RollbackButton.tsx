import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../lib/api';

/**
 * Publishes the version on screen again as the newest one (it becomes the draft too), with a note saying why.
 * The server checks it like any publish: rule sets or templates removed since are named.
 */
export function RollbackButton({ pipelineId, version, latest }: { pipelineId: string; version: number; latest?: number }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const qc = useQueryClient();
  const navigate = useNavigate();
  const rollback = useMutation({
    mutationFn: () => api<{ version: number }>(`/api/pipelines/${encodeURIComponent(pipelineId)}/rollback`, { method: 'POST', body: { version, note } }),
    onSuccess: () => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['pipelines'] });
      void navigate(`/pipelines/${encodeURIComponent(pipelineId)}`);
    },
  });
  if (latest === undefined || latest === version) return null;
  return (
    <>
      <Button variant="default" size="xs" color="orange" leftSection={<IconHistory size={14} />} onClick={() => { rollback.reset(); setOpen(true); }}>Roll back to v{version}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Roll back to v${version}`}>
        <form onSubmit={(e) => { e.preventDefault(); rollback.mutate(); }}>
          <Stack gap="sm">
            <Text size="sm">v{version} is published again as v{latest + 1} and becomes the draft. New leads enter it; running leads stay on their version.</Text>
            <Textarea label="Why" placeholder="What went wrong with the newer version" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} data-autofocus />
            {rollback.error && (
              <Alert color="red" variant="light">
                {rollback.error.message}
                {'problems' in rollback.error && Array.isArray(rollback.error.problems) && (rollback.error.problems as { message: string }[]).map((p) => <div key={p.message}>{p.message}</div>)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
              <Button type="submit" disabled={!note.trim()} loading={rollback.isPending}>Publish v{version} again</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

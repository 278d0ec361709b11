import { ActionIcon, Alert, Button, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import { IconArchive, IconArchiveOff, IconCopy, IconDots, IconForms } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../lib/api';

export interface PipelineRow { id: string; name: string; draftUpdatedAt: string; latestVersion: number | null; publishedAt: string | null; archivedAt: string | null }

type Dialog = { kind: 'rename' } | { kind: 'duplicate' } | null;

/** Rename, duplicate and archive (or restore) one pipeline; each is written to the audit log by the server. */
export function PipelineRowActions({ pipeline: p }: { pipeline: PipelineRow }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const base = `/api/pipelines/${encodeURIComponent(p.id)}`;
  const done = () => {
    setDialog(null);
    void qc.invalidateQueries({ queryKey: ['pipelines'] });
  };
  const rename = useMutation({ mutationFn: () => api(base, { method: 'PATCH', body: { name } }), onSuccess: done });
  const duplicate = useMutation({
    mutationFn: () => api<{ id: string }>(`${base}/duplicate`, { method: 'POST', body: { id, name } }),
    onSuccess: (r) => {
      done();
      void navigate(`/pipelines/${encodeURIComponent(r.id)}`);
    },
  });
  const archive = useMutation({ mutationFn: (archived: boolean) => api(`${base}/archive`, { method: 'POST', body: { archived } }), onSuccess: done });
  const error = (rename.error ?? duplicate.error ?? archive.error) as ApiError | null;
  const idOk = /^[A-Za-z0-9_-]{1,64}$/.test(id);

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="default" size="md" aria-label={`More actions for ${p.name}`}><IconDots size={16} /></ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<IconForms size={14} />} onClick={() => { setName(p.name); rename.reset(); setDialog({ kind: 'rename' }); }}>Rename…</Menu.Item>
          <Menu.Item leftSection={<IconCopy size={14} />} onClick={() => { setName(`${p.name} (copy)`); setId(`${p.id}-copy`); duplicate.reset(); setDialog({ kind: 'duplicate' }); }}>Duplicate…</Menu.Item>
          {p.archivedAt
            ? <Menu.Item leftSection={<IconArchiveOff size={14} />} onClick={() => archive.mutate(false)}>Restore (receive new leads)</Menu.Item>
            : <Menu.Item leftSection={<IconArchive size={14} />} color="red" onClick={() => archive.mutate(true)}>Archive (no new leads)</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
      {archive.error && !dialog && (
        <Modal opened onClose={() => archive.reset()} title="Not archived">
          <Alert color="red" variant="light">{archive.error.message}</Alert>
        </Modal>
      )}
      <Modal opened={dialog !== null} onClose={() => setDialog(null)} title={dialog?.kind === 'duplicate' ? `Duplicate “${p.name}”` : `Rename “${p.name}”`}>
        <form onSubmit={(e) => { e.preventDefault(); if (dialog?.kind === 'rename') rename.mutate(); else if (idOk) duplicate.mutate(); }}>
          <Stack gap="sm">
            {dialog?.kind === 'duplicate' && (
              <TextInput label="Id of the copy" description="Letters, digits, - and _; it cannot change later" value={id} onChange={(e) => setId(e.currentTarget.value)}
                error={id && !idOk ? 'letters, digits, - and _ only' : undefined} data-autofocus />
            )}
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus={dialog?.kind === 'rename' || undefined} />
            {error && dialog && <Alert color="red" variant="light">{error.message}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)}>Cancel</Button>
              <Button type="submit" loading={rename.isPending || duplicate.isPending} disabled={!name.trim() || (dialog?.kind === 'duplicate' && !idOk)}>
                {dialog?.kind === 'duplicate' ? 'Duplicate' : 'Rename'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

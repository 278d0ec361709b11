import { ActionIcon, Alert, Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBookmark, IconBookmarkPlus, IconTrash } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { savedViewBodySchema } from '../../../../../engine/lead/workspace-schemas';
import { useDeleteView, useSaveView } from '../api/mutations';
import { useSavedViews } from '../api/queries';
import type { SavedView } from '../api/types';

/** Named sets of finder filters: apply one, save the current filters under a name, delete one. */
export function SavedViews({ filters, onApply }: { filters: Record<string, string>; onApply(view: SavedView): void }) {
  const views = useSavedViews();
  const remove = useDeleteView();
  const [saving, setSaving] = useState(false);
  const items = views.data?.items ?? [];
  return (
    <>
      <Menu position="bottom-end" width={280} withinPortal>
        <Menu.Target>
          <Button variant="default" leftSection={<IconBookmark size={16} />}>Views{items.length ? ` (${items.length})` : ''}</Button>
        </Menu.Target>
        <Menu.Dropdown data-testid="saved-views">
          <Menu.Label>Saved views</Menu.Label>
          {views.error && <Text size="xs" c="red" px="sm">{views.error.message}</Text>}
          {items.length === 0 && !views.error && <Text size="xs" c="dimmed" px="sm" pb="xs">No saved views yet.</Text>}
          {items.map((v) => (
            <Menu.Item key={v.id} onClick={() => onApply(v)}
              rightSection={
                <ActionIcon component="span" role="button" tabIndex={0} variant="subtle" color="red" size="sm" aria-label={`Delete view ${v.name}`}
                  onClick={(e) => { e.stopPropagation(); remove.mutate(v.id, { onSuccess: () => notifications.show({ message: `View "${v.name}" deleted` }), onError: (err) => notifications.show({ color: 'red', message: err.message }) }); }}>
                  <IconTrash size={14} />
                </ActionIcon>
              }>
              {v.name}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconBookmarkPlus size={16} />} onClick={() => setSaving(true)}>Save current filters…</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <SaveViewModal opened={saving} onClose={() => setSaving(false)} filters={filters} />
    </>
  );
}

function SaveViewModal({ opened, onClose, filters }: { opened: boolean; onClose(): void; filters: Record<string, string> }) {
  const save = useSaveView();
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = savedViewBodySchema.safeParse({ name, filters });
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => i.message).join('; '));
      return;
    }
    setError(undefined);
    save.mutate(parsed.data, {
      onSuccess: (v) => { notifications.show({ color: 'green', message: `View "${v.name}" saved` }); setName(''); onClose(); },
      onError: (err) => setError(err.fieldErrors.name ?? err.message),
    });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Save the current filters as a view">
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="View name" placeholder="e.g. Hot leads in Germany" value={name} onChange={(e) => setName(e.currentTarget.value)} error={error} data-autofocus />
          <Text size="xs" c="dimmed">{Object.keys(filters).length ? `Saves ${Object.keys(filters).length} setting(s): ${Object.keys(filters).join(', ')}` : 'No filters set: the view shows all leads.'}</Text>
          {save.error && !error && <Alert color="red">{save.error.message}</Alert>}
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={save.isPending}>Save view</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

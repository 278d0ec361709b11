import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { reasonBodySchema } from '../../../../../engine/lead/schemas';
import { useLossReasons } from '../api/board';

/** Asks why a lead was lost (reasons from the admin constants) before the move is sent. */
export function LostModal({ leadName, opened, onCancel, onConfirm }: { leadName: string; opened: boolean; onCancel(): void; onConfirm(reason: string, note?: string): void }) {
  const reasons = useLossReasons();
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const confirm = () => {
    const parsed = reasonBodySchema.safeParse({ reason: reason ?? '', note: note.trim() || undefined });
    if (!parsed.success) {
      setError('Choose a reason.');
      return;
    }
    setError(undefined);
    onConfirm(parsed.data.reason, parsed.data.note);
    setReason(null);
    setNote('');
  };
  return (
    <Modal opened={opened} onClose={onCancel} title={`Mark ${leadName} lost`} centered>
      <Stack>
        <Text size="sm" c="dimmed">The lead closes and leaves the board. Why was it lost?</Text>
        <Select label="Reason" placeholder="Choose a reason" data={(reasons.data ?? []).map((r) => ({ value: r.code, label: r.label }))}
          value={reason} onChange={(v) => { setReason(v); setError(undefined); }} error={error} data-autofocus withAsterisk comboboxProps={{ withinPortal: true }} />
        <Textarea label="Note" placeholder="Optional" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={2000} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>Cancel</Button>
          <Button color="red" onClick={confirm}>Mark lost</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

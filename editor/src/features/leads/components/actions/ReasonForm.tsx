import { Select, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { reasonBodySchema } from '../../../../../../engine/lead/schemas';
import { ActionModal } from './ActionModal';
import { useActionSubmit } from './use-action-submit';

interface Values extends Record<string, unknown> { reason: string; note: string }

/** Disqualify or mark lost: a reason from the admin constants and an optional note. */
export function ReasonForm({ leadId, onClose, path, title, submitLabel, success, reasons }: {
  leadId: string; onClose(): void; path: 'disqualify' | 'lost'; title: string; submitLabel: string; success: string; reasons: { value: string; label: string }[];
}) {
  const form = useForm<Values>({ initialValues: { reason: '', note: '' } });
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path, form, schema: reasonBodySchema, success, onDone: onClose,
    toBody: (v) => ({ reason: v.reason, ...(v.note.trim() ? { note: v.note.trim() } : {}) }),
  });
  return (
    <ActionModal title={title} opened onClose={onClose} onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal} submitLabel={submitLabel}>
      <Select label="Reason" placeholder="Pick a reason" data={reasons} required {...form.getInputProps('reason')} />
      <Textarea label="Note" autosize minRows={2} {...form.getInputProps('note')} />
    </ActionModal>
  );
}

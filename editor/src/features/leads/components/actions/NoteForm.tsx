import { Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { noteBodySchema } from '../../../../../../engine/lead/schemas';
import { ActionModal } from './ActionModal';
import { useActionSubmit } from './use-action-submit';

interface Values extends Record<string, unknown> { note: string }

/** Qualify or send to nurturing, with an optional note. */
export function NoteForm({ leadId, onClose, path, title, submitLabel, success }: { leadId: string; onClose(): void; path: 'qualify' | 'nurture'; title: string; submitLabel: string; success: string }) {
  const form = useForm<Values>({ initialValues: { note: '' } });
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path, form, schema: noteBodySchema, success, onDone: onClose,
    toBody: (v) => (v.note.trim() ? { note: v.note.trim() } : {}),
  });
  return (
    <ActionModal title={title} opened onClose={onClose} onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal} submitLabel={submitLabel}>
      <Textarea label="Note (optional)" autosize minRows={2} {...form.getInputProps('note')} data-autofocus />
    </ActionModal>
  );
}

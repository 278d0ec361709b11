import { Select, TextInput, Textarea } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import dayjs from 'dayjs';
import { logVisitBodySchema } from '../../../../../../engine/lead/schemas';
import { ActionModal } from './ActionModal';
import { useActionSubmit } from './use-action-submit';

type Option = { value: string; label: string };
interface Values extends Record<string, unknown> { type: string; status: string; occurredAt: string; outcome: string; notes: string }

/** Log a visit: type and status from the admin constants, when it happened (or is planned), notes. */
export function LogVisitForm({ leadId, onClose, types, statuses }: { leadId: string; onClose(): void; types: Option[]; statuses: Option[] }) {
  const form = useForm<Values>({ initialValues: { type: types[0]?.value ?? '', status: statuses[0]?.value ?? '', occurredAt: dayjs().format('YYYY-MM-DD HH:mm:ss'), outcome: '', notes: '' } });
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path: 'visits', form, schema: logVisitBodySchema, success: 'Visit logged', onDone: onClose,
    toBody: (v) => ({
      type: v.type, status: v.status,
      occurredAt: v.occurredAt ? dayjs(v.occurredAt).toISOString() : undefined,
      ...(v.outcome.trim() ? { outcome: v.outcome.trim() } : {}), ...(v.notes.trim() ? { notes: v.notes.trim() } : {}),
    }),
  });
  return (
    <ActionModal title="Log a visit" opened onClose={onClose} onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal} submitLabel="Log visit">
      <Select label="Type" data={types} required {...form.getInputProps('type')} allowDeselect={false} />
      <Select label="Status" data={statuses} required {...form.getInputProps('status')} allowDeselect={false} />
      <DateTimePicker label="When" valueFormat="DD MMM YYYY HH:mm" {...form.getInputProps('occurredAt')} />
      <TextInput label="Outcome" placeholder="e.g. Interested in a pilot" {...form.getInputProps('outcome')} />
      <Textarea label="Notes" autosize minRows={3} {...form.getInputProps('notes')} />
    </ActionModal>
  );
}

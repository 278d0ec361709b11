import { Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { reassignBodySchema } from '../../../../../../engine/lead/schemas';
import { useAssignableReps } from '../../api/queries';
import { ActionModal } from './ActionModal';
import { useActionSubmit } from './use-action-submit';

interface Values extends Record<string, unknown> { ownerId: string; reason: string }

/** Reassign to an active rep (a manager sees the reps of the teams they manage). */
export function ReassignForm({ leadId, onClose, currentOwnerId }: { leadId: string; onClose(): void; currentOwnerId: string | null }) {
  const reps = useAssignableReps(true);
  const form = useForm<Values>({ initialValues: { ownerId: '', reason: '' } });
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path: 'reassign', form, schema: reassignBodySchema, success: 'Lead reassigned', onDone: onClose,
    toBody: (v) => ({ ownerId: v.ownerId, ...(v.reason.trim() ? { reason: v.reason.trim() } : {}) }),
  });
  const options = (reps.data?.items ?? []).filter((u) => u.id !== currentOwnerId && u.active !== false).map((u) => ({ value: u.id, label: u.name }));
  return (
    <ActionModal title="Reassign the lead" opened onClose={onClose} onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal ?? reps.error?.message} submitLabel="Reassign">
      <Select label="New owner" placeholder={reps.isPending ? 'Loading reps…' : 'Pick a rep'} data={options} searchable required nothingFoundMessage="No active rep in your teams" {...form.getInputProps('ownerId')} />
      <TextInput label="Reason" {...form.getInputProps('reason')} />
    </ActionModal>
  );
}

import { NumberInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { convertBodySchema } from '../../../../../../engine/lead/schemas';
import { ActionModal } from './ActionModal';
import { useActionSubmit } from './use-action-submit';

interface Values extends Record<string, unknown> { name: string; amount: number | string }

/** Convert to an opportunity: a name (the company by default) and an expected amount. */
export function ConvertForm({ leadId, onClose, defaultName }: { leadId: string; onClose(): void; defaultName: string }) {
  const form = useForm<Values>({ initialValues: { name: defaultName, amount: '' } });
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path: 'opportunity', form, schema: convertBodySchema, success: 'Converted to an opportunity', onDone: onClose,
    toBody: (v) => ({ ...(v.name.trim() ? { name: v.name.trim() } : {}), ...(v.amount === '' ? {} : { amount: Number(v.amount) }) }),
  });
  return (
    <ActionModal title="Convert to an opportunity" opened onClose={onClose} onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal} submitLabel="Convert">
      <TextInput label="Opportunity name" {...form.getInputProps('name')} />
      <NumberInput label="Expected amount (EUR)" min={0} decimalScale={2} thousandSeparator {...form.getInputProps('amount')} />
    </ActionModal>
  );
}

import { Select, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { wonBodySchema } from '../../../../../../engine/lead/schemas';
import { formatMoney } from '../../../../lib/format';
import type { LeadOffer } from '../../api/types';
import { ActionModal } from './ActionModal';
import { useActionSubmit } from './use-action-submit';

interface Values extends Record<string, unknown> { offerId: string }

/** Mark won: the order is made from an accepted offer (the newest by default). */
export function WonForm({ leadId, onClose, offers }: { leadId: string; onClose(): void; offers: LeadOffer[] }) {
  const accepted = offers.filter((o) => o.status === 'accepted').sort((a, b) => b.version - a.version);
  const form = useForm<Values>({ initialValues: { offerId: accepted[0]?.id ?? '' } });
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path: 'won', form, schema: wonBodySchema, success: 'Marked won: the order is created', onDone: onClose,
    toBody: (v) => (v.offerId ? { offerId: v.offerId } : {}),
  });
  return (
    <ActionModal title="Mark won" opened onClose={onClose} onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal} submitLabel="Mark won">
      {accepted.length > 0
        ? <Select label="Accepted offer" data={accepted.map((o) => ({ value: o.id, label: `v${o.version} — ${formatMoney(o.total, o.currency)}` }))} allowDeselect={false} {...form.getInputProps('offerId')} />
        : <Text size="sm" c="dimmed">No offer is accepted yet; the workflow will say whether the lead can be won.</Text>}
    </ActionModal>
  );
}

import { Select, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { setOfferStatusBodySchema } from '../../../../../../engine/lead/schemas';
import { humanize } from '../../../../lib/format';
import type { LeadOffer } from '../../api/types';
import { ActionModal } from './ActionModal';
import { useActionSubmit } from './use-action-submit';

interface Values extends Record<string, unknown> { reason: string }

/** Set an offer's status; a rejection needs a reason from the admin constants. */
export function OfferStatusForm({ leadId, offer, status, onClose, reasons }: { leadId: string; offer: LeadOffer; status: string; onClose(): void; reasons: { value: string; label: string }[] }) {
  const form = useForm<Values>({ initialValues: { reason: '' } });
  const needsReason = status === 'rejected';
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path: `offers/${encodeURIComponent(offer.id)}/status`, form, schema: setOfferStatusBodySchema, onDone: onClose,
    success: `Offer v${offer.version} is now ${humanize(status).toLowerCase()}`,
    toBody: (v) => ({ status, ...(v.reason ? { reason: v.reason } : {}) }),
  });
  return (
    <ActionModal title={`Offer v${offer.version}: ${humanize(status).toLowerCase()}`} opened onClose={onClose} onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal}
      submitLabel={`Mark ${humanize(status).toLowerCase()}`}>
      <Text size="sm">Set offer v{offer.version} from <strong>{humanize(offer.status).toLowerCase()}</strong> to <strong>{humanize(status).toLowerCase()}</strong>.</Text>
      {needsReason && <Select label="Reason" placeholder="Why was it rejected?" data={reasons} required {...form.getInputProps('reason')} />}
    </ActionModal>
  );
}

import { ActionIcon, Button, Center, Group, Loader, Modal, NumberInput, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { createOfferBodySchema } from '../../../../../../engine/lead/schemas';
import { formatMoney } from '../../../../lib/format';
import type { LeadOffer } from '../../api/types';
import { useCatalogProducts } from '../../api/pricing';
import { ActionModal } from './ActionModal';
import { OfferConfigurator } from './OfferConfigurator';
import { useActionSubmit } from './use-action-submit';

interface Line { product: string; options: string[]; quantity: number | string; unitPrice: number | string }
interface Values extends Record<string, unknown> { lines: Line[]; currency: string }

const emptyLine = (): Line => ({ product: '', options: [], quantity: 1, unitPrice: '' });
const lineTotal = (l: Line) => (Number(l.quantity) || 0) * (Number(l.unitPrice) || 0);

/**
 * Create an offer, or renegotiate (a new offer superseding one): from the catalog with the configurator when the
 * catalog has products, else from lines typed by hand.
 */
export function OfferForm({ leadId, onClose, supersedes }: { leadId: string; onClose(): void; supersedes?: LeadOffer }) {
  const products = useCatalogProducts();
  if (products.isPending) return <Modal opened onClose={onClose} title="Create an offer"><Center p="lg"><Loader /></Center></Modal>;
  const items = products.data?.items ?? [];
  if (items.length) return <OfferConfigurator leadId={leadId} products={items} onClose={onClose} supersedes={supersedes} />;
  return <FreeLinesOfferForm leadId={leadId} onClose={onClose} supersedes={supersedes} />;
}

/** An offer from free lines (product, options, quantity, unit price). */
function FreeLinesOfferForm({ leadId, onClose, supersedes }: { leadId: string; onClose(): void; supersedes?: LeadOffer }) {
  const form = useForm<Values>({
    initialValues: {
      lines: supersedes?.lines.length ? supersedes.lines.map((l) => ({ ...l, options: [...l.options] })) : [emptyLine()],
      currency: supersedes?.currency ?? 'EUR',
    },
  });
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path: 'offers', form, schema: createOfferBodySchema, onDone: onClose,
    success: supersedes ? `Offer v${supersedes.version + 1} created (renegotiated)` : 'Offer created',
    toBody: (v) => ({
      lines: v.lines.map((l) => ({ product: l.product.trim(), options: l.options, quantity: Number(l.quantity), unitPrice: l.unitPrice === '' ? Number.NaN : Number(l.unitPrice) })),
      currency: v.currency, ...(supersedes ? { supersedes: supersedes.id } : {}),
    }),
  });
  const total = form.values.lines.reduce((s, l) => s + lineTotal(l), 0);
  return (
    <ActionModal title={supersedes ? `Renegotiate offer v${supersedes.version}` : 'Create an offer'} size={960} opened onClose={onClose}
      onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal} submitLabel={supersedes ? 'Create new version' : 'Create offer'}>
      <Table withTableBorder={false} verticalSpacing={4} data-testid="offer-lines">
        <Table.Thead><Table.Tr><Table.Th w="28%">Product</Table.Th><Table.Th>Options</Table.Th><Table.Th w={100}>Quantity</Table.Th><Table.Th w={150}>Unit price</Table.Th><Table.Th w={120} ta="right">Line total</Table.Th><Table.Th w={36} /></Table.Tr></Table.Thead>
        <Table.Tbody>
          {form.values.lines.map((l, i) => (
            <Table.Tr key={i} style={{ verticalAlign: 'top' }}>
              <Table.Td><TextInput aria-label={`Product of line ${i + 1}`} placeholder="Product" {...form.getInputProps(`lines.${i}.product`)} /></Table.Td>
              <Table.Td><TagsInput aria-label={`Options of line ${i + 1}`} placeholder="Add option, Enter" {...form.getInputProps(`lines.${i}.options`)} /></Table.Td>
              <Table.Td><NumberInput aria-label={`Quantity of line ${i + 1}`} min={1} allowDecimal={false} {...form.getInputProps(`lines.${i}.quantity`)} /></Table.Td>
              <Table.Td><NumberInput aria-label={`Unit price of line ${i + 1}`} min={0} decimalScale={2} thousandSeparator {...form.getInputProps(`lines.${i}.unitPrice`)} /></Table.Td>
              <Table.Td ta="right"><Text size="sm" pt={6}>{formatMoney(lineTotal(l), form.values.currency)}</Text></Table.Td>
              <Table.Td><ActionIcon variant="subtle" color="red" mt={4} aria-label={`Remove line ${i + 1}`} disabled={form.values.lines.length === 1} onClick={() => form.removeListItem('lines', i)}><IconTrash size={16} /></ActionIcon></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {typeof form.errors.lines === 'string' && <Text size="sm" c="red">{form.errors.lines}</Text>}
      <Group justify="space-between">
        <Button variant="subtle" leftSection={<IconPlus size={16} />} onClick={() => form.insertListItem('lines', emptyLine())}>Add line</Button>
        <Text fw={700} data-testid="offer-total">Total {formatMoney(total, form.values.currency)}</Text>
      </Group>
    </ActionModal>
  );
}

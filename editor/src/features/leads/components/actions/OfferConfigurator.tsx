import { ActionIcon, Alert, Anchor, Badge, Button, Checkbox, Group, List, Loader, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle, IconBulb, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { createOfferBodySchema } from '../../../../../../engine/lead/schemas';
import type { ConfigurationInput, PricedLine, Product } from '../../../../../../engine/pricing/schemas';
import { formatDate, formatMoney } from '../../../../lib/format';
import { useQuote, useSuggestion } from '../../api/pricing';
import type { LeadOffer } from '../../api/types';
import { ActionModal } from './ActionModal';
import { useActionSubmit } from './use-action-submit';

interface Item { productId: string | null; options: string[]; quantity: number | string; discountPct: number | string; unitPrice: number | string }
interface Values extends Record<string, unknown> { configuration: { contractMonths: string; items: Item[] } }

const emptyItem = (): Item => ({ productId: null, options: [], quantity: 10, discountPct: '', unitPrice: '' });
const pct = (n: number) => `${n > 0 ? '+' : ''}${n.toLocaleString(undefined, { maximumFractionDigits: 2 })} %`;

/** What the form holds, as the API's configuration (incomplete items left out, so the live quote only sees real ones). */
function toConfiguration(v: Values['configuration']): ConfigurationInput & { items: NonNullable<ConfigurationInput['items']> } {
  return {
    contractMonths: Number(v.contractMonths),
    items: v.items.filter((i) => i.productId && Number(i.quantity) >= 1).map((i) => ({
      productId: i.productId!, options: i.options, quantity: Math.floor(Number(i.quantity)),
      ...(i.discountPct !== '' && Number(i.discountPct) > 0 ? { discountPct: Number(i.discountPct) } : {}),
      ...(i.unitPrice !== '' ? { unitPrice: Number(i.unitPrice) } : {}),
    })),
  };
}

/**
 * The offer from the catalog: the rep picks products, options, quantities and the contract length; the server checks
 * the configuration against the configurator rules (each violation with its rule) and prices it line by line with an
 * explanation per adjustment, live while the rep edits. Similar won deals suggest a discount.
 */
export function OfferConfigurator({ leadId, products, onClose, supersedes }: { leadId: string; products: Product[]; onClose(): void; supersedes?: LeadOffer }) {
  const known = new Set(products.map((p) => p.id));
  const fromOffer = supersedes?.lines.filter((l) => known.has(l.product)).map((l): Item => ({ productId: l.product, options: [...l.options], quantity: l.quantity, discountPct: '', unitPrice: '' }));
  const form = useForm<Values>({ initialValues: { configuration: { contractMonths: '12', items: fromOffer?.length ? fromOffer : [emptyItem()] } } });
  const conf = form.values.configuration;
  // Debounce the configuration as text: a new object every render would restart the timer forever.
  const [debouncedText] = useDebouncedValue(JSON.stringify(toConfiguration(conf)), 250);
  const debounced = useMemo(() => JSON.parse(debouncedText) as ReturnType<typeof toConfiguration>, [debouncedText]);
  const quote = useQuote(leadId, debounced.items.length ? debounced : null);
  const chosen = [...new Set(debounced.items.map((i) => i.productId))].sort();
  const suggestion = useSuggestion(leadId, chosen);
  const { submit, pending, refusal } = useActionSubmit({
    leadId, path: 'offers', form, schema: createOfferBodySchema, onDone: onClose,
    success: supersedes ? `Offer v${supersedes.version + 1} created (renegotiated)` : 'Offer created',
    toBody: (v) => ({ configuration: toConfiguration(v.configuration), ...(supersedes ? { supersedes: supersedes.id } : {}) }),
  });
  const q = quote.data;
  const manualAllowed = q?.canPriceManually ?? false;
  const byId = new Map(products.map((p) => [p.id, p]));
  const quoteError = quote.error instanceof Error ? quote.error.message : undefined;

  return (
    <ActionModal title={supersedes ? `Renegotiate offer v${supersedes.version}` : 'Create an offer'} size={1100} opened onClose={onClose}
      onSubmit={form.onSubmit(submit)} pending={pending} refusal={refusal} submitLabel={supersedes ? 'Create new version' : 'Create offer'}
      submitDisabled={!q || !q.valid || q.problems.length > 0 || Boolean(quoteError)}>
      <Group align="end">
        <Select label="Contract length" w={180} allowDeselect={false} data={[{ value: '12', label: '12 months' }, { value: '24', label: '24 months' }, { value: '36', label: '36 months' }]}
          {...form.getInputProps('configuration.contractMonths')} />
        {q && <Text size="sm" c="dimmed" pb={8}>Price list: {q.priceList.name} · at most {q.priceList.maxDiscountPct} % below list{q.ruleSet ? ` · rules: ${q.ruleSet.name} v${q.ruleSet.version}` : ''}</Text>}
      </Group>
      <Stack gap="sm" data-testid="configurator">
        {conf.items.map((it, i) => {
          const p = it.productId ? byId.get(it.productId) : undefined;
          const itemError = form.errors[`configuration.items.${i}`];
          return (
            <Paper key={i} withBorder p="sm" data-testid={`item-${i + 1}`}>
              <Group align="start" wrap="nowrap">
                <SimpleGrid cols={manualAllowed ? 4 : 3} style={{ flex: 1 }}>
                  <Select label={`Product of item ${i + 1}`} placeholder="Pick a product" searchable allowDeselect={false}
                    data={products.map((x) => ({ value: x.id, label: x.name }))} {...form.getInputProps(`configuration.items.${i}.productId`)}
                    onChange={(v) => { form.setFieldValue(`configuration.items.${i}.productId`, v); form.setFieldValue(`configuration.items.${i}.options`, []); }} />
                  <NumberInput label={`Quantity of item ${i + 1}`} min={1} allowDecimal={false} thousandSeparator {...form.getInputProps(`configuration.items.${i}.quantity`)} />
                  <NumberInput label={`Extra discount % of item ${i + 1}`} min={0} max={100} decimalScale={2} placeholder="0" {...form.getInputProps(`configuration.items.${i}.discountPct`)} />
                  {manualAllowed && <NumberInput label={`Manual unit price of item ${i + 1}`} min={0} decimalScale={2} placeholder="from the price list" {...form.getInputProps(`configuration.items.${i}.unitPrice`)} />}
                </SimpleGrid>
                <ActionIcon variant="subtle" color="red" mt={26} aria-label={`Remove item ${i + 1}`} disabled={conf.items.length === 1} onClick={() => form.removeListItem('configuration.items', i)}><IconTrash size={16} /></ActionIcon>
              </Group>
              {p && p.options.length > 0 && (
                <Checkbox.Group mt="xs" label={`Options of item ${i + 1}`} {...form.getInputProps(`configuration.items.${i}.options`)}>
                  <Group gap="md" mt={4}>
                    {p.options.filter((o) => !o.archived).map((o) => <Checkbox key={o.code} value={o.code} label={o.group ? `${o.name} (${o.group})` : o.name} />)}
                  </Group>
                </Checkbox.Group>
              )}
              {typeof itemError === 'string' && <Text size="sm" c="red" mt={4}>{itemError}</Text>}
            </Paper>
          );
        })}
        <Group>
          <Button variant="subtle" leftSection={<IconPlus size={16} />} onClick={() => form.insertListItem('configuration.items', emptyItem())}>Add product</Button>
          {quote.isFetching && <Loader size="xs" />}
        </Group>
      </Stack>

      {quoteError && <Alert color="red" icon={<IconAlertTriangle size={16} />} data-testid="quote-error">{quoteError}</Alert>}
      {q && !q.valid && (
        <Alert color="red" icon={<IconAlertTriangle size={16} />} title="Not a valid configuration" data-testid="violations">
          <List size="sm" spacing={2}>
            {q.violations.map((v, k) => (
              <List.Item key={k} data-testid="violation">
                <Text span fw={600} size="sm">{byId.get(v.productId)?.name ?? v.productId}:</Text> {v.description} <Text span size="xs" c="dimmed">(rule {v.rule})</Text>
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {q && q.problems.length > 0 && (
        <Alert color="orange" icon={<IconAlertTriangle size={16} />} title="Below the price floor" data-testid="price-problems">
          {q.problems.map((p, k) => <Text key={k} size="sm">{p.message}</Text>)}
        </Alert>
      )}
      {q && q.valid && <PricedLines lines={q.lines} currency={q.currency} />}
      {q && (
        <Group justify="flex-end" gap="xl">
          <Text size="sm" c="dimmed">List {formatMoney(q.listTotal, q.currency)}</Text>
          <Text size="sm" c="dimmed" data-testid="offer-discount">Discount {q.discountPct.toLocaleString(undefined, { maximumFractionDigits: 2 })} %</Text>
          <Text fw={700} data-testid="offer-total">Total {formatMoney(q.total, q.currency)}</Text>
        </Group>
      )}
      {suggestion.data && <SuggestionBox s={suggestion.data} current={q?.discountPct} names={byId} />}
    </ActionModal>
  );
}

function PricedLines({ lines, currency }: { lines: PricedLine[]; currency: string }) {
  return (
    <Table withTableBorder verticalSpacing={4} data-testid="priced-lines">
      <Table.Thead><Table.Tr><Table.Th>Line</Table.Th><Table.Th ta="right">Qty</Table.Th><Table.Th ta="right">List unit</Table.Th><Table.Th ta="right">Unit</Table.Th><Table.Th ta="right">Total</Table.Th></Table.Tr></Table.Thead>
      <Table.Tbody>
        {lines.map((l, i) => (
          <Table.Tr key={i} data-testid="priced-line" style={{ verticalAlign: 'top' }}>
            <Table.Td>
              <Group gap={6}>
                <Text size="sm" fw={500}>{l.productName}</Text>
                {l.source !== 'catalog' && <Badge size="xs" variant="light" color={l.source === 'fee' ? 'blue' : 'orange'}>{l.source === 'fee' ? 'rule fee' : l.source === 'manual' ? 'manual price' : 'free line'}</Badge>}
              </Group>
              {l.optionNames.length > 0 && <Text size="xs" c="dimmed">{l.optionNames.join(', ')}</Text>}
              {l.adjustments.map((a, k) => (
                <Text key={k} size="xs" c={a.amount < 0 ? 'teal' : 'dimmed'} data-testid="adjustment">
                  {a.label}{a.percent !== undefined ? ` (${pct(a.percent)})` : ''}: {formatMoney(a.amount, currency)} <Text span size="xs" c="dimmed">· rule {a.rule}</Text>
                </Text>
              ))}
            </Table.Td>
            <Table.Td ta="right">{l.quantity.toLocaleString()}</Table.Td>
            <Table.Td ta="right">{formatMoney(l.listUnitPrice, currency)}</Table.Td>
            <Table.Td ta="right">{formatMoney(l.unitPrice, currency)}</Table.Td>
            <Table.Td ta="right"><Text size="sm" fw={600}>{formatMoney(l.total, currency)}</Text></Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function SuggestionBox({ s, current, names }: { s: import('../../api/pricing').Suggestion; current?: number; names: Map<string, Product> }) {
  return (
    <Alert color="blue" variant="light" icon={<IconBulb size={16} />} title="Quote from history" data-testid="suggestion">
      {s.suggestedDiscountPct === null ? <Text size="sm">{s.explanation}</Text> : (
        <Stack gap={4}>
          <Text size="sm">
            Similar won deals gave <b>{s.suggestedDiscountPct.toLocaleString(undefined, { maximumFractionDigits: 2 })} %</b> off list
            {current !== undefined ? ` (this quote: ${current.toLocaleString(undefined, { maximumFractionDigits: 2 })} %)` : ''}. {s.explanation}
          </Text>
          {s.products.filter((p) => p.medianUnitPrice !== null).map((p) => (
            <Text key={p.productId} size="xs" c="dimmed">{p.name}: median {formatMoney(p.medianUnitPrice)} per unit over {p.deals} line{p.deals === 1 ? '' : 's'} (list today {formatMoney(p.listUnitPrice)})</Text>
          ))}
          <Table fz="xs" verticalSpacing={2} withRowBorders={false} data-testid="suggestion-deals">
            <Table.Tbody>
              {s.deals.map((d) => (
                <Table.Tr key={d.orderId}>
                  <Table.Td>{d.visible && d.leadId ? <Anchor component={Link} to={`/leads/${d.leadId}`} size="xs">{d.company ?? d.leadName}</Anchor> : <Text size="xs" c="dimmed">a deal of another team</Text>}</Table.Td>
                  <Table.Td>{d.companySize ? `${d.companySize.toLocaleString()} employees` : '—'}</Table.Td>
                  <Table.Td>{d.products.map((id) => names.get(id)?.name ?? id).join(', ')}</Table.Td>
                  <Table.Td>{formatDate(d.closedAt)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(d.total, d.currency)}</Table.Td>
                  <Table.Td ta="right">{d.discountPct.toLocaleString(undefined, { maximumFractionDigits: 2 })} %</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Alert>
  );
}

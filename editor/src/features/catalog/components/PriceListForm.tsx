import { Alert, Button, Checkbox, Group, Modal, NumberInput, ScrollArea, Stack, Table, Text, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { priceListBodySchema, type PriceList, type Product } from '../../../../../engine/pricing/schemas';
import { ApiError } from '../../../lib/api';
import { useSavePriceList } from '../api/catalog';

interface Values {
  id: string; name: string; currency: string; validFrom: string; validTo: string; maxDiscountPct: number | string; ruleSetId: string; archived: boolean;
  /** `${productId}/${optionCode}` → price ('' = not on this list). */
  prices: Record<string, number | string>;
}

/** Create or edit a price list: currency, validity, the largest discount below list, its rule set and a price per product and option. */
export function PriceListForm({ list, products, onClose }: { list?: PriceList; products: Product[]; onClose(): void }) {
  const save = useSavePriceList();
  const form = useForm<Values>({
    initialValues: {
      id: list?.id ?? '', name: list?.name ?? '', currency: list?.currency ?? 'EUR', validFrom: list?.validFrom ?? '', validTo: list?.validTo ?? '',
      maxDiscountPct: list?.maxDiscountPct ?? 25, ruleSetId: list?.ruleSetId ?? '', archived: list?.archived ?? false,
      prices: Object.fromEntries((list?.items ?? []).map((i) => [`${i.productId}/${i.optionCode}`, i.unitPrice])),
    },
  });
  const validate = schemaResolver(priceListBodySchema, { sync: true });
  const submit = (v: Values) => {
    const body = {
      id: v.id, name: v.name, currency: v.currency, validFrom: v.validFrom || null, validTo: v.validTo || null, maxDiscountPct: Number(v.maxDiscountPct),
      ruleSetId: v.ruleSetId || null, archived: v.archived,
      items: Object.entries(v.prices).filter(([, p]) => p !== '').map(([k, p]) => ({ productId: k.split('/')[0]!, optionCode: k.split('/')[1] ?? '', unitPrice: Number(p) })),
    };
    const errors = validate(body);
    if (Object.keys(errors).length) return form.setErrors(errors);
    save.mutate(priceListBodySchema.parse(body), {
      onSuccess: () => { notifications.show({ color: 'green', title: 'Saved', message: `Price list ${body.name} saved` }); onClose(); },
      onError: (err) => { if (err instanceof ApiError) form.setErrors(err.fieldErrors); },
    });
  };
  const rows = products.filter((p) => !p.archived).flatMap((p) => [{ key: `${p.id}/`, label: p.name, sub: false }, ...p.options.filter((o) => !o.archived).map((o) => ({ key: `${p.id}/${o.code}`, label: `+ ${o.name}`, sub: true }))]);
  return (
    <Modal opened onClose={onClose} title={list ? `Edit ${list.name}` : 'New price list'} size={760}>
      <form onSubmit={form.onSubmit(submit)}>
        <Stack>
          <Group grow>
            <TextInput label="Id" disabled={Boolean(list)} {...form.getInputProps('id')} />
            <TextInput label="Name" {...form.getInputProps('name')} />
            <TextInput label="Currency" maxLength={3} {...form.getInputProps('currency')} />
          </Group>
          <Group grow>
            <TextInput label="Valid from" placeholder="YYYY-MM-DD" {...form.getInputProps('validFrom')} />
            <TextInput label="Valid to" placeholder="YYYY-MM-DD" {...form.getInputProps('validTo')} />
            <NumberInput label="Max discount %" min={0} max={100} {...form.getInputProps('maxDiscountPct')} />
            <TextInput label="Configurator rule set" placeholder="configurator-catalog" {...form.getInputProps('ruleSetId')} />
          </Group>
          <ScrollArea.Autosize mah={360}>
            <Table verticalSpacing={2}>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.key}>
                    <Table.Td pl={r.sub ? 'lg' : undefined}><Text size="sm" fw={r.sub ? 400 : 600}>{r.label}</Text></Table.Td>
                    <Table.Td w={180}><NumberInput aria-label={`Price of ${r.label}`} min={0} decimalScale={2} placeholder="not on this list" value={form.values.prices[r.key] ?? ''}
                      onChange={(v) => form.setFieldValue('prices', { ...form.values.prices, [r.key]: v })} /></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
          <Checkbox label="Archived" {...form.getInputProps('archived', { type: 'checkbox' })} />
          {save.error && <Alert color="red">{save.error.message}</Alert>}
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={save.isPending}>Save price list</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

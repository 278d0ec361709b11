import { ActionIcon, Alert, Button, Checkbox, Group, Modal, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { schemaResolver, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { productBodySchema, type Product, type ProductBody } from '../../../../../engine/pricing/schemas';
import { ApiError } from '../../../lib/api';
import { useSaveProduct } from '../api/catalog';

type Values = Omit<ProductBody, 'attributes'> & { attributes: { key: string; value: string }[] };

/** Create or edit a product and its options (an option removed here is archived, so old offers keep it). */
export function ProductForm({ product, onClose }: { product?: Product; onClose(): void }) {
  const save = useSaveProduct();
  const form = useForm<Values>({
    initialValues: {
      id: product?.id ?? '', name: product?.name ?? '', description: product?.description ?? '', unit: product?.unit ?? 'seat', archived: product?.archived ?? false,
      options: product?.options.map((o) => ({ ...o })) ?? [],
      attributes: Object.entries(product?.attributes ?? {}).map(([key, value]) => ({ key, value: String(value) })),
    },
  });
  const validate = schemaResolver(productBodySchema, { sync: true });
  const submit = (v: Values) => {
    const body = { ...v, attributes: Object.fromEntries(v.attributes.filter((a) => a.key.trim()).map((a) => [a.key.trim(), a.value])) };
    const errors = validate(body);
    if (Object.keys(errors).length) return form.setErrors(errors);
    save.mutate(productBodySchema.parse(body), {
      onSuccess: () => { notifications.show({ color: 'green', title: 'Saved', message: `Product ${body.name} saved` }); onClose(); },
      onError: (err) => { if (err instanceof ApiError) form.setErrors(err.fieldErrors); },
    });
  };
  return (
    <Modal opened onClose={onClose} title={product ? `Edit ${product.name}` : 'New product'} size={760}>
      <form onSubmit={form.onSubmit(submit)}>
        <Stack>
          <Group grow>
            <TextInput label="Id" description="lower case, digits, -" disabled={Boolean(product)} {...form.getInputProps('id')} />
            <TextInput label="Name" {...form.getInputProps('name')} />
            <TextInput label="Unit" {...form.getInputProps('unit')} />
          </Group>
          <Textarea label="Description" autosize minRows={1} {...form.getInputProps('description')} />
          <div>
            <Text size="sm" fw={500}>Options</Text>
            <Table verticalSpacing={2}>
              <Table.Tbody>
                {form.values.options.map((o, i) => (
                  <Table.Tr key={i}>
                    <Table.Td><TextInput aria-label={`Code of option ${i + 1}`} placeholder="code" disabled={Boolean(product?.options.some((x) => x.code === o.code))} {...form.getInputProps(`options.${i}.code`)} /></Table.Td>
                    <Table.Td><TextInput aria-label={`Name of option ${i + 1}`} placeholder="name" {...form.getInputProps(`options.${i}.name`)} /></Table.Td>
                    <Table.Td><TextInput aria-label={`Group of option ${i + 1}`} placeholder="group" value={o.group ?? ''} onChange={(e) => form.setFieldValue(`options.${i}.group`, e.currentTarget.value || null)} /></Table.Td>
                    <Table.Td><Checkbox label="archived" {...form.getInputProps(`options.${i}.archived`, { type: 'checkbox' })} /></Table.Td>
                    <Table.Td><ActionIcon variant="subtle" color="red" aria-label={`Remove option ${i + 1}`} onClick={() => form.removeListItem('options', i)}><IconTrash size={16} /></ActionIcon></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('options', { code: '', name: '', group: null, archived: false })}>Add option</Button>
          </div>
          <div>
            <Text size="sm" fw={500}>Attributes</Text>
            {form.values.attributes.map((_, i) => (
              <Group key={i} gap="xs" mb={4}>
                <TextInput aria-label={`Attribute ${i + 1}`} placeholder="name" {...form.getInputProps(`attributes.${i}.key`)} />
                <TextInput aria-label={`Value of attribute ${i + 1}`} placeholder="value" {...form.getInputProps(`attributes.${i}.value`)} />
                <ActionIcon variant="subtle" color="red" aria-label={`Remove attribute ${i + 1}`} onClick={() => form.removeListItem('attributes', i)}><IconTrash size={16} /></ActionIcon>
              </Group>
            ))}
            <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={() => form.insertListItem('attributes', { key: '', value: '' })}>Add attribute</Button>
          </div>
          <Checkbox label="Archived (no longer offered; stays on old offers and orders)" {...form.getInputProps('archived', { type: 'checkbox' })} />
          {save.error && !(save.error instanceof ApiError && Object.keys(save.error.fieldErrors).length) && <Alert color="red">{save.error.message}</Alert>}
          <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button type="submit" loading={save.isPending}>Save product</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

import { Alert, Badge, Button, Card, Group, Loader, Stack, Table, Tabs, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { PageHeader } from '../../../components/PageHeader';
import { formatMoney } from '../../../lib/format';
import { useSession } from '../../../lib/session';
import type { PriceList, Product } from '../../../../../engine/pricing/schemas';
import { useAllProducts, usePriceLists } from '../api/catalog';
import { PriceListForm } from './PriceListForm';
import { ProductForm } from './ProductForm';

/** The product catalog and its price lists: ops and admins edit, everyone else reads. */
export function CatalogPage() {
  const products = useAllProducts();
  const lists = usePriceLists();
  const { user } = useSession();
  const mayEdit = user?.role === 'ops' || user?.role === 'admin';
  const [product, setProduct] = useState<Product | 'new' | null>(null);
  const [list, setList] = useState<PriceList | 'new' | null>(null);
  const items = products.data?.items ?? [];
  return (
    <div className="page page-wide" data-testid="catalog">
      <PageHeader title="Catalog" description="Products with their options and attributes, and price lists with list prices per product and option. Archived products stay on old offers and orders." />
      {(products.error || lists.error) && <Alert color="red" title="The catalog could not be loaded">{(products.error ?? lists.error)!.message}</Alert>}
      <Tabs defaultValue="products" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="products">Products ({items.filter((p) => !p.archived).length})</Tabs.Tab>
          <Tabs.Tab value="price-lists">Price lists ({lists.data?.items.length ?? 0})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="products">
          {mayEdit && <Group justify="flex-end" mb="sm"><Button leftSection={<IconPlus size={16} />} onClick={() => setProduct('new')}>New product</Button></Group>}
          <Card withBorder padding={0} radius="md">
            <Table>
              <Table.Thead><Table.Tr><Table.Th>Product</Table.Th><Table.Th>Unit</Table.Th><Table.Th>Options</Table.Th><Table.Th>Attributes</Table.Th>{mayEdit && <Table.Th />}</Table.Tr></Table.Thead>
              <Table.Tbody>
                {items.map((p) => (
                  <Table.Tr key={p.id} data-testid={`product-${p.id}`} style={{ opacity: p.archived ? 0.55 : 1, verticalAlign: 'top' }}>
                    <Table.Td>
                      <Group gap={6}><Text fw={600} size="sm">{p.name}</Text>{p.archived && <Badge size="xs" color="gray">archived</Badge>}</Group>
                      <Text size="xs" c="dimmed">{p.id}{p.description ? ` · ${p.description}` : ''}</Text>
                    </Table.Td>
                    <Table.Td><Text size="sm">{p.unit}</Text></Table.Td>
                    <Table.Td>
                      <Group gap={4}>{p.options.map((o) => <Badge key={o.code} variant="light" color={o.archived ? 'gray' : 'indigo'} tt="none">{o.name}</Badge>)}</Group>
                    </Table.Td>
                    <Table.Td><Text size="xs" c="dimmed">{Object.entries(p.attributes).map(([k, v]) => `${k}: ${String(v)}`).join(' · ') || '—'}</Text></Table.Td>
                    {mayEdit && <Table.Td><Button size="compact-sm" variant="default" onClick={() => setProduct(p)}>Edit</Button></Table.Td>}
                  </Table.Tr>
                ))}
                {products.data && items.length === 0 && <Table.Tr><Table.Td colSpan={5}><Text size="sm" c="dimmed" ta="center" py="md">No products yet.</Text></Table.Td></Table.Tr>}
              </Table.Tbody>
            </Table>
            {products.isPending && <Group justify="center" p="md"><Loader size="sm" /></Group>}
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="price-lists">
          {mayEdit && <Group justify="flex-end" mb="sm"><Button leftSection={<IconPlus size={16} />} onClick={() => setList('new')}>New price list</Button></Group>}
          <Stack>
            {lists.data?.items.map((l) => (
              <Card key={l.id} withBorder radius="md" data-testid={`price-list-${l.id}`}>
                <Group justify="space-between" mb="xs">
                  <div>
                    <Group gap={6}><Text fw={600}>{l.name}</Text>{l.archived && <Badge size="xs" color="gray">archived</Badge>}</Group>
                    <Text size="xs" c="dimmed">{l.currency} · valid {l.validFrom ?? 'from always'} – {l.validTo ?? 'open end'} · at most {l.maxDiscountPct} % below list · rules: {l.ruleSetId ?? 'none'}</Text>
                  </div>
                  {mayEdit && <Button size="compact-sm" variant="default" onClick={() => setList(l)}>Edit</Button>}
                </Group>
                <Table fz="sm" verticalSpacing={2}>
                  <Table.Tbody>
                    {items.filter((p) => l.items.some((i) => i.productId === p.id)).map((p) => (
                      <Table.Tr key={p.id}>
                        <Table.Td w="30%"><Text size="sm" fw={500}>{p.name}</Text></Table.Td>
                        <Table.Td>{formatMoney(l.items.find((i) => i.productId === p.id && i.optionCode === '')?.unitPrice, l.currency)}</Table.Td>
                        <Table.Td>
                          <Text size="xs" c="dimmed">{l.items.filter((i) => i.productId === p.id && i.optionCode).map((i) => `${p.options.find((o) => o.code === i.optionCode)?.name ?? i.optionCode} +${formatMoney(i.unitPrice, l.currency)}`).join(' · ')}</Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Card>
            ))}
            {lists.data && lists.data.items.length === 0 && <Text size="sm" c="dimmed">No price list yet: offers from the catalog need one that is valid today.</Text>}
          </Stack>
        </Tabs.Panel>
      </Tabs>
      {product && <ProductForm product={product === 'new' ? undefined : product} onClose={() => setProduct(null)} />}
      {list && <PriceListForm list={list === 'new' ? undefined : list} products={items} onClose={() => setList(null)} />}
    </div>
  );
}

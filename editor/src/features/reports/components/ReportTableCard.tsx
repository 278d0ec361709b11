import { Anchor, Card, Table, Text, UnstyledButton } from '@mantine/core';
import { Link } from 'react-router';
import { formatMoney } from '../../../lib/format';
import type { ReportTable } from '../api/reports';

const show = (value: number | null, kind: 'count' | 'sum' | 'rate') =>
  value === null ? '—' : kind === 'rate' ? `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })} %` : kind === 'sum' ? formatMoney(value) : value.toLocaleString();

/** One table of a report; a number opens the finder with the same filters, or the report's own list behind it. */
export function ReportTableCard({ table, onDrill, activeDrill }: { table: ReportTable; onDrill(drill: string): void; activeDrill: string | null }) {
  return (
    <Card withBorder padding={0} radius="md" mb="md" data-testid={`report-table-${table.id}`}>
      <Text fw={600} px="md" pt="sm" pb={4}>{table.title}</Text>
      <Table.ScrollContainer minWidth={480}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{table.rowLabel}</Table.Th>
              {table.columns.map((c) => <Table.Th key={c.key} ta="right">{c.label}</Table.Th>)}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {table.rows.map((row) => (
              <Table.Tr key={row.key} fw={row.key === '_total' ? 600 : undefined}>
                <Table.Td>{row.label}</Table.Td>
                {table.columns.map((c) => {
                  const cell = row.cells[c.key];
                  const text = show(cell?.value ?? null, c.kind);
                  const label = `${table.title}, ${row.label}, ${c.label}: ${text}`;
                  return (
                    <Table.Td key={c.key} ta="right">
                      {!cell || !cell.value ? <Text span size="sm" c="dimmed">{text}</Text>
                        : cell.finder ? <Anchor component={Link} to={cell.finder} size="sm" aria-label={label}>{text}</Anchor>
                          : cell.drill ? (
                            <UnstyledButton onClick={() => onDrill(cell.drill!)} aria-label={label} aria-pressed={activeDrill === cell.drill}>
                              <Text span size="sm" c="indigo" td={activeDrill === cell.drill ? 'underline' : undefined}>{text}</Text>
                            </UnstyledButton>
                          ) : <Text span size="sm">{text}</Text>}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
